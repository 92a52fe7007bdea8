// Chart series for the App page, read from what ingestion stored (log_events, metric_samples and
// metric_rollups, request_stats). Bucketing and rollups happen here, never in components; no writes.
import "server-only";
import { type SQL, sql } from "drizzle-orm";
import { cache } from "react";
import { getDb } from "@/lib/db/client";
import { queryRows } from "@/lib/db/execute";
import { METRIC_ROLLUP_STEPS } from "@/lib/db/schema";
import { emptyHistogram, HISTOGRAM_SIZE, histogramQuantile } from "@/lib/ingest/histogram";
import { log } from "@/lib/log";
import { bucketStarts, perMinute, type TimeWindow } from "./buckets";
import { type CodeInfo, codeInfo } from "./codes";

/** One chart point: `t` is the bucket start (epoch ms); other keys are series values. */
export type SeriesPoint = { t: number; [series: string]: number | null };

export type ErrorTimeline = {
  /** Codes seen in the window, H first, then R, L and `crashed`. */
  codes: string[];
  totals: Record<string, number>;
  /** What each code means, for tooltips and the legend. */
  explain: Record<string, CodeInfo>;
  /** Every bucket of the window, each code counted (0 when none). */
  points: SeriesPoint[];
};

export type DynoSeries = {
  dynoType: string;
  /** Dyno names in natural order (web.2 before web.10). */
  dynos: string[];
  /** Buckets with at least one sample; a dyno without a sample in a bucket has no key. */
  points: SeriesPoint[];
};

/** RSS under `${dyno}`, swap under `${dyno}:swap` (MB). */
export type MemorySeries = DynoSeries & { quotaMb: number | null };

export type RequestPoint = {
  t: number;
  requests: number;
  errors5xx: number;
  routerErrors: number;
  /** The same counts per minute, for a req/min axis whatever the step. */
  perMin: number;
  perMin5xx: number;
  /** Upper bound of the histogram bucket holding the quantile (ms); null without requests. */
  p50Ms: number | null;
  p95Ms: number | null;
  maxMs: number | null;
};

export type RequestSeries = {
  totals: { requests: number; errors5xx: number };
  points: RequestPoint[];
};

export type MarkerKind = "restart" | "release" | "crash";
export type Marker = { t: number; kind: MarkerKind; label: string };

type Options = { dynoType?: string };

const byDynoName = (a: string, b: string) => a.localeCompare(b, undefined, { numeric: true });

// Buckets are aligned to the epoch, as lib/metrics/buckets computes them.
const bucketOf = (column: SQL, stepSeconds: number) =>
  sql`(floor(extract(epoch from ${column}) / ${stepSeconds}::int) * ${stepSeconds}::int)::bigint`;

const inWindow = (column: SQL, window: Pick<TimeWindow, "from" | "to">) =>
  sql`${column} >= ${window.from.toISOString()}::timestamptz and ${column} < ${window.to.toISOString()}::timestamptz`;

const dynoTypeFilter = (options: Options) =>
  options.dynoType ? sql`and dyno_type = ${options.dynoType}` : sql``;

const round = (value: number, digits: number) => {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
};

const toNumber = (value: unknown): number | null =>
  value === null || value === undefined ? null : Number(value);

const CODE_FAMILY_ORDER: Record<string, number> = { H: 0, R: 1, L: 2 };
function compareCodes(a: string, b: string): number {
  const fa = CODE_FAMILY_ORDER[a[0] ?? ""] ?? 3;
  const fb = CODE_FAMILY_ORDER[b[0] ?? ""] ?? 3;
  return fa - fb || byDynoName(a, b);
}

/** Error events per bucket and code: H (router), R (runtime), L (platform) codes and crashes. */
export async function getErrorTimeline(
  appId: string,
  window: TimeWindow,
  options: Options = {},
): Promise<ErrorTimeline> {
  const rows = await queryRows<{ bucket: string | number; code: string; n: number }>(
    getDb(),
    sql`select ${bucketOf(sql`ts`, window.stepSeconds)} as bucket, code, count(*)::int as n
        from log_events
        where app_id = ${appId} and ${inWindow(sql`ts`, window)} ${dynoTypeFilter(options)}
          and code is not null
          and (kind in ('router_error', 'runtime_error', 'platform_error')
               or (kind = 'state_change' and code = 'crashed'))
        group by 1, 2`,
  );
  const totals: Record<string, number> = {};
  const counts = new Map<number, Map<string, number>>();
  for (const row of rows) {
    const t = Number(row.bucket) * 1000;
    const n = Number(row.n);
    totals[row.code] = (totals[row.code] ?? 0) + n;
    const bucket = counts.get(t) ?? new Map<string, number>();
    bucket.set(row.code, (bucket.get(row.code) ?? 0) + n);
    counts.set(t, bucket);
  }
  const codes = Object.keys(totals).sort(compareCodes);
  const points = bucketStarts(window).map((t) => {
    const point: SeriesPoint = { t };
    const bucket = counts.get(t);
    for (const code of codes) point[code] = bucket?.get(code) ?? 0;
    return point;
  });
  const explain = Object.fromEntries(codes.map((code) => [code, codeInfo(code)]));
  return { codes, totals, explain, points };
}

/** One dyno's maxima over the window, bucket by bucket (the arrays run in step). */
type DynoRow = {
  dyno_type: string;
  dyno: string;
  buckets: (number | string)[];
  peaks: (number | string | null)[];
  swaps: (number | string | null)[] | null;
  quota: number | string | null;
};

function dynoSeries(rows: DynoRow[]): (DynoSeries & { quotaMb: number | null })[] {
  const types = new Map<
    string,
    { dynos: Set<string>; points: Map<number, SeriesPoint>; quota: number | null }
  >();
  const rounded = (value: unknown) => {
    const n = toNumber(value);
    return n === null ? null : round(n, 2);
  };
  for (const row of rows) {
    const entry = types.get(row.dyno_type) ?? { dynos: new Set(), points: new Map(), quota: null };
    types.set(row.dyno_type, entry);
    entry.dynos.add(row.dyno);
    const swapKey = `${row.dyno}:swap`;
    row.buckets.forEach((bucket, i) => {
      const t = Number(bucket) * 1000;
      let point = entry.points.get(t);
      if (!point) {
        point = { t };
        entry.points.set(t, point);
      }
      point[row.dyno] = rounded(row.peaks[i]);
      if (row.swaps) point[swapKey] = rounded(row.swaps[i]);
    });
    const quota = toNumber(row.quota);
    if (quota !== null) entry.quota = Math.max(entry.quota ?? 0, quota);
  }
  return [...types.entries()]
    .sort(([a], [b]) => byDynoName(a, b))
    .map(([dynoType, entry]) => ({
      dynoType,
      dynos: [...entry.dynos].sort(byDynoName),
      points: [...entry.points.values()].sort((a, b) => a.t - b.t),
      quotaMb: entry.quota,
    }));
}

type DynoMetric = {
  /** value, swap and quota columns of metric_samples, then of metric_rollups */
  samples: SQL;
  rollups: SQL;
  /** the column a sample (a rollup row) must have to count */
  sampleRequired: SQL;
  rollupRequired: SQL;
  withSwap: boolean;
};

const MEMORY: DynoMetric = {
  samples: sql`memory_rss_mb as value, memory_swap_mb as swap, memory_quota_mb as quota`,
  rollups: sql`memory_rss_max as value, memory_swap_max as swap, memory_quota_max as quota`,
  sampleRequired: sql`memory_rss_mb`,
  rollupRequired: sql`memory_rss_max`,
  withSwap: true,
};

const LOAD: DynoMetric = {
  samples: sql`load_1m as value, null::real as swap, null::real as quota`,
  rollups: sql`load_1m_max as value, null::real as swap, null::real as quota`,
  sampleRequired: sql`load_1m`,
  rollupRequired: sql`load_1m_max`,
  withSwap: false,
};

const ROLLUP_STEPS_WIDEST_FIRST = [...METRIC_ROLLUP_STEPS].sort((a, b) => b - a);

/**
 * Where a window's maxima come from: rollups of the widest step dividing the window's step, for
 * the whole rollup buckets inside the window, and raw samples for any ragged edge (an export's
 * free `from`/`to`). Without a dividing step, or for a window shorter than one rollup, all raw.
 */
export function planDynoRead(window: TimeWindow): {
  rollup: { stepSeconds: number; from: Date; to: Date } | null;
  raw: { from: Date; to: Date }[];
} {
  const from = window.from.getTime();
  const to = window.to.getTime();
  const step = ROLLUP_STEPS_WIDEST_FIRST.find((s) => window.stepSeconds % s === 0);
  if (step === undefined) return { rollup: null, raw: [{ from: window.from, to: window.to }] };
  const stepMs = step * 1000;
  const inner = { from: Math.ceil(from / stepMs) * stepMs, to: Math.floor(to / stepMs) * stepMs };
  if (inner.from >= inner.to) return { rollup: null, raw: [{ from: window.from, to: window.to }] };
  const raw: { from: Date; to: Date }[] = [];
  if (from < inner.from) raw.push({ from: window.from, to: new Date(inner.from) });
  if (inner.to < to) raw.push({ from: new Date(inner.to), to: window.to });
  return {
    rollup: { stepSeconds: step, from: new Date(inner.from), to: new Date(inner.to) },
    raw,
  };
}

/** Max per dyno type, dyno and bucket; equal whether it reads rollups, samples or both. */
function readDynoMaxima(
  appId: string,
  window: TimeWindow,
  options: Options,
  metric: DynoMetric,
): Promise<DynoRow[]> {
  const plan = planDynoRead(window);
  const parts: SQL[] = [];
  if (plan.rollup) {
    parts.push(
      sql`select dyno_type, dyno, ${bucketOf(sql`bucket`, window.stepSeconds)} as bucket, ${metric.rollups}
          from metric_rollups
          where app_id = ${appId} and step_seconds = ${plan.rollup.stepSeconds}::int
            and ${inWindow(sql`bucket`, plan.rollup)} ${dynoTypeFilter(options)}
            and ${metric.rollupRequired} is not null`,
    );
  }
  for (const range of plan.raw) {
    parts.push(
      sql`select dyno_type, dyno, ${bucketOf(sql`ts`, window.stepSeconds)} as bucket, ${metric.samples}
          from metric_samples
          where app_id = ${appId} and ${inWindow(sql`ts`, range)} ${dynoTypeFilter(options)}
            and ${metric.sampleRequired} is not null`,
    );
  }
  // rollups as wide as the chart's buckets are its points already: nothing to merge
  const [only] = parts;
  const perBucket =
    only && parts.length === 1 && plan.rollup?.stepSeconds === window.stepSeconds
      ? only
      : sql`select dyno_type, dyno, bucket, max(value) as value, max(swap) as swap,
                   max(quota) as quota
            from (${sql.join(parts, sql` union all `)}) as maxima
            group by 1, 2, 3`;
  // one row per dyno, its buckets as arrays: a 7-day chart of 100 dynos is 100 rows, not 16,800
  return queryRows<DynoRow>(
    getDb(),
    sql`select dyno_type, dyno, array_agg(bucket::float8) as buckets,
               array_agg(value::float8) as peaks,
               ${metric.withSwap ? sql`array_agg(swap::float8)` : sql`null`} as swaps,
               max(quota)::float8 as quota
        from (${perBucket}) as per_bucket
        group by 1, 2`,
  );
}

/** Per dyno type: max RSS and swap per dyno and bucket (MB), and the type's memory quota. */
export async function getMemorySeries(
  appId: string,
  window: TimeWindow,
  options: Options = {},
): Promise<MemorySeries[]> {
  return dynoSeries(await readDynoMaxima(appId, window, options, MEMORY));
}

/** Per dyno type: max 1-minute load average per dyno and bucket. */
export async function getLoadSeries(
  appId: string,
  window: TimeWindow,
  options: Options = {},
): Promise<DynoSeries[]> {
  const rows = await readDynoMaxima(appId, window, options, LOAD);
  return dynoSeries(rows).map(({ quotaMb: _quota, ...series }) => series);
}

/** Requests, 5xx and service-time quantiles per bucket, from the per-minute histograms summed. */
export async function getRequestSeries(
  appId: string,
  window: TimeWindow,
  options: Options = {},
): Promise<RequestSeries> {
  const db = getDb();
  const filter = sql`app_id = ${appId} and ${inWindow(sql`minute`, window)} ${dynoTypeFilter(options)}`;
  const bucket = bucketOf(sql`minute`, window.stepSeconds);
  const [sums, hists] = await Promise.all([
    queryRows<{
      bucket: string | number;
      requests: number;
      errors: number;
      router_errors: number;
      max_ms: number | null;
    }>(
      db,
      sql`select ${bucket} as bucket, sum(requests)::int as requests, sum(status_5xx)::int as errors,
                 sum(router_errors)::int as router_errors, max(service_ms_max)::int as max_ms
          from request_stats where ${filter}
          group by 1`,
    ),
    // Histograms add up bucket by bucket (lib/ingest/histogram.ts), so the sum is exact.
    queryRows<{ bucket: string | number; i: number; n: number }>(
      db,
      sql`select ${bucket} as bucket, h.i::int as i, sum(h.n)::int as n
          from request_stats cross join lateral unnest(service_hist) with ordinality as h(n, i)
          where ${filter}
          group by 1, 2`,
    ),
  ]);
  const histograms = new Map<number, number[]>();
  for (const row of hists) {
    const t = Number(row.bucket) * 1000;
    const index = Number(row.i) - 1;
    if (index < 0 || index >= HISTOGRAM_SIZE) continue;
    const hist = histograms.get(t) ?? emptyHistogram();
    hist[index] = Number(row.n);
    histograms.set(t, hist);
  }
  const byBucket = new Map(sums.map((row) => [Number(row.bucket) * 1000, row]));
  let requests = 0;
  let errors5xx = 0;
  const points = bucketStarts(window).map((t): RequestPoint => {
    const row = byBucket.get(t);
    const count = Number(row?.requests ?? 0);
    const errors = Number(row?.errors ?? 0);
    requests += count;
    errors5xx += errors;
    const maxMs = toNumber(row?.max_ms);
    const hist = histograms.get(t);
    return {
      t,
      requests: count,
      errors5xx: errors,
      routerErrors: Number(row?.router_errors ?? 0),
      perMin: perMinute(count, window.stepSeconds),
      perMin5xx: perMinute(errors, window.stepSeconds),
      p50Ms: hist ? histogramQuantile(hist, 0.5, maxMs ?? undefined) : null,
      p95Ms: hist ? histogramQuantile(hist, 0.95, maxMs ?? undefined) : null,
      maxMs,
    };
  });
  return { totals: { requests, errors5xx }, points };
}

const MARKER_LIMIT = 200;

function markerOf(row: { kind: string; code: string; dyno: string | null; detail: unknown }): {
  kind: MarkerKind;
  what: string;
} {
  const detail = (typeof row.detail === "object" && row.detail !== null ? row.detail : {}) as {
    version?: unknown;
    commit?: unknown;
  };
  if (row.kind === "api") {
    if (row.code === "release" && typeof detail.version === "number")
      return { kind: "release", what: `release v${detail.version}` };
    if (row.code === "deploy" && typeof detail.commit === "string")
      return { kind: "release", what: `deploy ${detail.commit.slice(0, 7)}` };
    return { kind: "release", what: row.code };
  }
  if (row.kind === "state_change") return { kind: "crash", what: `crash ${row.dyno ?? ""}`.trim() };
  const verb = row.code === "cycling" ? "cycling" : "restart";
  return { kind: "restart", what: `${verb} ${row.dyno ?? ""}`.trim() };
}

async function loadMarkers(
  appId: string,
  fromMs: number,
  toMs: number,
  stepSeconds: number,
): Promise<Marker[]> {
  const window: TimeWindow = { from: new Date(fromMs), to: new Date(toMs), stepSeconds };
  const rows = await queryRows<{
    ts: string | Date;
    bucket: string | number;
    kind: string;
    code: string;
    dyno: string | null;
    detail: unknown;
  }>(
    getDb(),
    sql`select ts, ${bucketOf(sql`ts`, stepSeconds)} as bucket, kind, code, dyno, detail
        from log_events
        where app_id = ${appId} and ${inWindow(sql`ts`, window)}
          and ((kind = 'lifecycle' and code in ('restarting', 'cycling'))
               or (kind = 'api' and code in ('release', 'deploy'))
               or (kind = 'state_change' and code = 'crashed'))
        order by ts, id
        limit 5000`,
  );
  // One marker per kind and bucket: a restart of six dynos is one event on a chart.
  const grouped = new Map<string, { t: number; kind: MarkerKind; labels: string[] }>();
  for (const row of rows) {
    const { kind, what } = markerOf(row);
    const key = `${row.bucket}:${kind}`;
    const entry = grouped.get(key);
    if (entry) {
      if (!entry.labels.includes(what)) entry.labels.push(what);
    } else {
      grouped.set(key, { t: new Date(row.ts).getTime(), kind, labels: [what] });
    }
  }
  return [...grouped.values()]
    .sort((a, b) => a.t - b.t)
    .slice(-MARKER_LIMIT)
    .map(({ t, kind, labels }) => ({
      t,
      kind,
      label:
        labels.length <= 3
          ? labels.join(", ")
          : `${labels.slice(0, 2).join(", ")} +${labels.length - 2}`,
    }));
}

const cachedMarkers = cache(loadMarkers);

/** Restarts and cycling, releases and deploys, and crashes in the window; one per kind and bucket. */
export function getMarkers(appId: string, window: TimeWindow): Promise<Marker[]> {
  return cachedMarkers(appId, window.from.getTime(), window.to.getTime(), window.stepSeconds);
}

export type Settled<T> = { ok: true; data: T } | { ok: false };

/** A panel's read that fails alone: logged with its cause, shown as an error state, page intact. */
export async function settle<T>(panel: string, read: Promise<T>): Promise<Settled<T>> {
  try {
    return { ok: true, data: await read };
  } catch (error) {
    log.error("chart panel read failed", { panel, error });
    return { ok: false };
  }
}
