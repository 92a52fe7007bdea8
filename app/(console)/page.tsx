import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/layout/page-header";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { RelativeTime } from "@/components/ui/relative-time";
import { requireUser } from "@/lib/auth/guards";
import { getJobOverview } from "@/lib/system/queries";

export const metadata: Metadata = { title: "Overview" };

export default async function OverviewPage() {
  await requireUser();
  const jobs = await getJobOverview();
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
          <EmptyState title="No Heroku apps yet">
            Every app of the Heroku account appears here with its state, errors by code over 24
            hours, memory against quota per dyno type and its 5xx rate, once the account is
            connected on the{" "}
            <Link className="underline" href="/settings">
              Settings
            </Link>{" "}
            page.
          </EmptyState>
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
