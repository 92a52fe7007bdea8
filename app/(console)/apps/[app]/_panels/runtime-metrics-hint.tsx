import { enableRuntimeMetricsCommand } from "@/lib/apps/queries";

/** Why memory and load can be empty, and the command that fixes it. */
export function RuntimeMetricsHint({
  appName,
  runtimeMetrics,
  what,
}: {
  appName: string;
  runtimeMetrics: boolean | null;
  what: string;
}) {
  return (
    <>
      {what} per dyno, one chart per dyno type, appear here from Heroku&apos;s runtime metrics (a
      sample per dyno every 20 s).{" "}
      {runtimeMetrics === true
        ? "Runtime metrics are on: samples arrive once the dynos restart after enabling, and logs are ingested (log drain or polling)."
        : "No runtime metrics for this app in this window: enable log-runtime-metrics, then restart the dynos:"}
      {runtimeMetrics !== true && (
        <code className="mt-2 block rounded bg-slate-100 px-1.5 py-1 font-mono text-xs dark:bg-slate-800">
          {enableRuntimeMetricsCommand(appName)}
        </code>
      )}
    </>
  );
}
