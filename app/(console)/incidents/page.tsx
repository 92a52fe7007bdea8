import type { Metadata } from "next";
import Link from "next/link";
import { FilterTabs } from "@/components/incidents/filter-tabs";
import { IncidentTable } from "@/components/incidents/incident-table";
import { SilenceList } from "@/components/incidents/silence-list";
import { PageHeader } from "@/components/layout/page-header";
import { AutoRefresh } from "@/components/ui/auto-refresh";
import { buttonClasses } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { requireUser } from "@/lib/auth/guards";
import {
  type IncidentFilters,
  listActiveSilences,
  listIncidentAppNames,
  listIncidents,
  parseIncidentFilters,
} from "@/lib/incidents/queries";
import { endSilenceAction } from "./actions";

export const metadata: Metadata = { title: "Incidents" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

function href(filters: Partial<IncidentFilters>): string {
  const query = new URLSearchParams();
  if (filters.state && filters.state !== "open") query.set("state", filters.state);
  if (filters.app) query.set("app", filters.app);
  if (filters.before) query.set("before", filters.before);
  const search = query.toString();
  return search ? `/incidents?${search}` : "/incidents";
}

const stateLabels = { open: "Open", resolved: "Resolved", all: "All" } as const;

export default async function IncidentsPage({ searchParams }: Props) {
  const user = await requireUser();
  const filters = parseIncidentFilters(await searchParams);
  const now = new Date();
  const [page, appNames, silences] = await Promise.all([
    listIncidents(filters),
    listIncidentAppNames(),
    listActiveSilences(now),
  ]);
  const isAdmin = user.role === "admin";
  return (
    <>
      <PageHeader
        title="Incidents"
        description="What fired, what we did about it, and whether it helped. Open incidents come first."
        actions={<AutoRefresh />}
      />
      <div className="grid grid-cols-1 gap-6">
        <Card>
          <div className="mb-4 flex flex-wrap items-end justify-between gap-3">
            <FilterTabs
              label="Incident state"
              tabs={(["open", "resolved", "all"] as const).map((state) => ({
                href: href({ state, app: filters.app }),
                label: stateLabels[state],
                active: filters.state === state,
              }))}
            />
            <form method="get" action="/incidents" className="flex items-end gap-2">
              {filters.state !== "open" && (
                <input type="hidden" name="state" value={filters.state} />
              )}
              <div>
                <label htmlFor="incident-app" className="block text-sm font-medium">
                  App
                </label>
                <select
                  id="incident-app"
                  name="app"
                  defaultValue={filters.app ?? ""}
                  className="mt-1 rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-950"
                >
                  <option value="">Every app</option>
                  {filters.app && !appNames.includes(filters.app) && (
                    <option value={filters.app}>{filters.app}</option>
                  )}
                  {appNames.map((name) => (
                    <option key={name} value={name}>
                      {name}
                    </option>
                  ))}
                </select>
              </div>
              <button type="submit" className={buttonClasses("secondary")}>
                Show
              </button>
            </form>
          </div>
          {page.rows.length === 0 ? (
            <EmptyIncidents filters={filters} />
          ) : (
            <>
              <IncidentTable rows={page.rows} now={now.getTime()} />
              <nav aria-label="Pages" className="mt-4 flex justify-between text-sm">
                {filters.before ? (
                  <Link className="underline" href={href({ ...filters, before: undefined })}>
                    ← Newest
                  </Link>
                ) : (
                  <span />
                )}
                {page.next && (
                  <Link className="underline" href={href({ ...filters, before: page.next })}>
                    Older incidents →
                  </Link>
                )}
              </nav>
            </>
          )}
        </Card>
        <Card
          title="Active silences"
          description="Targets whose notices and restarts are muted for now; incidents are still recorded."
        >
          {silences.length === 0 ? (
            <p className="text-sm text-slate-600 dark:text-slate-400">
              Nothing is silenced. Silence a target from one of its incidents, e.g. while a fix is
              being deployed.
            </p>
          ) : (
            <SilenceList
              silences={silences}
              now={now.getTime()}
              endAction={isAdmin ? endSilenceAction : undefined}
            />
          )}
        </Card>
      </div>
    </>
  );
}

function EmptyIncidents({ filters }: { filters: IncidentFilters }) {
  const where = filters.app ? ` on ${filters.app}` : "";
  if (filters.before) {
    return (
      <EmptyState title="No older incidents">
        <Link className="underline" href={href({ ...filters, before: undefined })}>
          Back to the newest
        </Link>
      </EmptyState>
    );
  }
  const title =
    filters.state === "open"
      ? `Nothing is open${where}`
      : filters.state === "resolved"
        ? `No resolved incidents${where} yet`
        : `No incidents${where} yet`;
  return (
    <EmptyState
      title={title}
      action={
        <Link className={buttonClasses("secondary")} href="/rules">
          Go to Rules
        </Link>
      }
    >
      An incident opens when a rule breaches (for example R14 three times in five minutes on web),
      sends reminders while it keeps firing, and resolves when the errors stop. Each one shows its
      timeline, the emails sent and the restarts tried. Define what to watch for on the{" "}
      <Link className="underline" href="/rules">
        Rules
      </Link>{" "}
      page.
    </EmptyState>
  );
}
