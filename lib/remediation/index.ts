// Restarts: the dyno that breached, its dyno type, or the app, through the Platform API. A cooling
// period per target is held atomically in the cache (SET NX EX), so two workers evaluating the same
// breach restart once; a loop guard caps restarts per target per hour (counted in the audit trail,
// the source of truth). Every outcome — performed, skipped and why, failed — is an `actions` row
// and an audit event; whether a restart helped is judged later (judge.ts).
import { and, eq, gt, sql } from "drizzle-orm";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/context";
import type { Executor } from "@/lib/db/client";
import { queryRows } from "@/lib/db/execute";
import {
  type Action,
  type ActionMeasure,
  type ActionStatus,
  actions,
  type RuleAction,
  type RuleKind,
} from "@/lib/db/schema";
import { HerokuApiError } from "@/lib/heroku/errors";
import { requestJobSoon } from "@/lib/jobs/due";

export type RestartKind = Exclude<RuleAction, "none">;

/** The part of the Heroku client remediation uses. */
export type Restarter = {
  restartDyno(app: string, dyno: string): Promise<void>;
  restartProcessType(app: string, type: string): Promise<void>;
  restartApp(app: string): Promise<void>;
};

export type RestartRequest = {
  kind: RestartKind;
  appId: string;
  appName: string;
  dynoType: string | null;
  dyno: string | null;
  incidentId: string | null;
  ruleId: string | null;
  ruleKind: RuleKind | null;
  /** The rule's code (R14, H12) for error-rate measures. */
  code: string | null;
  /** The value that fired the rule (memory %, error rate), the bar for "helped". */
  threshold: number | null;
  dryRun: boolean;
  coolingSeconds: number;
  maxPerHour: number;
};

export type RestartOutcome = { status: ActionStatus; reason: string; action: Action };

/** What is restarted: a dyno (`web.2`), a dyno type (`web`) or the app. */
export function restartTarget(
  request: Pick<RestartRequest, "kind" | "appName" | "dynoType" | "dyno">,
): string | null {
  if (request.kind === "restart_dyno") return request.dyno;
  if (request.kind === "restart_dyno_type")
    return request.dynoType ?? request.dyno?.split(".")[0] ?? null;
  return request.appName;
}

export const coolingKey = (appId: string, kind: RestartKind, target: string) =>
  `restart:cooling:${appId}:${kind === "restart_app" ? "app" : target}`;

/**
 * Memory % (highest of the target's dynos over the last few minutes), error rate per minute of the
 * rule's code (or 5xx %) and R14s, over [from, to).
 */
export async function measureTarget(
  db: Executor,
  target: {
    appId: string;
    dynoType: string | null;
    dyno: string | null;
    code: string | null;
    ruleKind: RuleKind | null;
  },
  from: Date,
  to: Date,
): Promise<ActionMeasure> {
  const dynoFilter = target.dyno
    ? sql`and dyno = ${target.dyno}`
    : target.dynoType
      ? sql`and dyno_type = ${target.dynoType}`
      : sql``;
  const window = sql`ts >= ${from.toISOString()}::timestamptz and ts < ${to.toISOString()}::timestamptz`;
  const minutes = Math.max(1, (to.getTime() - from.getTime()) / 60_000);
  const [memory] = await queryRows<{ pct: number | null }>(
    db,
    sql`select max(memory_rss_mb / nullif(memory_quota_mb, 0) * 100)::float8 as pct
        from metric_samples where app_id = ${target.appId} and ${window} ${dynoFilter}`,
  );
  const [r14] = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from log_events
        where app_id = ${target.appId} and code = 'R14' and ${window} ${dynoFilter}`,
  );
  let errorRate: number | null = null;
  if (target.ruleKind === "http_5xx") {
    const [rate] = await queryRows<{ requests: number; errors: number }>(
      db,
      sql`select coalesce(sum(requests), 0)::int as requests, coalesce(sum(status_5xx), 0)::int as errors
          from request_stats where app_id = ${target.appId}
            and minute >= ${from.toISOString()}::timestamptz and minute < ${to.toISOString()}::timestamptz
            ${target.dynoType ? sql`and dyno_type = ${target.dynoType}` : sql``}`,
    );
    errorRate =
      rate && rate.requests > 0 ? Math.round((1000 * rate.errors) / rate.requests) / 10 : 0;
  } else if (target.code) {
    const [count] = await queryRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from log_events
          where app_id = ${target.appId} and code = ${target.code} and ${window} ${dynoFilter}`,
    );
    errorRate = Math.round((100 * Number(count?.n ?? 0)) / minutes) / 100;
  }
  const pct = memory?.pct;
  return {
    memoryPercent: pct === null || pct === undefined ? null : Math.round(Number(pct) * 10) / 10,
    errorRate,
    r14: Number(r14?.n ?? 0),
  };
}

async function record(
  ctx: Ctx,
  request: RestartRequest,
  target: string,
  status: ActionStatus,
  reason: string,
  before: ActionMeasure | null,
): Promise<Action> {
  const [row] = await ctx.db
    .insert(actions)
    .values({
      incidentId: request.incidentId,
      ruleId: request.ruleId,
      appId: request.appId,
      appName: request.appName,
      kind: request.kind,
      target,
      status,
      reason,
      actorLabel: ctx.actor.type === "user" ? ctx.actor.email : ctx.actor.label,
      requestedAt: ctx.clock.now(),
      before,
      threshold: request.threshold,
    })
    .returning();
  await recordAudit(ctx.db, ctx.actor, {
    action: `restart.${status}`,
    target: `${request.appName} ${target}`,
    detail: { kind: request.kind, reason, incidentId: request.incidentId, ruleId: request.ruleId },
    at: ctx.clock.now(),
  });
  if (!row) throw new Error("action not recorded");
  return row;
}

/** Restarts once per cooling period and at most `maxPerHour` times an hour; always audited. */
export async function requestRestart(
  ctx: Ctx,
  client: Restarter,
  request: RestartRequest,
): Promise<RestartOutcome> {
  const now = ctx.clock.now();
  const target = restartTarget(request);
  if (target === null) {
    const reason = "No single dyno breached, so there is no dyno to restart.";
    return {
      status: "failed",
      reason,
      action: await record(ctx, request, "?", "failed", reason, null),
    };
  }
  const before = await measureTarget(
    ctx.db,
    { ...request, dyno: request.kind === "restart_dyno" ? request.dyno : null },
    new Date(now.getTime() - 5 * 60_000),
    now,
  );
  if (request.dryRun) {
    const reason = "Dry run: the rule would have restarted it.";
    return {
      status: "skipped_dry_run",
      reason,
      action: await record(ctx, request, target, "skipped_dry_run", reason, before),
    };
  }
  // first one wins: a second evaluator of the same breach finds the key and stands down
  const key = coolingKey(request.appId, request.kind, target);
  if (request.coolingSeconds > 0) {
    const won = await ctx.cache.set(key, now.toISOString(), {
      onlyIfAbsent: true,
      ttlSeconds: request.coolingSeconds,
    });
    if (!won) {
      const left = await ctx.cache.ttl(key);
      const reason = `Cooling period: restarted less than ${request.coolingSeconds} s ago${left ? ` (${left} s left)` : ""}.`;
      return {
        status: "skipped_cooling",
        reason,
        action: await record(ctx, request, target, "skipped_cooling", reason, before),
      };
    }
  }
  const hourAgo = new Date(now.getTime() - 3600_000);
  const [recent] = await ctx.db
    .select({ n: sql<number>`count(*)::int` })
    .from(actions)
    .where(
      and(
        eq(actions.appId, request.appId),
        eq(actions.target, target),
        eq(actions.status, "performed"),
        gt(actions.requestedAt, hourAgo),
      ),
    );
  if (Number(recent?.n ?? 0) >= request.maxPerHour) {
    const reason = `Loop guard: ${request.maxPerHour} restarts of ${target} in the last hour already; not restarting again. Look at the app.`;
    return {
      status: "skipped_loop_guard",
      reason,
      action: await record(ctx, request, target, "skipped_loop_guard", reason, before),
    };
  }
  try {
    if (request.kind === "restart_dyno") await client.restartDyno(request.appName, target);
    else if (request.kind === "restart_dyno_type")
      await client.restartProcessType(request.appName, target);
    else await client.restartApp(request.appName);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // no answer: it may have restarted, so the cooling period stands and nothing is sent again
    if (error instanceof HerokuApiError && error.id === "no_answer") {
      const reason = `Heroku did not answer the restart request: ${message}. Not repeated before the cooling period ends.`;
      return {
        status: "failed",
        reason,
        action: await record(ctx, request, target, "failed", reason, before),
      };
    }
    // the restart did not happen: let the next evaluation try again
    await ctx.cache.delete(key);
    const reason = `Heroku refused the restart: ${message}`;
    return {
      status: "failed",
      reason,
      action: await record(ctx, request, target, "failed", reason, before),
    };
  }
  // the Apps page shows each dyno's state and "up since": sync the dynos now, not in 10 minutes
  await requestJobSoon(ctx.db, "discover", now).catch(() => {});
  const what = request.kind === "restart_app" ? `the app ${target}` : target;
  const reason = `Restarted ${what}.`;
  return {
    status: "performed",
    reason,
    action: await record(ctx, request, target, "performed", reason, before),
  };
}
