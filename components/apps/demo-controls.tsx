"use client";

import { useActionState, useState } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { FormMessage, SelectField } from "@/components/ui/field";
import type { ActionResult } from "@/lib/http/action";

type Action = (previous: unknown, formData: FormData) => Promise<ActionResult<unknown>>;

export type DemoApp = { name: string; dynos: string[]; types: string[] };
export type DemoScenarioParam = {
  name: string;
  default?: number;
  min?: number;
  max?: number;
  description: string;
};
export type DemoScenarioView = { name: string; description: string; params: DemoScenarioParam[] };

/** `percentPerMinute` → "Percent per minute". */
const paramLabel = (name: string) => {
  const words = name.replace(/([A-Z])/g, " $1").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};
export type RunningScenarioView = {
  id: string;
  app: string;
  dyno: string | null;
  name: string;
  startedAt: string;
};

/** Admins in demo mode start and stop simulator scenarios on any demo app. */
export function DemoControls({
  apps,
  scenarios,
  running,
  start,
  stop,
}: {
  apps: DemoApp[];
  scenarios: DemoScenarioView[];
  running: RunningScenarioView[];
  start: Action;
  stop: Action;
}) {
  const [startState, startAction, starting] = useActionState<
    ActionResult<unknown> | null,
    FormData
  >(start, null);
  const [stopState, stopAction, stopping] = useActionState<ActionResult<unknown> | null, FormData>(
    stop,
    null,
  );
  const [appName, setAppName] = useState(apps[0]?.name ?? "");
  const [scenarioName, setScenarioName] = useState(scenarios[0]?.name ?? "");
  const scenario = scenarios.find((s) => s.name === scenarioName);
  const app = apps.find((a) => a.name === appName);
  const errors = startState && !startState.ok ? startState.fieldErrors : {};
  return (
    <Card
      title="Demo controls"
      description="Make the demo account misbehave: each scenario changes the simulator's traffic and dynos, as a real incident would."
    >
      <form action={startAction} className="grid gap-4 sm:grid-cols-4 sm:items-end">
        <SelectField
          label="App"
          name="app"
          value={appName}
          onChange={(e) => setAppName(e.target.value)}
          errors={errors.app}
        >
          {apps.map((a) => (
            <option key={a.name} value={a.name}>
              {a.name}
            </option>
          ))}
        </SelectField>
        <SelectField label="Dyno or type" name="dyno" defaultValue="" errors={errors.dyno}>
          <option value="">whole app</option>
          {app?.types.map((type) => (
            <option key={`type-${type}`} value={type}>
              {type} (every dyno)
            </option>
          ))}
          {app?.dynos.map((dyno) => (
            <option key={`dyno-${dyno}`} value={dyno}>
              {dyno}
            </option>
          ))}
        </SelectField>
        <SelectField
          label="Scenario"
          name="name"
          value={scenarioName}
          onChange={(e) => setScenarioName(e.target.value)}
          errors={errors.name}
        >
          {scenarios.map((s) => (
            <option key={s.name} value={s.name} title={s.description}>
              {s.name}
            </option>
          ))}
        </SelectField>
        <Button type="submit" disabled={starting || scenarios.length === 0}>
          {starting ? "Starting…" : "Start scenario"}
        </Button>
        {scenario?.description && (
          <p className="text-sm text-slate-600 sm:col-span-4 dark:text-slate-400">
            {scenario.description}
          </p>
        )}
        {scenario?.params.map((param) => (
          <label key={`${scenario.name}-${param.name}`} className="grid gap-1 text-sm">
            <span className="font-medium text-slate-700 dark:text-slate-200">
              {paramLabel(param.name)}
            </span>
            <input
              type="number"
              name={`param.${param.name}`}
              defaultValue={param.default}
              min={param.min}
              max={param.max}
              step="any"
              title={param.description}
              className="rounded-md border border-slate-300 bg-white px-3 py-2 dark:border-slate-700 dark:bg-slate-900"
            />
          </label>
        ))}
      </form>
      <div className="mt-3 space-y-2">
        {startState?.ok && (
          <FormMessage ok message="Scenario started; watch the app's dynos and logs." />
        )}
        {startState && !startState.ok && <FormMessage ok={false} message={startState.message} />}
        {stopState && !stopState.ok && <FormMessage ok={false} message={stopState.message} />}
      </div>
      {running.length > 0 && (
        <ul
          className="mt-4 divide-y divide-slate-100 text-sm dark:divide-slate-800"
          aria-label="Running scenarios"
        >
          {running.map((s) => (
            <li key={s.id} className="flex items-center justify-between gap-3 py-2">
              <span>
                <span className="font-mono">{s.name}</span> on {s.app}
                {s.dyno ? ` ${s.dyno}` : ""}
              </span>
              <form action={stopAction}>
                <input type="hidden" name="id" value={s.id} />
                <Button type="submit" variant="secondary" disabled={stopping}>
                  Stop {s.name} on {s.app}
                </Button>
              </form>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
