// Reads for the Checks pages: each check with its state, uptime over 24 h / 7 d / 30 d and a
// response-time trend; one check's response-time series; recent failures with their reasons.
import "server-only";
import { and, desc, eq, gte, inArray, sql } from "drizzle-orm";
import { type Executor, getDb } from "@/lib/db/client";
import { queryRows } from "@/lib/db/execute";
import { checkResults, checks } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { bucketStarts, type Range, rangeWindow, type TimeWindow } from "@/lib/metrics/buckets";
import type { CheckView } from "./schema";
import { getCheck, listChecks } from "./service";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Share of ok results in a window, in %; null when nothing ran in it. */
export type Uptime = { h24: number | null; d7: number | null; d30: number | null };

export type LastResult = {
  at: string;
  ok: boolean;
  latencyMs: number;
  statusCode: number | null;
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
  /** Mean response time (ms) of ok results per hour over the last 24 h; null: none that hour. */
  trend: (number | null)[];
};

export type ChecksOverview = { checks: CheckRow[]; failures: CheckFailure[] };

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
          avg(${checkResults.latencyMs}) filter (where ${checkResults.ok}) as avg_ms,
          max(${checkResults.latencyMs}) filter (where ${checkResults.ok}) as max_ms,
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

/** Every check with its last result, uptime and 24-hour trend, plus the latest failures. */
export async function listCheckRows(db: Executor, now: Date): Promise<ChecksOverview> {
  const views = await listChecks({ db });
  const ids = views.map((view) => view.id);
  const window: TimeWindow = {
    from: new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS - 23 * HOUR_MS),
    to: new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS + HOUR_MS),
    stepSeconds: 3600,
  };
  const [uptimes, last, buckets, failures] = await Promise.all([
    getUptimes(db, ids, now),
    lastResults(db, ids),
    bucketRows(db, ids, window),
    listRecentFailures(db, { now, limit: 10 }),
  ]);
  const starts = bucketStarts(window);
  const byCheck = new Map<string, Map<number, number | null>>();
  for (const row of buckets) {
    const map = byCheck.get(row.check_id) ?? new Map();
    map.set(Number(row.bucket), round(row.avg_ms));
    byCheck.set(row.check_id, map);
  }
  return {
    checks: views.map((view) => ({
      ...view,
      lastResult: last.get(view.id) ?? null,
      uptime: uptimes.get(view.id) ?? { h24: null, d7: null, d30: null },
      trend: starts.map((t) => byCheck.get(view.id)?.get(t) ?? null),
    })),
    failures,
  };
}

export type ResponsePoint = {
  /** Bucket start, epoch ms. */
  t: number;
  /** Mean and highest response time of ok results (ms); null when none in the bucket. */
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
      trend: [],
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
