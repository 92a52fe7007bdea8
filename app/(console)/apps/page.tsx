import type { Metadata } from "next";
import Link from "next/link";
import { DemoControls } from "@/components/apps/demo-controls";
import { FormationTable } from "@/components/apps/formation-table";
import { SyncNowButton } from "@/components/apps/sync-now-button";
import { PageHeader } from "@/components/layout/page-header";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { RelativeTime } from "@/components/ui/relative-time";
import { enableRuntimeMetricsCommand, getSyncState, listApps } from "@/lib/apps/queries";
import { appHealth, formationRows } from "@/lib/apps/view";
import { requireUser } from "@/lib/auth/guards";
import { listDemoScenarios } from "@/lib/heroku/demo";
import { getIngestHealth, type IngestHealth } from "@/lib/ingest/queries";
import { isDemoMode } from "@/lib/system/queries";
import { startScenarioAction, stopScenarioAction, syncNowAction } from "./actions";

export const metadata: Metadata = { title: "Apps" };

const healthTone = { ok: "ok", degraded: "warn", down: "bad", unknown: "neutral" } as const;

export default async function AppsPage() {
  const user = await requireUser();
  const [active, gone, sync, ingest] = await Promise.all([
    listApps(),
    listApps({ status: "gone" }),
    getSyncState(),
    getIngestHealth(),
  ]);
  const demo = isDemoMode();
  const scenarios = demo && user.role === "admin" ? await listDemoScenarios() : null;
  return (
    <>
      <PageHeader
        title="Apps"
        description="Every app of the Heroku account with its dyno types, sizes, counts and dyno states. Discovery syncs them every 10 minutes."
        actions={user.role === "admin" ? <SyncNowButton action={syncNowAction} /> : undefined}
      />
      <p className="-mt-3 mb-6 text-sm text-slate-600 dark:text-slate-400">
        {sync.running ? (
          <>Sync running{sync.progress ? `: ${sync.progress.label}` : "…"}</>
        ) : sync.lastRunAt ? (
          <>
            Last sync <RelativeTime iso={sync.lastRunAt} relativeOnly />
            {sync.lastOutcome === "failed" ? (
              <span className="text-red-700 dark:text-red-400"> failed: {sync.lastError}</span>
            ) : (
              sync.lastDetail && <>: {sync.lastDetail}</>
            )}
          </>
        ) : (
          "Not synced yet: the first sync starts a few seconds after the server starts."
        )}
      </p>
      {scenarios && (
        <div className="mb-6">
          <DemoControls
            apps={active.map((app) => ({
              name: app.name,
              dynos: app.dynos.map((d) => d.name),
              types: app.formations.map((f) => f.type),
            }))}
            scenarios={scenarios.available}
            running={scenarios.running}
            start={startScenarioAction}
            stop={stopScenarioAction}
          />
        </div>
      )}
      {active.length === 0 ? (
        <Card>
          <EmptyState title="No apps yet">
            Apps, their dyno types (web, worker…), sizes and dyno states appear here after discovery
            syncs the Heroku account of HEROKU_API_KEY
            {demo ? " (now: the built-in simulator's demo account)" : ""}. Use “Sync now” to sync at
            once.
          </EmptyState>
        </Card>
      ) : (
        <div className="grid gap-6">
          {active.map((app) => {
            const health = appHealth(app);
            return (
              <Card
                key={app.id}
                title={
                  <span className="flex flex-wrap items-center gap-2">
                    <Link
                      href={`/apps/${encodeURIComponent(app.name)}`}
                      className="hover:underline"
                    >
                      {app.name}
                    </Link>
                    <Badge tone={healthTone[health]}>{health}</Badge>
                  </span>
                }
                description={
                  <>
                    {[app.region, app.stack, app.generation].filter(Boolean).join(" · ")}
                    {app.maintenance && " · maintenance mode"} · synced{" "}
                    <RelativeTime iso={app.lastSyncedAt.toISOString()} relativeOnly />
                  </>
                }
                actions={
                  app.runtimeMetrics === true ? (
                    <Badge
                      tone="ok"
                      title="log-runtime-metrics is enabled: memory and load samples every 20 s"
                    >
                      runtime metrics on
                    </Badge>
                  ) : app.runtimeMetrics === false ? (
                    <Badge
                      tone="warn"
                      title="Without log-runtime-metrics there are no memory or load samples"
                    >
                      runtime metrics off
                    </Badge>
                  ) : (
                    <Badge tone="neutral">runtime metrics unknown</Badge>
                  )
                }
              >
                {app.lastSyncError && (
                  <p role="alert" className="mb-3 text-sm text-red-700 dark:text-red-400">
                    Last sync of this app failed: {app.lastSyncError}
                  </p>
                )}
                <FormationTable app={app.name} rows={formationRows(app)} />
                <IngestLine health={ingest.get(app.id)} />
                {app.runtimeMetrics === false && (
                  <p className="mt-3 text-sm text-slate-600 dark:text-slate-400">
                    Memory and load charts need runtime metrics. Enable them, then restart the
                    dynos:{" "}
                    <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs dark:bg-slate-800">
                      {enableRuntimeMetricsCommand(app.name)}
                    </code>
                  </p>
                )}
              </Card>
            );
          })}
        </div>
      )}
      {gone.length > 0 && (
        <Card
          title="No longer in the account"
          description="Deleted or transferred on Heroku; their history is kept."
          className="mt-6"
        >
          <ul className="space-y-1 text-sm">
            {gone.map((app) => (
              <li key={app.id}>
                <Link
                  className="font-medium hover:underline"
                  href={`/apps/${encodeURIComponent(app.name)}`}
                >
                  {app.name}
                </Link>{" "}
                <span className="text-slate-500">
                  gone since <RelativeTime iso={app.goneAt?.toISOString() ?? null} relativeOnly />
                </span>
              </li>
            ))}
          </ul>
        </Card>
      )}
    </>
  );
}

function IngestLine({ health }: { health: IngestHealth | undefined }) {
  if (!health || health.path === "none") {
    return (
      <p className="mt-3 text-sm text-amber-800 dark:text-amber-300">
        <Badge tone="warn">blind</Badge> No logs arrive from this app yet: add a log drain or let
        the poller read it.
      </p>
    );
  }
  return (
    <p className="mt-3 text-sm text-slate-600 dark:text-slate-400">
      <Badge tone={health.lastLineAt ? "ok" : "warn"}>{`logs via ${health.path}`}</Badge>{" "}
      {health.lines.toLocaleString("en")} lines, last{" "}
      <RelativeTime iso={health.lastLineAt} relativeOnly />
      {health.duplicates > 0 && ` · ${health.duplicates} duplicate batches skipped`}
      {health.badFrames > 0 && ` · ${health.badFrames} bad frames`}
      {health.droppedByHeroku > 0 && ` · ${health.droppedByHeroku} lines dropped by Heroku (L10)`}
      {health.lastError && (
        <span className="text-red-700 dark:text-red-400"> · {health.lastError}</span>
      )}
    </p>
  );
}
