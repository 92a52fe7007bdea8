// Backtest: what a rule would have done over the last 24 h or 7 d of stored data, before it is
// saved. The stored facts are read once, then the real evaluator (evaluate.ts) and the real incident
// machine (lib/incidents/machine.ts) are replayed every EVALUATE_EVERY seconds, with the restart
// cooling period and loop guard applied to the rule's action.
import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { getConfig } from "@/lib/config";
import type { Ctx } from "@/lib/context";
import type { Executor } from "@/lib/db/client";
import { queryRows } from "@/lib/db/execute";
import { apps } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { step } from "@/lib/incidents/machine";
import { formNumber } from "@/lib/validation";
import { evaluateRule, type Measurement, type Target, targetKey } from "./evaluate";
import { type KindParams, type RuleInput, ruleInputSchema } from "./schema";

const EVALUATE_EVERY = 60;
const FRESH_SAMPLES_MS = 10 * 60_000;
const ROW_LIMIT = 400_000;

export type BacktestSettings = {
  repeatIntervalSeconds: number;
  coolingSeconds: number;
  maxRestartsPerHour: number;
};

export type BacktestResult = {
  hours: number;
  incidents: number;
  restarts: number;
  /** Distinct targets (dynos, dyno types, apps) that breached. */
  targets: number;
  firstAt: string | null;
  lastAt: string | null;
  /** Why the figure is partial or absent, when it is. */
  note: string | null;
};

/** Facts per target, as times (epoch ms) and values, oldest first. */
type Series = { target: Target; times: number[]; values: number[]; extra?: number[] };

type Scope = { appId: string | null; dynoType: string | null; dyno: string | null };

function scopeSql(alias: string, scope: Scope) {
  const parts = [sql`a.gone_at is null`];
  if (scope.appId) parts.push(sql`${sql.raw(alias)}.app_id = ${scope.appId}`);
  if (scope.dynoType) parts.push(sql`${sql.raw(alias)}.dyno_type = ${scope.dynoType}`);
  if (scope.dyno) parts.push(sql`${sql.raw(alias)}.dyno = ${scope.dyno}`);
  return sql.join(parts, sql` and `);
}

function group<R>(
  rows: R[],
  target: (row: R) => Target,
  at: (row: R) => number,
  value: (row: R) => number,
  extra?: (row: R) => number,
): Series[] {
  const series = new Map<string, Series>();
  for (const row of rows) {
    const t = target(row);
    const key = targetKey(t);
    const entry = series.get(key) ?? {
      target: t,
      times: [],
      values: [],
      extra: extra ? [] : undefined,
    };
    series.set(key, entry);
    entry.times.push(at(row));
    entry.values.push(value(row));
    if (extra) entry.extra?.push(extra(row));
  }
  return [...series.values()];
}

async function load(
  db: Executor,
  rule: RuleInput,
  scope: Scope,
  from: Date,
  to: Date,
): Promise<Series[]> {
  const window = sql`between ${from.toISOString()}::timestamptz and ${to.toISOString()}::timestamptz`;
  if (rule.kind === "error_code" || rule.kind === "crash") {
    const code = rule.kind === "error_code" ? rule.params.code : "crashed";
    const byDyno =
      rule.kind === "crash" ||
      code.startsWith("R") ||
      scope.dyno !== null ||
      rule.action === "restart_dyno";
    const rows = await queryRows<{
      app_id: string;
      app_name: string;
      dyno_type: string | null;
      dyno: string | null;
      t: number;
    }>(
      db,
      sql`select e.app_id, a.name as app_name, coalesce(e.dyno_type, 'web') as dyno_type,
                 ${byDyno ? sql`e.dyno` : sql`null::text`} as dyno,
                 (extract(epoch from e.ts) * 1000)::float8 as t
          from log_events e join apps a on a.id = e.app_id
          where e.code = ${code} and e.ts ${window} and ${scopeSql("e", scope)}
          order by e.ts limit ${ROW_LIMIT}`,
    );
    return group(
      rows,
      (r) => ({ appId: r.app_id, appName: r.app_name, dynoType: r.dyno_type, dyno: r.dyno }),
      (r) => Number(r.t),
      () => 1,
    );
  }
  if (rule.kind === "http_5xx") {
    const rows = await queryRows<{
      app_id: string;
      app_name: string;
      dyno_type: string;
      t: number;
      requests: number;
      errors: number;
    }>(
      db,
      sql`select r.app_id, a.name as app_name, r.dyno_type, (extract(epoch from r.minute) * 1000)::float8 as t,
                 r.requests, r.status_5xx as errors
          from request_stats r join apps a on a.id = r.app_id
          where r.minute ${window} and ${scopeSql("r", { ...scope, dyno: null })}
          order by r.minute limit ${ROW_LIMIT}`,
    );
    return group(
      rows,
      (r) => ({ appId: r.app_id, appName: r.app_name, dynoType: r.dyno_type, dyno: null }),
      (r) => Number(r.t),
      (r) => Number(r.requests),
      (r) => Number(r.errors),
    );
  }
  if (rule.kind === "memory" || rule.kind === "load") {
    const value =
      rule.kind === "memory"
        ? sql`(s.memory_rss_mb / nullif(s.memory_quota_mb, 0) * 100)::float8`
        : sql`s.load_1m::float8`;
    const present =
      rule.kind === "memory" ? sql`s.memory_rss_mb is not null` : sql`s.load_1m is not null`;
    const rows = await queryRows<{
      app_id: string;
      app_name: string;
      dyno_type: string;
      dyno: string;
      t: number;
      v: number | null;
    }>(
      db,
      sql`select s.app_id, a.name as app_name, s.dyno_type, s.dyno, (extract(epoch from s.ts) * 1000)::float8 as t, ${value} as v
          from metric_samples s join apps a on a.id = s.app_id
          where s.ts ${window} and ${present} and ${scopeSql("s", scope)}
          order by s.ts limit ${ROW_LIMIT}`,
    );
    return group(
      rows,
      (r) => ({ appId: r.app_id, appName: r.app_name, dynoType: r.dyno_type, dyno: r.dyno }),
      (r) => Number(r.t),
      (r) => Number(r.v ?? 0),
    );
  }
  return [];
}

/** The measurement the live evaluator would have seen for `series` at `at` (epoch ms). */
function measureAt(
  rule: RuleInput,
  series: Series,
  at: number,
  cursor: { lo: number; hi: number },
): Measurement | null {
  const { times, values, target } = series;
  while (cursor.hi < times.length && (times[cursor.hi] ?? 0) <= at) cursor.hi++;
  switch (rule.kind) {
    case "error_code":
    case "crash": {
      const windowMs = rule.params.windowSeconds * 1000;
      while (cursor.lo < cursor.hi && (times[cursor.lo] ?? 0) <= at - windowMs) cursor.lo++;
      const count = cursor.hi - cursor.lo;
      if (rule.kind === "crash") return { ...target, kind: "crash", count, lastAt: new Date(at) };
      return { ...target, kind: "error_code", code: rule.params.code, count, series: [] };
    }
    case "http_5xx": {
      const from = Math.floor((at - rule.params.windowSeconds * 1000) / 60_000) * 60_000;
      while (cursor.lo < cursor.hi && (times[cursor.lo] ?? 0) < from) cursor.lo++;
      let requests = 0;
      let errors = 0;
      for (let i = cursor.lo; i < cursor.hi; i++) {
        requests += values[i] ?? 0;
        errors += series.extra?.[i] ?? 0;
      }
      return { ...target, kind: "http_5xx", requests, errors, series: [] };
    }
    case "memory":
    case "load": {
      const recent: number[] = [];
      for (let i = cursor.hi - 1; i >= 0 && recent.length < rule.params.samples; i--) {
        if ((times[i] ?? 0) <= at - FRESH_SAMPLES_MS) break;
        recent.push(values[i] ?? 0);
      }
      return rule.kind === "memory"
        ? { ...target, kind: "memory", percents: recent, rssMb: null, quotaMb: null }
        : { ...target, kind: "load", loads: recent };
    }
    default:
      return null;
  }
}

/** Replays `rule` over the last `hours` hours ending at `now`. */
export async function backtestRule(
  db: Executor,
  rule: RuleInput,
  hours: number,
  now: Date,
  settings: BacktestSettings,
): Promise<BacktestResult> {
  const empty: BacktestResult = {
    hours,
    incidents: 0,
    restarts: 0,
    targets: 0,
    firstAt: null,
    lastAt: null,
    note: null,
  };
  if (rule.kind === "ingest_silence") {
    return { ...empty, note: "Silence cannot be replayed: the log intake's history is not kept." };
  }
  if (rule.kind === "check_failing") {
    return {
      ...empty,
      note: "Check rules are not replayed: see the check's history on the Checks page.",
    };
  }
  let appId: string | null = null;
  if (rule.app) {
    const [app] = await db.select({ id: apps.id }).from(apps).where(eq(apps.name, rule.app));
    if (!app)
      throw new AppError("validation", "Fix the rule first.", {
        fields: { app: [`No app named ${rule.app} in this account.`] },
      });
    appId = app.id;
  }
  const lookBack =
    "windowSeconds" in rule.params ? rule.params.windowSeconds * 1000 : FRESH_SAMPLES_MS;
  const from = new Date(now.getTime() - hours * 3600_000);
  const allSeries = await load(
    db,
    rule,
    { appId, dynoType: rule.dynoType, dyno: rule.dyno },
    new Date(from.getTime() - lookBack),
    now,
  );
  const kindParams = { kind: rule.kind, params: rule.params } as KindParams;
  const repeatMs = (rule.repeatIntervalSeconds ?? settings.repeatIntervalSeconds) * 1000;
  const coolingMs = (rule.restartCoolingSeconds ?? settings.coolingSeconds) * 1000;
  let incidents = 0;
  let restarts = 0;
  let firstAt: number | null = null;
  let lastAt: number | null = null;
  const breached = new Set<string>();
  let truncated = false;
  for (const series of allSeries) {
    if (series.times.length >= ROW_LIMIT) truncated = true;
    const cursor = { lo: 0, hi: 0 };
    let open: { openedAt: Date; lastNotifiedAt: Date | null; sent: number } | null = null;
    const restartTimes: number[] = [];
    for (let at = from.getTime(); at <= now.getTime(); at += EVALUATE_EVERY * 1000) {
      const measurement = measureAt(rule, series, at, cursor);
      const breaching = measurement !== null && evaluateRule(kindParams, [measurement]).length > 0;
      const result = step({
        incident: open
          ? {
              state: "firing",
              openedAt: open.openedAt,
              lastNotifiedAt: open.lastNotifiedAt,
              notificationsSent: open.sent,
              acknowledged: false,
            }
          : null,
        breaching,
        now: new Date(at),
        forSeconds: 0,
        repeatIntervalSeconds: repeatMs / 1000,
        maxRepeats: Number.POSITIVE_INFINITY,
        silenced: false,
      });
      if (result.transition === "open_firing") {
        incidents++;
        breached.add(targetKey(series.target));
        firstAt ??= at;
        lastAt = at;
        open = { openedAt: new Date(at), lastNotifiedAt: new Date(at), sent: 1 };
      } else if (result.state === "resolved") {
        open = null;
      } else if (result.notify === "repeat" && open !== null) {
        const current: { openedAt: Date; sent: number } = open;
        open = { openedAt: current.openedAt, lastNotifiedAt: new Date(at), sent: current.sent + 1 };
      }
      if (result.act && rule.action !== "none" && !rule.dryRun) {
        const last = restartTimes[restartTimes.length - 1];
        const inLastHour = restartTimes.filter((t) => t > at - 3600_000).length;
        if (
          (last === undefined || at - last >= coolingMs) &&
          inLastHour < settings.maxRestartsPerHour
        ) {
          restartTimes.push(at);
          restarts++;
        }
      }
    }
  }
  return {
    hours,
    incidents,
    restarts,
    targets: breached.size,
    firstAt: firstAt === null ? null : new Date(firstAt).toISOString(),
    lastAt: lastAt === null ? null : new Date(lastAt).toISOString(),
    note: truncated ? "Only the first 400,000 stored facts were replayed." : null,
  };
}

export const backtestInputSchema = z.object({
  draft: z.preprocess((value) => {
    if (typeof value !== "string") return value;
    try {
      return JSON.parse(value);
    } catch {
      return null;
    }
  }, ruleInputSchema),
  // the editor posts its choice as text
  hours: z.preprocess(
    formNumber,
    z.union([z.literal(24), z.literal(168)], { error: "Backtest over 24 h or 7 d." }),
  ),
});

/** The editor's "what would this rule have done" with the install's cooling periods. */
export async function runBacktest({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.output<typeof backtestInputSchema>;
}): Promise<BacktestResult> {
  const { alerts } = getConfig();
  return backtestRule(ctx.db, input.draft, input.hours, ctx.clock.now(), {
    repeatIntervalSeconds: alerts.repeatIntervalSeconds,
    coolingSeconds:
      input.draft.action === "restart_app"
        ? alerts.appRestartCoolingSeconds
        : alerts.dynoRestartCoolingSeconds,
    maxRestartsPerHour: alerts.maxRestartsPerHour,
  });
}
