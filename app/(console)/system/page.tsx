import type { Metadata } from "next";
import { PageHeader } from "@/components/layout/page-header";
import { RunJobButton } from "@/components/system/run-job-button";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { RelativeTime } from "@/components/ui/relative-time";
import { Table, Td, Th } from "@/components/ui/table";
import { requireUser } from "@/lib/auth/guards";
import { formatDuration } from "@/lib/format";
import { checkHealth } from "@/lib/system/health";
import { getJobOverview, getRecentJobRuns, getSettingsSummary } from "@/lib/system/queries";
import { runJobAction } from "./actions";

export const metadata: Metadata = { title: "System" };

const outcomeTone = (outcome: string | null) =>
  outcome === "ok"
    ? "ok"
    : outcome === "failed"
      ? "bad"
      : outcome === "running"
        ? "info"
        : "neutral";

export default async function SystemPage() {
  const user = await requireUser();
  const [health, jobs, runs] = await Promise.all([
    checkHealth(),
    getJobOverview(),
    getRecentJobRuns({ limit: 50 }),
  ]);
  const settings = getSettingsSummary();
  return (
    <>
      <PageHeader
        title="System"
        description="The health of the monitor itself: its database, its background jobs and their runs."
      />
      <div className="grid gap-6">
        <Card title="Health">
          <dl className="grid grid-cols-1 gap-x-8 gap-y-3 text-sm sm:grid-cols-2 lg:grid-cols-4">
            <div>
              <dt className="text-slate-500 dark:text-slate-400">Status</dt>
              <dd>
                <Badge tone={health.status === "ok" ? "ok" : "bad"}>{health.status}</Badge>
              </dd>
            </div>
            <div>
              <dt className="text-slate-500 dark:text-slate-400">Database</dt>
              <dd>
                {settings.database} · {health.db.latencyMs} ms
              </dd>
            </div>
            <div>
              <dt className="text-slate-500 dark:text-slate-400">Migrations</dt>
              <dd>
                {health.migrations.applied} of {health.migrations.expected} applied
              </dd>
            </div>
            <div>
              <dt className="text-slate-500 dark:text-slate-400">Version</dt>
              <dd className="font-mono">{health.version}</dd>
            </div>
            <div>
              <dt className="text-slate-500 dark:text-slate-400">Scheduler</dt>
              <dd>
                {settings.scheduler === "on"
                  ? `in-process, every ${settings.schedulerIntervalSeconds} s`
                  : "off: jobs run from /api/cron/* or npm run worker"}
              </dd>
            </div>
            <div>
              <dt className="text-slate-500 dark:text-slate-400">Cron endpoints</dt>
              <dd>
                {settings.cronSecretSet
                  ? "enabled (CRON_SECRET set)"
                  : "disabled (CRON_SECRET not set)"}
              </dd>
            </div>
          </dl>
        </Card>
        <Card
          title="Jobs"
          description="Each job runs at its interval under a lease, so two instances never run it at once."
        >
          <Table caption="Jobs">
            <thead>
              <tr>
                <Th>Job</Th>
                <Th>Every</Th>
                <Th>Last run</Th>
                <Th>Next run</Th>
                {user.role === "admin" && (
                  <Th>
                    <span className="sr-only">Actions</span>
                  </Th>
                )}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {jobs.map((job) => (
                <tr key={job.name}>
                  <Td>
                    <p className="font-mono font-medium">{job.name}</p>
                    <p className="text-xs text-slate-500 dark:text-slate-400">{job.description}</p>
                  </Td>
                  <Td>{formatDuration(job.intervalSeconds * 1000)}</Td>
                  <Td>
                    {job.lastOutcome && (
                      <Badge tone={outcomeTone(job.lastOutcome)}>{job.lastOutcome}</Badge>
                    )}{" "}
                    <RelativeTime iso={job.lastRunAt} relativeOnly />
                  </Td>
                  <Td>
                    {job.leaseOwner ? (
                      <>
                        <Badge tone="info">running</Badge> {job.progress}
                      </>
                    ) : (
                      <RelativeTime iso={job.nextRunAt} relativeOnly />
                    )}
                  </Td>
                  {user.role === "admin" && (
                    <Td>
                      <RunJobButton job={job.name} action={runJobAction} />
                    </Td>
                  )}
                </tr>
              ))}
            </tbody>
          </Table>
        </Card>
        <Card title="Recent job runs" description="Newest first; failed runs keep their error.">
          {runs.length === 0 ? (
            <EmptyState title="No job has run yet">
              Runs appear here as the scheduler (or a cron call to /api/cron/tick) runs due jobs;
              the first runs start a few seconds after the server starts.
            </EmptyState>
          ) : (
            <Table caption="Recent job runs">
              <thead>
                <tr>
                  <Th>Job</Th>
                  <Th>Started</Th>
                  <Th>Took</Th>
                  <Th>Outcome</Th>
                  <Th>Result</Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
                {runs.map((run) => (
                  <tr key={run.id}>
                    <Td className="whitespace-nowrap font-mono">
                      {run.job}
                      <span className="ml-2 text-xs text-slate-500">{run.trigger}</span>
                    </Td>
                    <Td>
                      <RelativeTime iso={run.startedAt} />
                    </Td>
                    <Td>{formatDuration(run.durationMs)}</Td>
                    <Td>
                      <Badge tone={outcomeTone(run.outcome)}>{run.outcome}</Badge>
                    </Td>
                    <Td className="max-w-md text-xs">
                      {run.error ? (
                        <span className="text-red-700 dark:text-red-400">{run.error}</span>
                      ) : run.summary ? (
                        <span>
                          {run.summary.processed} processed, {run.summary.skipped} skipped,{" "}
                          {run.summary.failed} failed
                          {run.summary.detail && (
                            <span className="block text-slate-500">{run.summary.detail}</span>
                          )}
                        </span>
                      ) : null}
                    </Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
        </Card>
      </div>
    </>
  );
}
