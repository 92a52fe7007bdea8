// The Overview's per-app figures: errors by code over 24 h, memory % of quota now per dyno type,
// 5xx rate over the last hour, and hourly requests for a sparkline.
import "server-only";
import { sql } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { queryRows } from "@/lib/db/execute";

export type AppOverviewFigures = {
  errors24h: { code: string; count: number }[];
  /** Highest RSS+swap / quota over the dynos of each type, from samples of the last 5 minutes. */
  memory: { dynoType: string; percent: number }[];
  requests1h: number;
  errorRate5xx1h: number | null;
  /** Requests per hour, oldest first, 24 values. */
  sparkline: number[];
};

export async function getOverviewFigures(
  now: Date = new Date(),
): Promise<Map<string, AppOverviewFigures>> {
  const db = getDb();
  const dayAgo = new Date(now.getTime() - 86_400_000).toISOString();
  const fiveMinAgo = new Date(now.getTime() - 300_000).toISOString();
  const [errors, memory, requests] = await Promise.all([
    queryRows<{ app_id: string; code: string; n: number }>(
      db,
      sql`select app_id, code, count(*)::int as n from log_events
          where ts > ${dayAgo}::timestamptz and code is not null
            and kind in ('router_error', 'runtime_error', 'platform_error', 'state_change')
          group by app_id, code order by n desc`,
    ),
    queryRows<{ app_id: string; dyno_type: string; percent: number | null }>(
      db,
      sql`select app_id, dyno_type,
            max((coalesce(memory_rss_mb, 0) + coalesce(memory_swap_mb, 0)) / nullif(memory_quota_mb, 0) * 100)::float8 as percent
          from metric_samples where ts > ${fiveMinAgo}::timestamptz
          group by app_id, dyno_type order by dyno_type`,
    ),
    queryRows<{ app_id: string; hour: number; requests: number; errors: number }>(
      db,
      sql`select app_id, floor(extract(epoch from (${now.toISOString()}::timestamptz - minute)) / 3600)::int as hour,
            sum(requests)::int as requests, sum(status_5xx)::int as errors
          from request_stats where minute > ${dayAgo}::timestamptz
          group by app_id, hour`,
    ),
  ]);
  const figures = new Map<string, AppOverviewFigures>();
  const get = (appId: string) => {
    let entry = figures.get(appId);
    if (!entry) {
      entry = {
        errors24h: [],
        memory: [],
        requests1h: 0,
        errorRate5xx1h: null,
        sparkline: new Array<number>(24).fill(0),
      };
      figures.set(appId, entry);
    }
    return entry;
  };
  for (const row of errors) get(row.app_id).errors24h.push({ code: row.code, count: row.n });
  for (const row of memory) {
    if (row.percent !== null)
      get(row.app_id).memory.push({ dynoType: row.dyno_type, percent: Math.round(row.percent) });
  }
  for (const row of requests) {
    const entry = get(row.app_id);
    const index = 23 - Math.min(23, Math.max(0, row.hour));
    entry.sparkline[index] = (entry.sparkline[index] ?? 0) + row.requests;
    if (row.hour === 0) {
      entry.requests1h += row.requests;
      entry.errorRate5xx1h = entry.requests1h > 0 ? row.errors / entry.requests1h : null;
    }
  }
  return figures;
}
