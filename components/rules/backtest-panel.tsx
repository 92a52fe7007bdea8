"use client";
// The editor's backtest: what the unsaved rule would have done over the last 24 h or 7 d.
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/lib/http/action";
import type { BacktestResult } from "@/lib/rules/backtest";
import { useRuleDraft } from "./rule-draft";

type Run = (previous: unknown, form: FormData) => Promise<ActionResult<BacktestResult>>;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function BacktestPanel({ run }: { run: Run }) {
  const draft = useRuleDraft();
  const [pending, startTransition] = useTransition();
  const [result, setResult] = useState<ActionResult<BacktestResult> | null>(null);
  const ready = draft?.input !== null && draft?.input !== undefined;

  const backtest = (hours: number) => {
    if (!draft?.input) return;
    const form = new FormData();
    form.set("draft", JSON.stringify(draft.input));
    form.set("hours", String(hours));
    startTransition(async () => setResult(await run(null, form)));
  };

  return (
    <div
      className="rounded-lg border border-slate-200 bg-white p-4 text-sm shadow-sm dark:border-slate-800 dark:bg-slate-900"
      data-testid="backtest"
    >
      <h3 className="font-medium text-slate-900 dark:text-slate-100">Backtest</h3>
      <p className="mt-1 text-slate-600 dark:text-slate-400">
        Replays this rule, as it is in the form, over stored logs and metrics.
      </p>
      <div className="mt-3 flex gap-2">
        <Button variant="secondary" disabled={!ready || pending} onClick={() => backtest(24)}>
          Last 24 h
        </Button>
        <Button variant="secondary" disabled={!ready || pending} onClick={() => backtest(168)}>
          Last 7 d
        </Button>
      </div>
      {!ready && (
        <p className="mt-2 text-slate-500">Fix the highlighted fields to run a backtest.</p>
      )}
      {pending && <p className="mt-3 text-slate-500">Replaying…</p>}
      {!pending && result && !result.ok && (
        <p className="mt-3 text-red-700 dark:text-red-400" role="alert">
          {Object.values(result.fieldErrors).flat()[0] ?? result.message}
        </p>
      )}
      {!pending && result?.ok && (
        <div className="mt-3" data-testid="backtest-result">
          {result.data.note && result.data.incidents === 0 ? (
            <p className="text-slate-600 dark:text-slate-400">{result.data.note}</p>
          ) : (
            <>
              <p className="text-slate-900 dark:text-slate-100">
                Over the last {result.data.hours === 24 ? "24 h" : "7 d"}:{" "}
                <strong>{plural(result.data.incidents, "incident")}</strong>
                {" and "}
                <strong>{plural(result.data.restarts, "restart")}</strong>
                {result.data.targets > 1 ? ` on ${result.data.targets} targets` : ""}.
              </p>
              {result.data.firstAt && (
                <p className="mt-1 text-slate-500">
                  First {new Date(result.data.firstAt).toLocaleString()}
                  {result.data.lastAt && result.data.lastAt !== result.data.firstAt
                    ? `, last ${new Date(result.data.lastAt).toLocaleString()}`
                    : ""}
                  .
                </p>
              )}
              {result.data.note && <p className="mt-1 text-amber-700">{result.data.note}</p>}
            </>
          )}
        </div>
      )}
    </div>
  );
}
