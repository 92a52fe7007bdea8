// Reads for the Overview, Apps and App pages.
import "server-only";
import { and, asc, desc, eq, inArray } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import {
  type App,
  apps,
  type Dyno,
  dynos,
  type Formation,
  formations,
  herokuAccounts,
  jobRuns,
  jobs,
} from "@/lib/db/schema";
import { getHerokuClient, getHerokuConnection } from "@/lib/heroku/connection";

export type AppDetail = App & { formations: Formation[]; dynos: Dyno[] };

/** Runtime-metrics command users paste when the feature is off (PLATFORM.md §2.9: restart after). */
export const enableRuntimeMetricsCommand = (app: string) =>
  `heroku labs:enable log-runtime-metrics -a ${app}`;

async function withDetail(rows: App[]): Promise<AppDetail[]> {
  if (rows.length === 0) return [];
  const db = getDb();
  const ids = rows.map((row) => row.id);
  const [formationRows, dynoRows] = await Promise.all([
    db
      .select()
      .from(formations)
      .where(inArray(formations.appId, ids))
      .orderBy(asc(formations.type)),
    db.select().from(dynos).where(inArray(dynos.appId, ids)).orderBy(asc(dynos.name)),
  ]);
  return rows.map((row) => ({
    ...row,
    formations: formationRows.filter((f) => f.appId === row.id),
    dynos: dynoRows
      .filter((d) => d.appId === row.id)
      .sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true })),
  }));
}

export async function listApps(options: { status?: "active" | "gone" } = {}): Promise<AppDetail[]> {
  const rows = await getDb()
    .select()
    .from(apps)
    .where(eq(apps.status, options.status ?? "active"))
    .orderBy(asc(apps.name));
  return withDetail(rows);
}

export async function getAppByName(name: string): Promise<AppDetail | null> {
  const rows = await getDb()
    .select()
    .from(apps)
    .where(eq(apps.name, name))
    .orderBy(asc(apps.status), desc(apps.lastSyncedAt))
    .limit(1);
  const [detail] = await withDetail(rows);
  return detail ?? null;
}

export type SyncState = {
  running: boolean;
  progress: { done: number; total: number; label: string } | null;
  lastRunAt: string | null;
  lastOutcome: string | null;
  lastDetail: string | null;
  lastError: string | null;
};

/** Where discovery stands: running with progress, or the result of the last run. */
export async function getSyncState(): Promise<SyncState> {
  const db = getDb();
  const [state] = await db.select().from(jobs).where(eq(jobs.name, "discover"));
  const [last] = await db
    .select()
    .from(jobRuns)
    .where(and(eq(jobRuns.job, "discover")))
    .orderBy(desc(jobRuns.startedAt))
    .limit(1);
  const running = Boolean(state?.leaseOwner && state.leaseUntil && state.leaseUntil > new Date());
  return {
    running,
    progress: running ? (state?.progress ?? null) : null,
    lastRunAt: last?.finishedAt?.toISOString() ?? null,
    lastOutcome: last?.outcome ?? null,
    lastDetail: last?.summary?.detail ?? null,
    lastError: last?.error ?? null,
  };
}

export async function getHerokuAccountRows() {
  return getDb().select().from(herokuAccounts).orderBy(desc(herokuAccounts.checkedAt));
}

export type HerokuStatus = {
  demo: boolean;
  apiUrl: string;
  account: { email: string | null; name: string | null; checkedAt: string } | null;
  lastError: string | null;
  budget: {
    remaining: number;
    pool: number;
    level: "ok" | "low" | "critical";
    waiting: string[];
    observedAt: string | null;
  };
};

/** The connected account and its request budget (this process's live estimate) for Settings. */
export async function getHerokuStatus(): Promise<HerokuStatus> {
  const connection = await getHerokuConnection();
  const client = await getHerokuClient();
  const [row] = await getDb()
    .select()
    .from(herokuAccounts)
    .where(eq(herokuAccounts.apiUrl, connection.apiUrl));
  const budget = client.budget.snapshot(new Date());
  return {
    demo: connection.demo,
    apiUrl: connection.apiUrl,
    account: row?.email
      ? { email: row.email, name: row.name, checkedAt: row.checkedAt.toISOString() }
      : null,
    lastError: row?.lastError ?? null,
    budget,
  };
}
