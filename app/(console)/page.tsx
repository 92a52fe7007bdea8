import type { Metadata } from "next";
import Link from "next/link";
import { Sparkline } from "@/components/charts/sparkline";
import { IncidentTable } from "@/components/incidents/incident-table";
import { PageHeader } from "@/components/layout/page-header";
import { AutoRefresh } from "@/components/ui/auto-refresh";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { RelativeTime } from "@/components/ui/relative-time";
import { Table, Td, Th } from "@/components/ui/table";
import { listApps } from "@/lib/apps/queries";
import { appHealth } from "@/lib/apps/view";
import { requireUser } from "@/lib/auth/guards";
import {
  countOpenIncidentsByApp,
  listIncidents,
  parseIncidentFilters,
} from "@/lib/incidents/queries";
import { codeInfo } from "@/lib/metrics/codes";
import { type AppOverviewFigures, getOverviewFigures } from "@/lib/metrics/overview";
import { getJobOverview } from "@/lib/system/queries";

export const metadata: Metadata = { title: "Overview" };

export default async function OverviewPage() {
  await requireUser();
  const now = new Date();
  const [jobs, apps, figures, open, openByApp] = await Promise.all([
    getJobOverview(),
    listApps(),
    getOverviewFigures(),
    listIncidents(parseIncidentFilters({ state: "open" }), { limit: 20 }),
    countOpenIncidentsByApp(),
  ]);
  const incidentsOf = new Map(openByApp.map((row) => [row.appId, row]));
  const failing = jobs.filter((job) => job.lastOutcome === "failed");
  return (
    <>
      <PageHeader
        title="Overview"
        description="Is anything wrong right now? Firing incidents come first, then every app."
        actions={<AutoRefresh />}
      />
      <div className="grid gap-6">
        <Card
          title="Open incidents"
          actions={
            <Link
              className="text-sm text-indigo-700 underline dark:text-indigo-300"
              href="/incidents"
            >
              All incidents
            </Link>
          }
        >
          {open.rows.length === 0 ? (
            <EmptyState title="Nothing is firing">
              Incidents open here when a rule breaches: an error code seen too often on a dyno type,
              a 5xx rate, memory over its quota. Define what to watch for on the{" "}
              <Link className="underline" href="/rules">
                Rules
              </Link>{" "}
              page.
            </EmptyState>
          ) : (
            <IncidentTable rows={open.rows} now={now.getTime()} />
          )}
        </Card>
        <Card title="Apps">
          {apps.length === 0 ? (
            <EmptyState title="No Heroku apps yet">
              Every app of the Heroku account appears here with its state and dynos once discovery
              has synced the account; see the{" "}
              <Link className="underline" href="/apps">
                Apps
              </Link>{" "}
              page.
            </EmptyState>
          ) : (
            <Table caption="Apps">
              <thead>
                <tr>
                  <Th>App</Th>
                  <Th>State</Th>
                  <Th>Incidents</Th>
                  <Th>Dynos up</Th>
                  <Th>Errors 24 h</Th>
                  <Th>Memory now</Th>
                  <Th>5xx, 1 h</Th>
                  <Th>Requests 24 h</Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
                {apps.map((app) => {
                  const open = incidentsOf.get(app.id);
                  // a firing incident makes an app with healthy dynos "degraded"
                  const dynoHealth = appHealth(app);
                  const health =
                    dynoHealth === "ok" && (open?.firing ?? 0) > 0 ? "degraded" : dynoHealth;
                  const up = app.dynos.filter((d) => d.state === "up").length;
                  return (
                    <tr key={app.id}>
                      <Td>
                        <Link
                          className="font-medium hover:underline"
                          href={`/apps/${encodeURIComponent(app.name)}`}
                        >
                          {app.name}
                        </Link>
                      </Td>
                      <Td>
                        <Badge
                          tone={
                            health === "ok"
                              ? "ok"
                              : health === "degraded"
                                ? "warn"
                                : health === "down"
                                  ? "bad"
                                  : "neutral"
                          }
                        >
                          {health}
                        </Badge>
                      </Td>
                      <Td>
                        {open ? (
                          <Link
                            className="underline"
                            href={`/incidents?app=${encodeURIComponent(app.name)}`}
                          >
                            {open.firing > 0 ? `${open.firing} firing` : ""}
                            {open.firing > 0 && open.pending > 0 ? ", " : ""}
                            {open.pending > 0 ? `${open.pending} pending` : ""}
                          </Link>
                        ) : (
                          <span className="text-slate-500">none</span>
                        )}
                      </Td>
                      <Td>
                        {up} of {app.dynos.length}
                      </Td>
                      <OverviewFigures figures={figures.get(app.id)} />
                    </tr>
                  );
                })}
              </tbody>
            </Table>
          )}
        </Card>
        <Card
          title="The monitor itself"
          actions={
            <Link className="text-sm text-indigo-700 underline dark:text-indigo-300" href="/system">
              System page
            </Link>
          }
        >
          {failing.length === 0 ? (
            <p className="text-sm">
              <Badge tone="ok">healthy</Badge>{" "}
              <span className="text-slate-600 dark:text-slate-400">
                {jobs.length} background {jobs.length === 1 ? "job" : "jobs"}, none failing.
              </span>
            </p>
          ) : (
            <ul className="space-y-1 text-sm">
              {failing.map((job) => (
                <li key={job.name}>
                  <Badge tone="bad">failing</Badge> <span className="font-mono">{job.name}</span>{" "}
                  last failed <RelativeTime iso={job.lastRunAt} relativeOnly />
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </>
  );
}

function OverviewFigures({ figures }: { figures: AppOverviewFigures | undefined }) {
  const errors = figures?.errors24h ?? [];
  return (
    <>
      <Td>
        {errors.length === 0 ? (
          <span className="text-slate-500">none</span>
        ) : (
          <span className="flex flex-wrap gap-1">
            {errors.slice(0, 4).map((e) => (
              <Badge
                key={e.code}
                tone={
                  e.code.startsWith("H") || e.code === "crashed" || e.code === "R15"
                    ? "bad"
                    : "warn"
                }
                title={codeInfo(e.code).description}
              >
                {e.code} ×{e.count}
              </Badge>
            ))}
          </span>
        )}
      </Td>
      <Td>
        {figures?.memory.length ? (
          figures.memory.map((m) => (
            <span
              key={m.dynoType}
              className={`block ${m.percent >= 100 ? "font-semibold text-red-700 dark:text-red-400" : ""}`}
            >
              {m.dynoType} {m.percent}% of quota
            </span>
          ))
        ) : (
          <span className="text-slate-500" title="No runtime metrics in the last 5 minutes">
            –
          </span>
        )}
      </Td>
      <Td>
        {figures?.errorRate5xx1h === null || figures?.errorRate5xx1h === undefined ? (
          <span className="text-slate-500">–</span>
        ) : (
          `${(figures.errorRate5xx1h * 100).toFixed(1)}% of ${figures.requests1h}`
        )}
      </Td>
      <Td>
        <Sparkline
          values={figures?.sparkline ?? new Array<number>(24).fill(0)}
          label={`Requests per hour over 24 h: ${(figures?.sparkline ?? []).reduce((a, b) => a + b, 0)} in all`}
        />
      </Td>
    </>
  );
}
