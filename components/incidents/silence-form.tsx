"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { FormMessage, SelectField, TextField } from "@/components/ui/field";
import type { ActionResult } from "@/lib/http/action";

type Result = ActionResult<{ until: string }>;
type Action = (previous: unknown, formData: FormData) => Promise<Result>;

const DURATIONS = [
  { minutes: 15, label: "15 min" },
  { minutes: 60, label: "1 h" },
  { minutes: 240, label: "4 h" },
  { minutes: 1440, label: "24 h" },
] as const;

/** "Silence for…": mutes notices and restarts of the incident's app, dyno type and rule. */
export function SilenceForm({
  incidentId,
  target,
  action,
}: {
  incidentId: string;
  /** What gets silenced, in words: "shop-prod web · R14 on web". */
  target: string;
  action: Action;
}) {
  const [state, formAction, pending] = useActionState<Result | null, FormData>(action, null);
  const errors = state && !state.ok ? state.fieldErrors : {};
  const values = state && !state.ok ? state.values : undefined;
  return (
    <details className="group rounded-md border border-slate-200 dark:border-slate-800">
      <summary className="cursor-pointer list-none px-3 py-2 text-sm font-medium hover:bg-slate-50 dark:hover:bg-slate-800">
        Silence for…
      </summary>
      <form
        action={formAction}
        className="grid gap-3 border-t border-slate-200 p-3 dark:border-slate-800"
      >
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Mutes notices and restarts for <strong>{target}</strong>. Incidents are still recorded.
        </p>
        <input type="hidden" name="incidentId" value={incidentId} />
        <SelectField
          label="Silence for"
          name="minutes"
          defaultValue={values?.minutes ?? "60"}
          errors={errors.minutes}
        >
          {DURATIONS.map((d) => (
            <option key={d.minutes} value={d.minutes}>
              {d.label}
            </option>
          ))}
        </SelectField>
        <TextField
          label="Reason"
          name="reason"
          required
          maxLength={500}
          placeholder="deploying a fix"
          defaultValue={values?.reason}
          errors={errors.reason}
          hint="Shown on the incident and in Activity, so others know why it is quiet."
        />
        <div className="flex items-center gap-3">
          <Button type="submit" variant="secondary" disabled={pending}>
            {pending ? "Silencing…" : "Silence"}
            <span className="sr-only"> {target}</span>
          </Button>
        </div>
        {state?.ok ? (
          <FormMessage
            ok
            message={`Silenced until ${new Date(state.data.until).toLocaleString()}.`}
          />
        ) : (
          <FormMessage ok={false} message={state?.message} />
        )}
      </form>
    </details>
  );
}
