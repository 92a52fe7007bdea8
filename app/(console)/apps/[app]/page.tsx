import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { DynoStateBadge } from "@/components/apps/dyno-state-badge";
import { FormationTable } from "@/components/apps/formation-table";
import { PageHeader } from "@/components/layout/page-header";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { RelativeTime } from "@/components/ui/relative-time";
import { Table, Td, Th } from "@/components/ui/table";
import { enableRuntimeMetricsCommand, getAppByName } from "@/lib/apps/queries";
import { formationRows } from "@/lib/apps/view";
import { requireUser } from "@/lib/auth/guards";

type Props = { params: Promise<{ app: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: decodeURIComponent((await params).app) };
}

export default async function AppPage({ params }: Props) {
  await requireUser();
  const name = decodeURIComponent((await params).app);
  const app = await getAppByName(name);
  if (!app) notFound();
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
        <Card title="Errors, memory and load">
          <EmptyState title="No log data for this app yet">
            The error timeline by code, memory per dyno type against its quota, load, requests, 5xx
            and p95 appear here once this app&apos;s logs are ingested (log drain or polling).
          </EmptyState>
        </Card>
      </div>
    </>
  );
}
