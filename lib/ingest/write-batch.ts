// Batched, idempotent writes: each table gets one statement per batch, its rows passed as one
// JSON parameter and expanded with jsonb_to_recordset (the same SQL on postgres-js and PGlite).
// Events skip lines already stored (fingerprint), samples merge per dyno and second (and raise
// their rollups' maxima), router aggregates add counts and histograms.
import { type SQL, sql } from "drizzle-orm";
import type { Executor } from "@/lib/db/client";
import { queryRows } from "@/lib/db/execute";
import { METRIC_ROLLUP_STEPS } from "@/lib/db/schema";
import type { EventRow, RequestRow, SampleRow } from "./classify";

/** Rows per statement: bounds one JSON parameter. */
export const CHUNK = 5000;

function chunks<T>(rows: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += CHUNK) out.push(rows.slice(i, i + CHUNK));
  return out;
}

/** `insert` of event rows that skips lines already stored; one row `1` returned per new event. */
export function eventsInsert(rows: readonly EventRow[]): SQL {
  return sql`insert into log_events (app_id, ts, source, proc, dyno, dyno_type, kind, code, message, detail, fingerprint)
    select app_id, ts, source, proc, dyno, dyno_type, kind, code, message, detail, fingerprint
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(
      app_id uuid, ts timestamptz, source text, proc text, dyno text, dyno_type text,
      kind text, code text, message text, detail jsonb, fingerprint text)
    on conflict (fingerprint) do nothing
    returning 1`;
}

/** Inserts events; returns how many were new (the rest were already stored). */
export async function insertEvents(db: Executor, rows: readonly EventRow[]): Promise<number> {
  let inserted = 0;
  for (const chunk of chunks(rows)) {
    const result = await queryRows<{ n: number }>(
      db,
      sql`with inserted as (${eventsInsert(chunk)}) select count(*)::int as n from inserted`,
    );
    inserted += Number(result[0]?.n ?? 0);
  }
  return inserted;
}

const ROLLUP_STEPS = sql.raw(METRIC_ROLLUP_STEPS.map((step) => `(${step})`).join(", "));

/**
 * `insert` merging samples per dyno and second; returns the merged rows, which
 * `rollupsFromSamples` turns into maxima.
 */
export function samplesUpsert(rows: readonly SampleRow[]): SQL {
  return sql`insert into metric_samples (app_id, dyno, dyno_type, ts, instance, size, load_1m, load_5m, load_15m,
        memory_total_mb, memory_rss_mb, memory_cache_mb, memory_swap_mb, memory_quota_mb, memory_pgpgin, memory_pgpgout)
      select app_id, dyno, dyno_type, ts, instance, size, load_1m, load_5m, load_15m,
        memory_total_mb, memory_rss_mb, memory_cache_mb, memory_swap_mb, memory_quota_mb, memory_pgpgin, memory_pgpgout
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(
        app_id uuid, dyno text, dyno_type text, ts timestamptz, instance text, size text,
        load_1m real, load_5m real, load_15m real, memory_total_mb real, memory_rss_mb real,
        memory_cache_mb real, memory_swap_mb real, memory_quota_mb real, memory_pgpgin bigint, memory_pgpgout bigint)
      on conflict (app_id, dyno, ts) do update set
        instance = coalesce(metric_samples.instance, excluded.instance),
        size = coalesce(metric_samples.size, excluded.size),
        load_1m = coalesce(excluded.load_1m, metric_samples.load_1m),
        load_5m = coalesce(excluded.load_5m, metric_samples.load_5m),
        load_15m = coalesce(excluded.load_15m, metric_samples.load_15m),
        memory_total_mb = coalesce(excluded.memory_total_mb, metric_samples.memory_total_mb),
        memory_rss_mb = coalesce(excluded.memory_rss_mb, metric_samples.memory_rss_mb),
        memory_cache_mb = coalesce(excluded.memory_cache_mb, metric_samples.memory_cache_mb),
        memory_swap_mb = coalesce(excluded.memory_swap_mb, metric_samples.memory_swap_mb),
        memory_quota_mb = coalesce(excluded.memory_quota_mb, metric_samples.memory_quota_mb),
        memory_pgpgin = coalesce(excluded.memory_pgpgin, metric_samples.memory_pgpgin),
        memory_pgpgout = coalesce(excluded.memory_pgpgout, metric_samples.memory_pgpgout)
      returning app_id, dyno, dyno_type, ts, load_1m, memory_rss_mb, memory_swap_mb, memory_quota_mb`;
}

/**
 * `insert` raising the 5-minute and 1-hour maxima in metric_rollups from the rows a
 * `samplesUpsert` returned (`merged` names it), so a replay changes nothing. Rollup rows are
 * written in key order: concurrent writers lock them in the same order, never in a cycle.
 */
export function rollupsFromSamples(merged: SQL): SQL {
  return sql`insert into metric_rollups (app_id, dyno, dyno_type, step_seconds, bucket,
        memory_rss_max, memory_swap_max, memory_quota_max, load_1m_max)
      select app_id, dyno, min(dyno_type), step, to_timestamp(floor(extract(epoch from ts) / step) * step) as bucket,
        max(memory_rss_mb), max(memory_swap_mb) filter (where memory_rss_mb is not null),
        max(memory_quota_mb) filter (where memory_rss_mb is not null), max(load_1m)
      from ${merged} cross join (values ${ROLLUP_STEPS}) as steps(step)
      group by app_id, dyno, step, bucket
      order by app_id, dyno, step, bucket
      on conflict (app_id, dyno, step_seconds, bucket) do update set
        memory_rss_max = greatest(metric_rollups.memory_rss_max, excluded.memory_rss_max),
        memory_swap_max = greatest(metric_rollups.memory_swap_max, excluded.memory_swap_max),
        memory_quota_max = greatest(metric_rollups.memory_quota_max, excluded.memory_quota_max),
        load_1m_max = greatest(metric_rollups.load_1m_max, excluded.load_1m_max)`;
}

/** Merges samples per dyno and second and, in the same statement, raises their rollups' maxima. */
export async function upsertSamples(db: Executor, rows: readonly SampleRow[]): Promise<void> {
  for (const chunk of chunks(rows)) {
    await db.execute(
      sql`with merged as (${samplesUpsert(chunk)}) ${rollupsFromSamples(sql`merged`)}`,
    );
  }
}

/** `insert` adding router aggregates to their minutes (counts and histograms add up). */
export function requestStatsUpsert(rows: readonly RequestRow[]): SQL {
  return sql`insert into request_stats (app_id, dyno_type, minute, requests, status_1xx, status_2xx, status_3xx,
        status_4xx, status_5xx, router_errors, service_ms_sum, service_ms_max, service_hist)
      select app_id, dyno_type, minute, requests, status_1xx, status_2xx, status_3xx,
        status_4xx, status_5xx, router_errors, service_ms_sum, service_ms_max, service_hist
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(
        app_id uuid, dyno_type text, minute timestamptz, requests int, status_1xx int, status_2xx int,
        status_3xx int, status_4xx int, status_5xx int, router_errors int, service_ms_sum bigint,
        service_ms_max int, service_hist int[])
      on conflict (app_id, dyno_type, minute) do update set
        requests = request_stats.requests + excluded.requests,
        status_1xx = request_stats.status_1xx + excluded.status_1xx,
        status_2xx = request_stats.status_2xx + excluded.status_2xx,
        status_3xx = request_stats.status_3xx + excluded.status_3xx,
        status_4xx = request_stats.status_4xx + excluded.status_4xx,
        status_5xx = request_stats.status_5xx + excluded.status_5xx,
        router_errors = request_stats.router_errors + excluded.router_errors,
        service_ms_sum = request_stats.service_ms_sum + excluded.service_ms_sum,
        service_ms_max = greatest(request_stats.service_ms_max, excluded.service_ms_max),
        service_hist = (
          select array_agg(coalesce(a, 0) + coalesce(b, 0) order by i)
          from unnest(request_stats.service_hist, excluded.service_hist) with ordinality as h(a, b, i))`;
}

export async function addRequestStats(db: Executor, rows: readonly RequestRow[]): Promise<void> {
  for (const chunk of chunks(rows)) await db.execute(requestStatsUpsert(chunk));
}
