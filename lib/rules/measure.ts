// What a rule looks at, measured in SQL over stored facts ("windows in SQL", DESIGN.md): counts of
// events in a window, router aggregates, the last samples of each dyno, the last line seen.
// Read-only; the evaluator (evaluate.ts) decides.
import { type SQL, sql } from "drizzle-orm";
import type { Executor } from "@/lib/db/client";
import { queryRows } from "@/lib/db/execute";
import type { Rule } from "@/lib/db/schema";
import type { Measurement } from "./evaluate";
import type { RuleParams } from "./schema";

/** Samples older than this do not count as "the last samples" of a dyno (it is gone or blind). */
const FRESH_SAMPLES_SECONDS = 10 * 60;

type Scope = Pick<Rule, "appId" | "dynoType" | "dyno" | "action">;

const iso = (date: Date) => date.toISOString();

function scopeFilter(alias: string, rule: Scope, dynoTypeExpr?: SQL): SQL {
  const parts: SQL[] = [sql`a.gone_at is null`];
  if (rule.appId) parts.push(sql`${sql.raw(alias)}.app_id = ${rule.appId}`);
  if (rule.dynoType) {
    parts.push(sql`${dynoTypeExpr ?? sql.raw(`${alias}.dyno_type`)} = ${rule.dynoType}`);
  }
  if (rule.dyno) parts.push(sql`${sql.raw(alias)}.dyno = ${rule.dyno}`);
  return sql.join(parts, sql` and `);
}

/**
 * R codes come from one dyno; router (H) codes are grouped per dyno type unless the rule names a
 * dyno or restarts "the dyno that breached"; L codes concern the app's log delivery.
 */
function groupsByDyno(rule: Scope, code: string): boolean {
  if (code.startsWith("L")) return false;
  return code.startsWith("R") || rule.dyno !== null || rule.action === "restart_dyno";
}

/** Measurements for `rule` at `now`; the shape matches the rule's kind. */
export async function measureRule(db: Executor, rule: Rule, now: Date): Promise<Measurement[]> {
  switch (rule.kind) {
    case "error_code":
      return measureErrorCode(db, rule, rule.params as RuleParams["error_code"], now);
    case "http_5xx":
      return measureHttp5xx(db, rule, rule.params as RuleParams["http_5xx"], now);
    case "memory":
      return measureSamples(db, rule, "memory", (rule.params as RuleParams["memory"]).samples, now);
    case "load":
      return measureSamples(db, rule, "load", (rule.params as RuleParams["load"]).samples, now);
    case "crash":
      return measureCrashes(db, rule, rule.params as RuleParams["crash"], now);
    case "ingest_silence":
      return measureSilence(db, rule, now);
    case "check_failing":
      return measureCheck(db, rule.params as RuleParams["check_failing"]);
  }
}

export async function measureErrorCode(
  db: Executor,
  rule: Scope,
  params: RuleParams["error_code"],
  now: Date,
): Promise<Measurement[]> {
  const from = new Date(now.getTime() - params.windowSeconds * 1000);
  const byDyno = groupsByDyno(rule, params.code);
  const isL = params.code.startsWith("L");
  // the router only routes to web dynos: an H error without a dyno (H10, H13...) is the web type's
  const dynoType = isL ? sql`null::text` : sql`coalesce(e.dyno_type, 'web')`;
  const dyno = byDyno ? sql`e.dyno` : sql`null::text`;
  const rows = await queryRows<{
    app_id: string;
    app_name: string;
    dyno_type: string | null;
    dyno: string | null;
    n: number;
    minutes: number[] | null;
  }>(
    db,
    sql`select e.app_id, a.name as app_name, ${dynoType} as dyno_type, ${dyno} as dyno,
               count(*)::int as n,
               array_agg(floor(extract(epoch from e.ts) / 60)::int) as minutes
        from log_events e join apps a on a.id = e.app_id
        where e.code = ${params.code} and e.ts > ${iso(from)}::timestamptz
          and e.ts <= ${iso(now)}::timestamptz
          and ${scopeFilter("e", rule, isL ? undefined : sql`coalesce(e.dyno_type, 'web')`)}
        group by 1, 2, 3, 4`,
  );
  const firstMinute = Math.floor(from.getTime() / 60_000);
  const lastMinute = Math.floor(now.getTime() / 60_000);
  return rows.map((row) => {
    const series = new Array(Math.min(60, lastMinute - firstMinute + 1)).fill(0) as number[];
    const start = lastMinute - series.length + 1;
    for (const minute of row.minutes ?? []) {
      const i = Number(minute) - start;
      if (i >= 0 && i < series.length) series[i] = (series[i] ?? 0) + 1;
    }
    return {
      kind: "error_code" as const,
      appId: row.app_id,
      appName: row.app_name,
      dynoType: row.dyno_type,
      dyno: row.dyno,
      code: params.code,
      count: Number(row.n),
      series,
    };
  });
}

async function measureHttp5xx(
  db: Executor,
  rule: Scope,
  params: RuleParams["http_5xx"],
  now: Date,
): Promise<Measurement[]> {
  // whole minutes: the current, still-filling minute is part of the window
  const from = new Date(
    Math.floor((now.getTime() - params.windowSeconds * 1000) / 60_000) * 60_000,
  );
  const rows = await queryRows<{
    app_id: string;
    app_name: string;
    dyno_type: string;
    requests: number;
    errors: number;
    series: number[] | null;
  }>(
    db,
    sql`select r.app_id, a.name as app_name, r.dyno_type, sum(r.requests)::int as requests,
               sum(r.status_5xx)::int as errors,
               array_agg(round(100.0 * r.status_5xx / nullif(r.requests, 0), 1)::float8 order by r.minute) as series
        from request_stats r join apps a on a.id = r.app_id
        where r.minute >= ${iso(from)}::timestamptz and r.minute <= ${iso(now)}::timestamptz
          and ${scopeFilter("r", { ...rule, dyno: null })}
        group by 1, 2, 3`,
  );
  return rows.map((row) => ({
    kind: "http_5xx" as const,
    appId: row.app_id,
    appName: row.app_name,
    dynoType: row.dyno_type,
    dyno: null,
    requests: Number(row.requests),
    errors: Number(row.errors),
    series: (row.series ?? []).map((v) => Number(v ?? 0)),
  }));
}

async function measureSamples(
  db: Executor,
  rule: Scope,
  kind: "memory" | "load",
  samples: number,
  now: Date,
): Promise<Measurement[]> {
  const from = new Date(now.getTime() - FRESH_SAMPLES_SECONDS * 1000);
  const value =
    kind === "memory"
      ? sql`(s.memory_rss_mb / nullif(s.memory_quota_mb, 0) * 100)::float8`
      : sql`s.load_1m::float8`;
  const present = kind === "memory" ? sql`s.memory_rss_mb is not null` : sql`s.load_1m is not null`;
  // a few more than the rule needs, for the email's sparkline
  const keep = Math.max(samples, 20);
  const rows = await queryRows<{
    app_id: string;
    app_name: string;
    dyno_type: string;
    dyno: string;
    values: (number | null)[];
    rss: number | null;
    quota: number | null;
  }>(
    db,
    sql`select app_id, app_name, dyno_type, dyno,
               array_agg(value order by ts desc) as values,
               (array_agg(rss order by ts desc))[1] as rss,
               (array_agg(quota order by ts desc))[1] as quota
        from (
          select s.app_id, a.name as app_name, s.dyno_type, s.dyno, s.ts, ${value} as value,
                 s.memory_rss_mb::float8 as rss, s.memory_quota_mb::float8 as quota,
                 row_number() over (partition by s.app_id, s.dyno order by s.ts desc) as rn
          from metric_samples s join apps a on a.id = s.app_id
          where s.ts > ${iso(from)}::timestamptz and s.ts <= ${iso(now)}::timestamptz and ${present}
            and ${scopeFilter("s", rule)}
        ) recent
        where rn <= ${keep}
        group by 1, 2, 3, 4`,
  );
  return rows.map((row) => {
    const values = row.values.map((v) => (v === null ? 0 : Number(v)));
    const target = {
      appId: row.app_id,
      appName: row.app_name,
      dynoType: row.dyno_type,
      dyno: row.dyno,
    };
    return kind === "memory"
      ? {
          ...target,
          kind: "memory" as const,
          percents: values,
          rssMb: row.rss === null ? null : Number(row.rss),
          quotaMb: row.quota === null ? null : Number(row.quota),
        }
      : { ...target, kind: "load" as const, loads: values };
  });
}

async function measureCrashes(
  db: Executor,
  rule: Scope,
  params: RuleParams["crash"],
  now: Date,
): Promise<Measurement[]> {
  const from = new Date(now.getTime() - params.windowSeconds * 1000);
  const rows = await queryRows<{
    app_id: string;
    app_name: string;
    dyno_type: string | null;
    dyno: string | null;
    n: number;
    last_at: string | Date;
  }>(
    db,
    sql`select e.app_id, a.name as app_name, e.dyno_type, e.dyno, count(*)::int as n, max(e.ts) as last_at
        from log_events e join apps a on a.id = e.app_id
        where e.kind = 'state_change' and e.code = 'crashed'
          and e.ts > ${iso(from)}::timestamptz and e.ts <= ${iso(now)}::timestamptz
          and ${scopeFilter("e", rule)}
        group by 1, 2, 3, 4`,
  );
  return rows.map((row) => ({
    kind: "crash" as const,
    appId: row.app_id,
    appName: row.app_name,
    dynoType: row.dyno_type,
    dyno: row.dyno,
    count: Number(row.n),
    lastAt: new Date(row.last_at),
  }));
}

async function measureSilence(db: Executor, rule: Scope, now: Date): Promise<Measurement[]> {
  // the newest line through either path: the drain's last batch, the poll's last run with lines
  const rows = await queryRows<{
    app_id: string;
    app_name: string;
    last_line_at: string | Date | null;
    watched_since: string | Date;
  }>(
    db,
    sql`select a.id as app_id, a.name as app_name,
               greatest(
                 (select max(d.last_frame_at) from drains d where d.app_id = a.id),
                 (select max(l.last_success_at) from log_sources l
                   where l.app_id = a.id and coalesce(l.last_run_lines, 0) > 0)
               ) as last_line_at,
               a.first_seen_at as watched_since
        from apps a
        where a.gone_at is null ${rule.appId ? sql`and a.id = ${rule.appId}` : sql``}`,
  );
  return rows.map((row) => {
    const last = row.last_line_at === null ? null : new Date(row.last_line_at);
    const since = last ?? new Date(row.watched_since);
    return {
      kind: "ingest_silence" as const,
      appId: row.app_id,
      appName: row.app_name,
      dynoType: null,
      dyno: null,
      lastLineAt: last,
      silentSeconds: Math.max(0, (now.getTime() - since.getTime()) / 1000),
    };
  });
}

/** A status check's run of consecutive failures (the run-checks job keeps the count). */
async function measureCheck(
  db: Executor,
  params: RuleParams["check_failing"],
): Promise<Measurement[]> {
  const rows = await queryRows<{
    name: string;
    app_id: string | null;
    app_name: string | null;
    failures: number;
    last_error: string | null;
  }>(
    db,
    sql`select c.name, c.app_id, a.name as app_name, c.consecutive_failures as failures,
               (select r.error from check_results r where r.check_id = c.id order by r.at desc limit 1) as last_error
        from checks c left join apps a on a.id = c.app_id
        where c.id = ${params.checkId} and c.enabled`,
  );
  return rows.map((row) => ({
    kind: "check_failing" as const,
    // a check of no app is its own target: the check's name stands in for the app's
    appId: row.app_id ?? "",
    appName: row.app_name ?? `check ${row.name}`,
    dynoType: null,
    dyno: null,
    checkName: row.name,
    failures: Number(row.failures),
    lastError: row.last_error,
  }));
}
