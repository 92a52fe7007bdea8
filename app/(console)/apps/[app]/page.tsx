import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Suspense } from "react";
import { DynoStateBadge } from "@/components/apps/dyno-state-badge";
import { FormationTable } from "@/components/apps/formation-table";
import { EnableDrainButton } from "@/components/apps/log-intake";
import { RevokeOldDrainToken } from "@/components/apps/revoke-old-drain-token";
import { PageHeader } from "@/components/layout/page-header";
import { AutoRefresh } from "@/components/ui/auto-refresh";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { RelativeTime } from "@/components/ui/relative-time";
import { Table, Td, Th } from "@/components/ui/table";
import { enableRuntimeMetricsCommand, getAppByName } from "@/lib/apps/queries";
import { formationRows } from "@/lib/apps/view";
import { requireUser } from "@/lib/auth/guards";
import {
  getIngestHealth,
  type IngestHealth,
  LINES_PER_MINUTE_WINDOW_MINUTES,
} from "@/lib/ingest/queries";
import { parseRange, RANGE_SPECS, rangeWindow } from "@/lib/metrics/buckets";
import { RangePicker } from "./_components/range-picker";
import { LoadPanel, MemoryPanel } from "./_panels/dyno-metric-panel";
import { ErrorsPanel } from "./_panels/errors-panel";
import { PanelSkeleton } from "./_panels/panel-states";
import { RequestsPanel } from "./_panels/requests-panel";
import { enableDrainAction, revokeOldDrainTokenAction } from "./actions";

type Props = {
  params: Promise<{ app: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: decodeURIComponent((await params).app) };
}

export default async function AppPage({ params, searchParams }: Props) {
  const user = await requireUser();
  const name = decodeURIComponent((await params).app);
  const range = parseRange((await searchParams).range);
  const [app, ingest] = await Promise.all([getAppByName(name), getIngestHealth()]);
  if (!app) notFound();
  const window = rangeWindow(range, new Date());
  const csv = (series: string) =>
    `/api/apps/${encodeURIComponent(name)}/metrics?${new URLSearchParams({
      series,
      from: window.from.toISOString(),
      to: window.to.toISOString(),
      step: String(window.stepSeconds),
      format: "csv",
    })}`;
  const stepMinutes = RANGE_SPECS[range].stepSeconds / 60;
  const step = stepMinutes < 60 ? `${stepMinutes} min` : `${stepMinutes / 60} h`;
  const panel = { appId: app.id, window };
  const runtime = { appName: app.name, runtimeMetrics: app.runtimeMetrics };
  return (
    <>
      <PageHeader
        title={app.name}
        description={
          <>
            {[app.region, app.stack, app.generation].filter(Boolean).join(" · ")}
            {app.webUrl && (
              <>
                {" · "}
                <a className="underline" href={app.webUrl} rel="noreferrer" target="_blank">
                  {app.webUrl.replace(/^https?:\/\//, "").replace(/\/$/, "")}
                </a>
              </>
            )}
            {" · synced "}
            <RelativeTime iso={app.lastSyncedAt.toISOString()} relativeOnly />
          </>
        }
        actions={
          <>
            {app.status === "gone" && <Badge tone="warn">gone from the account</Badge>}
            {app.maintenance && <Badge tone="warn">maintenance mode</Badge>}
            <Badge tone={app.runtimeMetrics ? "ok" : "warn"}>
              runtime metrics{" "}
              {app.runtimeMetrics ? "on" : app.runtimeMetrics === false ? "off" : "unknown"}
            </Badge>
          </>
        }
      />
      <div className="grid gap-6">
        <Card title="Dyno types">
          <FormationTable app={app.name} rows={formationRows(app)} />
          {app.runtimeMetrics === false && (
            <p className="mt-3 text-sm text-slate-600 dark:text-slate-400">
              Enable runtime metrics for memory and load charts, then restart the dynos:{" "}
              <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs dark:bg-slate-800">
                {enableRuntimeMetricsCommand(app.name)}
              </code>
            </p>
          )}
        </Card>
        <Card
          title="Dynos"
          description="As the last sync saw them; a dyno's id changes on every restart, its name stays."
        >
          {app.dynos.length === 0 ? (
            <EmptyState title="No dynos running">
              Scale a process type above 0 on Heroku and its dynos appear here.
            </EmptyState>
          ) : (
            <Table caption={`Dynos of ${app.name}`}>
              <thead>
                <tr>
                  <Th>Dyno</Th>
                  <Th>Size</Th>
                  <Th>State</Th>
                  <Th>Since</Th>
                  <Th>Release</Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
                {app.dynos.map((dyno) => (
                  <tr key={dyno.id}>
                    <Td className="font-mono">{dyno.name}</Td>
                    <Td>{dyno.size ?? "–"}</Td>
                    <Td>
                      <DynoStateBadge state={dyno.state} />
                    </Td>
                    <Td>
                      <RelativeTime iso={dyno.stateChangedAt?.toISOString() ?? null} relativeOnly />
                    </Td>
                    <Td>{dyno.releaseVersion ? `v${dyno.releaseVersion}` : "–"}</Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
        </Card>
        <Card
          title="Log intake"
          description="How this app's logs reach the monitor. A log drain (push) is recommended; without one the poller reads log sessions and spends API budget."
        >
          <LogIntakeSummary health={ingest.get(app.id)} />
          {user.role === "admin" && app.status === "active" && (
            <div className="mt-3">
              <EnableDrainButton
                app={app.name}
                hasDrain={ingest.get(app.id)?.path === "drain"}
                action={enableDrainAction}
              />
            </div>
          )}
          {user.role === "admin" && ingest.get(app.id)?.path === "drain" && (
            <div className="mt-3">
              <RevokeOldDrainToken
                app={app.name}
                until={ingest.get(app.id)?.oldTokenUntil ?? null}
                action={revokeOldDrainTokenAction}
              />
            </div>
          )}
        </Card>
        <section aria-labelledby="charts-heading" className="grid gap-6">
          <div className="flex flex-wrap items-center justify-between gap-3">
            <div>
              <h2 id="charts-heading" className="text-lg font-semibold">
                Errors, memory and load
              </h2>
              <p className="text-sm text-slate-600 dark:text-slate-400">
                Last {RANGE_SPECS[range].label} in {step} intervals, in your time zone. Dashed
                vertical lines mark restarts (↻), releases (▲) and crashes (✕).
              </p>
            </div>
            <div className="flex flex-col items-end gap-1">
              <RangePicker current={range} />
              <AutoRefresh />
            </div>
          </div>
          <Card
            title="Errors by code"
            actions={<CsvLink href={csv("errors")} what="error counts" />}
          >
            <Suspense key={`errors-${range}`} fallback={<PanelSkeleton label="error timeline" />}>
              <ErrorsPanel {...panel} />
            </Suspense>
          </Card>
          <Card
            title="Memory"
            description="RSS per dyno against the dyno type's memory quota."
            actions={<CsvLink href={csv("memory")} what="memory" />}
          >
            <Suspense
              key={`memory-${range}`}
              fallback={<PanelSkeleton label="memory" charts={2} />}
            >
              <MemoryPanel {...panel} {...runtime} />
            </Suspense>
          </Card>
          <Card
            title="Load"
            description="1-minute load average per dyno."
            actions={<CsvLink href={csv("load")} what="load" />}
          >
            <Suspense key={`load-${range}`} fallback={<PanelSkeleton label="load" charts={2} />}>
              <LoadPanel {...panel} {...runtime} />
            </Suspense>
          </Card>
          <Card
            title="Requests"
            actions={<CsvLink href={csv("requests")} what="requests" />}
            description="Router traffic: requests, 5xx responses and p95 service time."
          >
            <Suspense key={`requests-${range}`} fallback={<PanelSkeleton label="requests" />}>
              <RequestsPanel {...panel} />
            </Suspense>
          </Card>
        </section>
      </div>
    </>
  );
}

function LogIntakeSummary({ health }: { health: IngestHealth | undefined }) {
  if (!health || health.path === "none") {
    return (
      <p className="text-sm">
        <Badge tone="warn">blind</Badge> No logs have arrived from this app yet.
      </p>
    );
  }
  return (
    <dl className="grid grid-cols-2 gap-x-6 gap-y-2 text-sm sm:grid-cols-5">
      <div>
        <dt className="text-slate-500 dark:text-slate-400">Path</dt>
        <dd>{health.path === "drain" ? "log drain (push)" : "polling (log sessions)"}</dd>
      </div>
      <div>
        <dt className="text-slate-500 dark:text-slate-400">Last line</dt>
        <dd>
          <RelativeTime iso={health.lastLineAt} relativeOnly />
        </dd>
      </div>
      <div>
        <dt className="text-slate-500 dark:text-slate-400">Lines received</dt>
        <dd>
          {health.lines.toLocaleString("en")}
          <span className="block text-xs text-slate-500 dark:text-slate-400">
            {health.linesPerMinute !== null
              ? `${formatRate(health.linesPerMinute)}/min over the last ${LINES_PER_MINUTE_WINDOW_MINUTES} min`
              : `${(health.lastSessionLines ?? 0).toLocaleString("en")} in the last log session`}
          </span>
        </dd>
      </div>
      <div>
        <dt className="text-slate-500 dark:text-slate-400">
          {health.path === "drain" ? "Retried batches skipped" : "Replayed lines skipped"}
        </dt>
        <dd>{health.duplicates.toLocaleString("en")}</dd>
      </div>
      <div>
        <dt className="text-slate-500 dark:text-slate-400">Lost</dt>
        <dd>
          {health.badFrames} bad frames · {health.droppedByHeroku} dropped by Heroku (L10)
        </dd>
      </div>
      {health.repairedLines > 0 && (
        <div>
          <dt className="text-slate-500 dark:text-slate-400">Repaired</dt>
          <dd title="NUL, invalid UTF-8 or broken Unicode replaced by U+FFFD so the line could be stored">
            {health.repairedLines.toLocaleString("en")} lines with unstorable characters replaced
          </dd>
        </div>
      )}
      {health.lastError && (
        <p className="col-span-full text-red-700 dark:text-red-400">{health.lastError}</p>
      )}
    </dl>
  );
}

/** 0.4 → "0.4", 12.3 → "12", 1234.5 → "1,235". */
function formatRate(perMinute: number): string {
  return perMinute < 10
    ? String(Math.round(perMinute * 10) / 10)
    : Math.round(perMinute).toLocaleString("en");
}

function CsvLink({ href, what }: { href: string; what: string }) {
  return (
    <a className="text-sm text-indigo-700 underline dark:text-indigo-300" href={href} download>
      Download CSV<span className="sr-only"> of {what}</span>
    </a>
  );
}
