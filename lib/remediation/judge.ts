// Did a restart help? Memory and error rate before it (taken when it was performed), then
// HELPED_EARLY_SECONDS and HELPED_SECONDS after. A memory rule's restart helped when memory stayed
// under the rule's threshold and no R14 was logged after it; an error-code or 5xx rule's restart
// helped when the rate after is below half the rate before.
import { and, eq, isNull, lte } from "drizzle-orm";
import type { Ctx } from "@/lib/context";
import { type Action, type ActionMeasure, actions, rules } from "@/lib/db/schema";
import { measureTarget } from "./index";

export type JudgeOptions = { earlySeconds: number; helpedSeconds: number };

/** Restarts settle for this long before "after" is measured (the dyno boots, memory resets). */
const SETTLE_SECONDS = 30;

export function judge(
  ruleKind: string | null,
  threshold: number | null,
  before: ActionMeasure | null,
  after: ActionMeasure,
): { helped: boolean; reason: string } {
  if (ruleKind === "memory") {
    const bar = threshold ?? 100;
    const memoryOk = after.memoryPercent === null || after.memoryPercent < bar;
    const noR14 = (after.r14 ?? 0) === 0;
    if (memoryOk && noR14) {
      return {
        helped: true,
        reason: `memory peaked at ${after.memoryPercent ?? "?"} % (< ${bar} %) with no R14 after`,
      };
    }
    return {
      helped: false,
      reason: memoryOk
        ? `${after.r14} R14 after the restart`
        : `memory back at ${after.memoryPercent} % (≥ ${bar} %)`,
    };
  }
  const rateBefore = before?.errorRate ?? null;
  const rateAfter = after.errorRate;
  if (rateBefore === null || rateAfter === null) {
    const memoryBefore = before?.memoryPercent ?? null;
    if (memoryBefore !== null && after.memoryPercent !== null) {
      const helped = after.memoryPercent < memoryBefore;
      return { helped, reason: `memory ${memoryBefore} % before, ${after.memoryPercent} % after` };
    }
    return { helped: false, reason: "nothing measured after the restart" };
  }
  const helped = rateAfter < rateBefore / 2;
  return {
    helped,
    reason: `error rate ${rateBefore}/min before, ${rateAfter}/min after${helped ? "" : " (not below half)"}`,
  };
}

/** Takes due "after" measures and judges restarts whose wait is over; returns how many changed. */
export async function judgeRestarts(ctx: Ctx, options: JudgeOptions): Promise<number> {
  const now = ctx.clock.now();
  const earliest = new Date(now.getTime() - options.earlySeconds * 1000);
  const pending = await ctx.db
    .select({ action: actions, ruleKind: rules.kind, code: rules.params })
    .from(actions)
    .leftJoin(rules, eq(rules.id, actions.ruleId))
    .where(
      and(
        eq(actions.status, "performed"),
        isNull(actions.helped),
        lte(actions.requestedAt, earliest),
      ),
    )
    .limit(100);
  let changed = 0;
  for (const { action, ruleKind, code } of pending) {
    const started = new Date(action.requestedAt.getTime() + SETTLE_SECONDS * 1000);
    const target = targetOf(action, ruleKind, code);
    const earlyAt = new Date(action.requestedAt.getTime() + options.earlySeconds * 1000);
    const finalAt = new Date(action.requestedAt.getTime() + options.helpedSeconds * 1000);
    if (action.after5 === null) {
      const after5 = await measureTarget(ctx.db, target, started, earlyAt);
      await ctx.db.update(actions).set({ after5 }).where(eq(actions.id, action.id));
      changed++;
    }
    if (now >= finalAt) {
      const after15 = await measureTarget(ctx.db, target, started, finalAt);
      const verdict = judge(ruleKind, action.threshold, action.before, after15);
      await ctx.db
        .update(actions)
        .set({ after15, helped: verdict.helped, helpedReason: verdict.reason })
        .where(eq(actions.id, action.id));
      changed++;
    }
  }
  return changed;
}

function targetOf(action: Action, ruleKind: string | null, params: unknown) {
  const code =
    typeof params === "object" &&
    params !== null &&
    "code" in params &&
    typeof params.code === "string"
      ? params.code
      : null;
  const dyno = action.kind === "restart_dyno" ? action.target : null;
  const dynoType =
    action.kind === "restart_dyno_type" ? action.target : (dyno?.split(".")[0] ?? null);
  return {
    appId: action.appId ?? "",
    dyno,
    dynoType,
    code,
    ruleKind: (ruleKind as Parameters<typeof measureTarget>[1]["ruleKind"]) ?? null,
  };
}
