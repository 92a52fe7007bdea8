// Chart series for the App page, read from what ingestion stored (log_events, metric_samples,
// request_stats). Bucketing and rollups happen here, never in components; no writes.
import "server-only";
import { type SQL, sql } from "drizzle-orm";
import { cache } from "react";
import { getDb } from "@/lib/db/client";
import { queryRows } from "@/lib/db/execute";
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

const inWindow = (column: SQL, window: TimeWindow) =>
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

type SampleRow = {
  dyno_type: string;
  dyno: string;
  bucket: string | number;
  value: number | null;
  swap: number | null;
  quota: number | null;
};

function dynoSeries(
  rows: SampleRow[],
  withSwap: boolean,
): (DynoSeries & { quotaMb: number | null })[] {
  const types = new Map<
    string,
    { dynos: Set<string>; points: Map<number, SeriesPoint>; quota: number | null }
  >();
  for (const row of rows) {
    const entry = types.get(row.dyno_type) ?? { dynos: new Set(), points: new Map(), quota: null };
    types.set(row.dyno_type, entry);
    entry.dynos.add(row.dyno);
    const t = Number(row.bucket) * 1000;
    const point = entry.points.get(t) ?? { t };
    entry.points.set(t, point);
    const value = toNumber(row.value);
    point[row.dyno] = value === null ? null : round(value, 2);
    if (withSwap) {
      const swap = toNumber(row.swap);
      point[`${row.dyno}:swap`] = swap === null ? null : round(swap, 2);
    }
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

/** Per dyno type: max RSS and swap per dyno and bucket (MB), and the type's memory quota. */
export async function getMemorySeries(
  appId: string,
  window: TimeWindow,
  options: Options = {},
): Promise<MemorySeries[]> {
  const rows = await queryRows<SampleRow>(
    getDb(),
    sql`select dyno_type, dyno, ${bucketOf(sql`ts`, window.stepSeconds)} as bucket,
               max(memory_rss_mb)::float8 as value, max(memory_swap_mb)::float8 as swap,
               max(memory_quota_mb)::float8 as quota
        from metric_samples
        where app_id = ${appId} and ${inWindow(sql`ts`, window)} ${dynoTypeFilter(options)}
          and memory_rss_mb is not null
        group by 1, 2, 3`,
  );
  return dynoSeries(rows, true);
}

/** Per dyno type: max 1-minute load average per dyno and bucket. */
export async function getLoadSeries(
  appId: string,
  window: TimeWindow,
  options: Options = {},
): Promise<DynoSeries[]> {
  const rows = await queryRows<SampleRow>(
    getDb(),
    sql`select dyno_type, dyno, ${bucketOf(sql`ts`, window.stepSeconds)} as bucket,
               max(load_1m)::float8 as value, null as swap, null as quota
        from metric_samples
        where app_id = ${appId} and ${inWindow(sql`ts`, window)} ${dynoTypeFilter(options)}
          and load_1m is not null
        group by 1, 2, 3`,
  );
  return dynoSeries(rows, false).map(({ quotaMb: _quota, ...series }) => series);
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
