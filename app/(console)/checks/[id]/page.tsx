import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { CheckForm } from "@/components/checks/check-form";
import { CheckStatusBadge } from "@/components/checks/check-status-badge";
import { FailureList } from "@/components/checks/failure-list";
import { ResponseTimeChart } from "@/components/checks/response-time-chart";
import { UptimeFigures } from "@/components/checks/uptime";
import { FilterTabs } from "@/components/incidents/filter-tabs";
import { PageHeader } from "@/components/layout/page-header";
import { AutoRefresh } from "@/components/ui/auto-refresh";
import { Card } from "@/components/ui/card";
import { RelativeTime } from "@/components/ui/relative-time";
import { DeleteButton } from "@/components/ui/row-actions";
import { listApps } from "@/lib/apps/queries";
import { requireUser } from "@/lib/auth/guards";
import { checkToFormValues } from "@/lib/checks/form";
import { CHECK_RANGES, getCheckPage, parseCheckRange } from "@/lib/checks/queries";
import { describeCheck } from "@/lib/checks/schema";
import { formatDuration } from "@/lib/format";
import { RANGE_SPECS } from "@/lib/metrics/buckets";
import { deleteCheckAction, updateCheckAction } from "../actions";

export const metadata: Metadata = { title: "Check" };

type Props = {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs text-slate-500 dark:text-slate-400">{label}</dt>
      <dd className="mt-0.5 text-sm">{children}</dd>
    </div>
  );
}

export default async function CheckPage({ params, searchParams }: Props) {
  const user = await requireUser();
  const { id } = await params;
  const range = parseCheckRange((await searchParams).range);
  const page = await getCheckPage(id, range);
  if (!page) notFound();
  const { check, points, window, failures } = page;
  const last = check.lastResult;
  const detail = last?.detail ?? {};
  const isAdmin = user.role === "admin";
  const back = (
    <Link href="/checks" className="text-sm text-indigo-700 hover:underline dark:text-indigo-300">
      All checks
    </Link>
  );

  return (
    <>
      <PageHeader
        title={check.name}
        description={<span className="break-all">{describeCheck(check)}</span>}
        actions={
          <>
            <AutoRefresh />
            {back}
          </>
        }
      />
      <div className="grid grid-cols-1 gap-6">
        <Card title="Now">
          <dl className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
            <Fact label="State">
              <CheckStatusBadge status={check.lastStatus} enabled={check.enabled} />
              {check.consecutiveFailures > 0 && (
                <span className="ml-2 text-xs text-red-700 dark:text-red-400">
                  {check.consecutiveFailures} failed in a row
                </span>
              )}
            </Fact>
            <Fact label="Last run">
              {last ? <RelativeTime iso={last.at} /> : "not yet (it runs at the next tick)"}
            </Fact>
            <Fact label="Response time">
              {last ? formatDuration(last.latencyMs) : "–"}
              {last?.statusCode != null && ` · HTTP ${last.statusCode}`}
            </Fact>
            <Fact label="Schedule">
              every {formatDuration(check.intervalSeconds * 1000)}, timeout{" "}
              {formatDuration(check.timeoutMs)}
              {check.app && (
                <>
                  {" · "}
                  <Link
                    href={`/apps/${encodeURIComponent(check.app)}`}
                    className="text-indigo-700 hover:underline dark:text-indigo-300"
                  >
                    {check.app}
                  </Link>
                </>
              )}
            </Fact>
            {typeof detail.listLength === "number" && (
              <Fact label={`Length of ${String(detail.list)}`}>
                {detail.listLength} items
                {typeof check.config.listThreshold === "number" &&
                  ` (allowed ${check.config.listThreshold})`}
              </Fact>
            )}
            {typeof detail.tlsDaysLeft === "number" && (
              <Fact label="TLS certificate">
                expires in {detail.tlsDaysLeft} days
                {detail.tlsDaysLeft < 14 && (
                  <span className="ml-1 text-red-700 dark:text-red-400">(renew it)</span>
                )}
              </Fact>
            )}
            {typeof detail.tableFound === "boolean" && (
              <Fact label={`Table ${String(detail.table)}`}>
                {detail.tableFound ? "exists" : "missing"}
              </Fact>
            )}
          </dl>
          {last && !last.ok && last.error && (
            <p
              role="status"
              className="mt-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950 dark:text-red-200"
            >
              Last run failed: {last.error}
            </p>
          )}
          <div className="mt-5 border-t border-slate-200 pt-4 dark:border-slate-800">
            <h3 className="mb-2 text-sm font-semibold">Uptime</h3>
            <UptimeFigures uptime={check.uptime} />
          </div>
        </Card>

        <Card
          title="Response time"
          actions={
            <FilterTabs
              label="Time range"
              tabs={CHECK_RANGES.map((r) => ({
                href: r === "24h" ? `/checks/${check.id}` : `/checks/${check.id}?range=${r}`,
                label: RANGE_SPECS[r].label,
                active: r === range,
              }))}
            />
          }
        >
          <ResponseTimeChart
            points={points}
            window={window}
            rangeLabel={RANGE_SPECS[range].label}
          />
        </Card>

        <Card
          title="Recent failures"
          description="The latest failed runs (30 days), with the reason."
        >
          <FailureList failures={failures} showCheck={false} />
        </Card>

        {isAdmin ? (
          <>
            <section aria-label="Edit this check" className="grid gap-3">
              <h2 className="text-base font-semibold">Edit this check</h2>
              <CheckForm
                action={updateCheckAction}
                initial={checkToFormValues(check)}
                checkId={check.id}
                secretHint={check.secretHint}
                apps={(await listApps()).map((app) => app.name)}
                submitLabel="Save check"
              />
            </section>
            <Card title="Delete this check" description="The check and all its results go.">
              <DeleteButton
                id={check.id}
                label="Delete check"
                question={`Delete the check “${check.name}” and all its results?`}
                action={deleteCheckAction}
              />
            </Card>
          </>
        ) : (
          <p className="text-sm text-slate-600 dark:text-slate-400">Only admins change checks.</p>
        )}
      </div>
    </>
  );
}
