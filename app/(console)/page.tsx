import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/layout/page-header";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { RelativeTime } from "@/components/ui/relative-time";
import { Table, Td, Th } from "@/components/ui/table";
import { listApps } from "@/lib/apps/queries";
import { appHealth } from "@/lib/apps/view";
import { requireUser } from "@/lib/auth/guards";
import { getJobOverview } from "@/lib/system/queries";

export const metadata: Metadata = { title: "Overview" };

export default async function OverviewPage() {
  await requireUser();
  const [jobs, apps] = await Promise.all([getJobOverview(), listApps()]);
  const failing = jobs.filter((job) => job.lastOutcome === "failed");
  return (
    <>
      <PageHeader
        title="Overview"
        description="Is anything wrong right now? Firing incidents come first, then every app."
      />
      <div className="grid gap-6">
        <Card title="Firing incidents">
          <EmptyState title="Nothing is firing">
            Incidents open here when a rule breaches: an error code seen too often on a dyno type, a
            5xx rate, memory over its quota. Define what to watch for on the{" "}
            <Link className="underline" href="/rules">
              Rules
            </Link>{" "}
            page.
          </EmptyState>
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
                  <Th>Dynos up</Th>
                  <Th>Dyno types</Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
                {apps.map((app) => {
                  const health = appHealth(app);
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
                        {up} of {app.dynos.length}
                      </Td>
                      <Td className="text-slate-600 dark:text-slate-400">
                        {app.formations.map((f) => `${f.type} ×${f.quantity} ${f.size}`).join(", ")}
                      </Td>
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
