// Reads for the Checks pages: each check with its state, uptime over 24 h / 7 d / 30 d and a
// response-time sparkline; one check's response-time series; recent failures with their reasons.
import "server-only";
import { and, desc, eq, gte, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { type Executor, getDb } from "@/lib/db/client";
import { queryRows } from "@/lib/db/execute";
import { checkResults, checks } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { bucketStarts, type Range, rangeWindow, type TimeWindow } from "@/lib/metrics/buckets";
import type { CheckView } from "./schema";
import { getCheck, listChecks } from "./service";

/** The ranges of a check's page (the `range` search param); anything else falls back to 24 h. */
export const CHECK_RANGES = ["24h", "7d", "30d"] as const satisfies readonly Range[];
export type CheckRange = (typeof CHECK_RANGES)[number];
export const parseCheckRange = (value: unknown): CheckRange =>
  z.enum(CHECK_RANGES).catch("24h").parse(value);

const DAY_MS = 86_400_000;

/** Share of ok results in a window, in %; null when nothing ran in it. */
export type Uptime = { h24: number | null; d7: number | null; d30: number | null };

export type LastResult = {
  at: string;
  ok: boolean;
  latencyMs: number;
  statusCode: number | null;
  /** List length, TLS expiry, table found… as the run recorded them. */
  detail: Record<string, unknown>;
  error: string | null;
};

export type CheckFailure = {
  checkId: string;
  checkName: string;
  at: string;
  error: string;
  statusCode: number | null;
};

export type CheckRow = CheckView & {
  lastResult: LastResult | null;
  uptime: Uptime;
  /** Response times (ms) of the last 30 answered runs, oldest first (the list's sparkline). */
  recent: number[];
};

export type ChecksOverview = { checks: CheckRow[]; failures: CheckFailure[] };

/**
 * Runs whose response time means something: passed, or answered with the wrong thing (status,
 * text, list length, table). Timeouts and refused connections measured only the wait.
 */
const answered = sql`(${checkResults.ok} or ${checkResults.detail}->>'reason' in ('wrong status', 'missing text', 'list too long', 'table missing'))`;

const percent = (ok: number, total: number) =>
  total > 0 ? Math.round((ok / total) * 10_000) / 100 : null;

/** Uptime per check id over the 24 h, 7 d and 30 d before `now`. */
export async function getUptimes(
  db: Executor,
  ids: string[],
  now: Date,
): Promise<Map<string, Uptime>> {
  if (ids.length === 0) return new Map();
  const since = (ms: number) => new Date(now.getTime() - ms).toISOString();
  const rows = await db
    .select({
      checkId: checkResults.checkId,
      total24: sql<number>`count(*) filter (where ${checkResults.at} >= ${since(DAY_MS)}::timestamptz)::int`,
      ok24: sql<number>`count(*) filter (where ${checkResults.ok} and ${checkResults.at} >= ${since(DAY_MS)}::timestamptz)::int`,
      total7: sql<number>`count(*) filter (where ${checkResults.at} >= ${since(7 * DAY_MS)}::timestamptz)::int`,
      ok7: sql<number>`count(*) filter (where ${checkResults.ok} and ${checkResults.at} >= ${since(7 * DAY_MS)}::timestamptz)::int`,
      total30: sql<number>`count(*)::int`,
      ok30: sql<number>`count(*) filter (where ${checkResults.ok})::int`,
    })
    .from(checkResults)
    .where(
      and(
        inArray(checkResults.checkId, ids),
        gte(checkResults.at, new Date(now.getTime() - 30 * DAY_MS)),
        sql`${checkResults.at} <= ${now.toISOString()}::timestamptz`,
      ),
    )
    .groupBy(checkResults.checkId);
  return new Map(
    rows.map((row) => [
      row.checkId,
      {
        h24: percent(Number(row.ok24), Number(row.total24)),
        d7: percent(Number(row.ok7), Number(row.total7)),
        d30: percent(Number(row.ok30), Number(row.total30)),
      },
    ]),
  );
}

type BucketRow = {
  check_id: string;
  bucket: number | string;
  avg_ms: number | string | null;
  max_ms: number | string | null;
  ok_count: number | string;
  fail_count: number | string;
};

async function bucketRows(db: Executor, ids: string[], window: TimeWindow): Promise<BucketRow[]> {
  if (ids.length === 0) return [];
  const step = window.stepSeconds;
  return queryRows<BucketRow>(
    db,
    sql`select ${checkResults.checkId} as check_id,
          floor(extract(epoch from ${checkResults.at}) / ${step}) * ${step} * 1000 as bucket,
          avg(${checkResults.latencyMs}) filter (where ${answered}) as avg_ms,
          max(${checkResults.latencyMs}) filter (where ${answered}) as max_ms,
          count(*) filter (where ${checkResults.ok}) as ok_count,
          count(*) filter (where not ${checkResults.ok}) as fail_count
        from ${checkResults}
        where ${inArray(checkResults.checkId, ids)}
          and ${checkResults.at} >= ${window.from.toISOString()}::timestamptz
          and ${checkResults.at} < ${window.to.toISOString()}::timestamptz
        group by 1, 2`,
  );
}

const round = (value: number | string | null) =>
  value === null ? null : Math.round(Number(value) * 10) / 10;

async function recentLatencies(db: Executor, ids: string[]): Promise<Map<string, number[]>> {
  if (ids.length === 0) return new Map();
  // one index range scan per check (check_id, at), not a window over every result
  const rows = await queryRows<{ check_id: string; latency_ms: number | string }>(
    db,
    sql`select ${checks.id} as check_id, recent.latency_ms
        from ${checks}
        cross join lateral (
          select ${checkResults.latencyMs} as latency_ms, ${checkResults.at} as at
          from ${checkResults}
          where ${checkResults.checkId} = ${checks.id} and ${answered}
          order by ${checkResults.at} desc
          limit 30
        ) recent
        where ${inArray(checks.id, ids)}
        order by recent.at asc`,
  );
  const byCheck = new Map<string, number[]>();
  for (const row of rows) {
    const list = byCheck.get(row.check_id) ?? [];
    list.push(Math.round(Number(row.latency_ms) * 10) / 10);
    byCheck.set(row.check_id, list);
  }
  return byCheck;
}

async function lastResults(db: Executor, ids: string[]): Promise<Map<string, LastResult>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectDistinctOn([checkResults.checkId])
    .from(checkResults)
    .where(inArray(checkResults.checkId, ids))
    .orderBy(checkResults.checkId, desc(checkResults.at), desc(checkResults.id));
  return new Map(
    rows.map((row) => [
      row.checkId,
      {
        at: row.at.toISOString(),
        ok: row.ok,
        latencyMs: row.latencyMs,
        statusCode: row.statusCode,
        detail: row.detail,
        error: row.error,
      },
    ]),
  );
}

/** The latest failures (of one check, or of all), newest first, within the last 30 days. */
export async function listRecentFailures(
  db: Executor,
  options: { now: Date; checkId?: string; limit?: number },
): Promise<CheckFailure[]> {
  const rows = await db
    .select({
      checkId: checkResults.checkId,
      checkName: checks.name,
      at: checkResults.at,
      error: checkResults.error,
      statusCode: checkResults.statusCode,
    })
    .from(checkResults)
    .innerJoin(checks, eq(checks.id, checkResults.checkId))
    .where(
      and(
        eq(checkResults.ok, false),
        gte(checkResults.at, new Date(options.now.getTime() - 30 * DAY_MS)),
        options.checkId ? eq(checkResults.checkId, options.checkId) : undefined,
      ),
    )
    .orderBy(desc(checkResults.at), desc(checkResults.id))
    .limit(options.limit ?? 10);
  return rows.map((row) => ({
    checkId: row.checkId,
    checkName: row.checkName,
    at: row.at.toISOString(),
    error: row.error ?? "failed",
    statusCode: row.statusCode,
  }));
}

/** Every check with its last result, uptime and recent response times, plus the latest failures. */
export async function listCheckRows(db: Executor, now: Date): Promise<ChecksOverview> {
  const views = await listChecks({ db });
  const ids = views.map((view) => view.id);
  const [uptimes, last, recent, failures] = await Promise.all([
    getUptimes(db, ids, now),
    lastResults(db, ids),
    recentLatencies(db, ids),
    listRecentFailures(db, { now, limit: 10 }),
  ]);
  return {
    checks: views.map((view) => ({
      ...view,
      lastResult: last.get(view.id) ?? null,
      uptime: uptimes.get(view.id) ?? { h24: null, d7: null, d30: null },
      recent: recent.get(view.id) ?? [],
    })),
    failures,
  };
}

export type ResponsePoint = {
  /** Bucket start, epoch ms. */
  t: number;
  /** Mean and highest response time of answered runs (ms); null when none in the bucket. */
  avgMs: number | null;
  maxMs: number | null;
  ok: number;
  failed: number;
};

export type CheckDetail = {
  check: CheckRow;
  window: { from: number; to: number; stepMs: number };
  points: ResponsePoint[];
  failures: CheckFailure[];
};

/** One check for its page: state, uptime, the response-time series over `range`, failures. */
export async function getCheckDetail(
  db: Executor,
  options: { id: string; range: Range; now: Date },
): Promise<CheckDetail> {
  const view = await getCheck({ db }, options.id);
  const window = rangeWindow(options.range, options.now);
  const [uptimes, last, buckets, failures] = await Promise.all([
    getUptimes(db, [view.id], options.now),
    lastResults(db, [view.id]),
    bucketRows(db, [view.id], window),
    listRecentFailures(db, { now: options.now, checkId: view.id, limit: 20 }),
  ]);
  const byStart = new Map(buckets.map((row) => [Number(row.bucket), row]));
  return {
    check: {
      ...view,
      lastResult: last.get(view.id) ?? null,
      uptime: uptimes.get(view.id) ?? { h24: null, d7: null, d30: null },
      recent: [],
    },
    window: {
      from: window.from.getTime(),
      to: window.to.getTime(),
      stepMs: window.stepSeconds * 1000,
    },
    points: bucketStarts(window).map((t) => {
      const row = byStart.get(t);
      return {
        t,
        avgMs: row ? round(row.avg_ms) : null,
        maxMs: row ? round(row.max_ms) : null,
        ok: row ? Number(row.ok_count) : 0,
        failed: row ? Number(row.fail_count) : 0,
      };
    }),
    failures,
  };
}

// The pages' entry points, on the process's database and clock (pages hold no ctx).

export async function getChecksOverview(): Promise<ChecksOverview> {
  return listCheckRows(getDb(), new Date());
}

/** One check for its page, or null for an unknown id. */
export async function getCheckPage(id: string, range: Range): Promise<CheckDetail | null> {
  try {
    return await getCheckDetail(getDb(), { id, range, now: new Date() });
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") return null;
    throw error;
  }
}
