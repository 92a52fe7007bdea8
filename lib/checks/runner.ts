// The run-checks job: claims due checks with a lease (FOR UPDATE SKIP LOCKED, as lib/ingest/poll
// does), runs them a few at a time, and records each result with the check's new state in one
// transaction. One check failing to run is recorded on itself; it never stops the others.
import "server-only";
import { and, eq, inArray, isNull, lt, lte, or, sql } from "drizzle-orm";
import type { Ctx } from "@/lib/context";
import { type Check, checkResults, checks } from "@/lib/db/schema";
import type { JobSummary } from "@/lib/jobs/types";
import { log } from "@/lib/log";
import { type CheckOutcome, runPostgresCheck, runRedisCheck, runWebCheck } from "./run";
import { configSchemas } from "./schema";
import { processSecretBox, type SecretBox } from "./secrets";

export type RunChecksOptions = {
  /** Who holds the leases (processOwner in production; a name per runner in tests). */
  owner: string;
  /** Checks run at once. */
  concurrency?: number;
  /** Checks claimed per run at most. */
  limit?: number;
  /** No check starts unless it can finish (its timeout) before this instant. */
  deadline?: Date;
  secrets?: SecretBox;
};

/** A claim outlives the check's timeout by this much, so a crashed runner's checks come back. */
const LEASE_MARGIN_MS = 60_000;

async function claimDueChecks(ctx: Ctx, options: RunChecksOptions): Promise<Check[]> {
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const due = await tx
      .select({ id: checks.id })
      .from(checks)
      .where(
        and(
          eq(checks.enabled, true),
          lte(checks.nextRunAt, now),
          or(isNull(checks.leaseUntil), lte(checks.leaseUntil, now)),
        ),
      )
      .orderBy(checks.nextRunAt)
      .limit(options.limit ?? 50)
      .for("update", { skipLocked: true });
    if (due.length === 0) return [];
    return tx
      .update(checks)
      .set({
        leaseOwner: options.owner,
        leaseUntil: sql`${now.toISOString()}::timestamptz + (${checks.timeoutMs} + ${LEASE_MARGIN_MS}) * interval '1 millisecond'`,
      })
      .where(
        inArray(
          checks.id,
          due.map((row) => row.id),
        ),
      )
      .returning();
  });
}

function brokenSettings(message: string): CheckOutcome {
  return {
    ok: false,
    latencyMs: 0,
    detail: { reason: "error" },
    error: `error: ${message}`,
    reason: "error",
  };
}

/** Runs one stored check: its settings through zod, its secret decrypted for this run only. */
export async function runStoredCheck(
  check: Check,
  options: { secrets: SecretBox; now?: () => Date },
): Promise<CheckOutcome> {
  const timeout = { timeoutMs: check.timeoutMs };
  try {
    if (check.kind === "web") {
      const { url, ...rest } = check.config;
      const config = configSchemas.web.safeParse(rest);
      if (typeof url !== "string" || !config.success) {
        return brokenSettings("the stored settings are invalid; edit and save the check.");
      }
      return await runWebCheck(url, config.data, { ...timeout, now: options.now });
    }
    if (!check.secretCiphertext) {
      return brokenSettings("no URL is stored; edit the check and enter it.");
    }
    const url = options.secrets.decrypt(check.secretCiphertext, check.id);
    if (check.kind === "redis") {
      const config = configSchemas.redis.safeParse(check.config);
      if (!config.success)
        return brokenSettings("the stored settings are invalid; edit the check.");
      return await runRedisCheck(url, config.data, timeout);
    }
    const config = configSchemas.postgres.safeParse(check.config);
    if (!config.success) return brokenSettings("the stored settings are invalid; edit the check.");
    return await runPostgresCheck(url, config.data, timeout);
  } catch (error) {
    return brokenSettings(error instanceof Error ? error.message : String(error));
  }
}

/** Stores the result and the check's new state, if this runner still holds the check's lease. */
async function recordOutcome(
  ctx: Ctx,
  check: Check,
  options: { owner: string; startedAt: Date; outcome: CheckOutcome },
): Promise<boolean> {
  const { outcome, startedAt } = options;
  return ctx.db.transaction(async (tx) => {
    const [updated] = await tx
      .update(checks)
      .set({
        leaseOwner: null,
        leaseUntil: null,
        lastStatus: outcome.ok ? "up" : "down",
        lastCheckedAt: startedAt,
        consecutiveFailures: outcome.ok ? 0 : sql`${checks.consecutiveFailures} + 1`,
        nextRunAt: new Date(startedAt.getTime() + check.intervalSeconds * 1000),
      })
      .where(and(eq(checks.id, check.id), eq(checks.leaseOwner, options.owner)))
      .returning({ id: checks.id });
    // deleted while it ran, or its lease was taken over: the result belongs to nobody
    if (!updated) return false;
    await tx.insert(checkResults).values({
      checkId: check.id,
      at: startedAt,
      ok: outcome.ok,
      latencyMs: outcome.latencyMs,
      statusCode: outcome.statusCode ?? null,
      detail: outcome.detail,
      error: outcome.ok ? null : (outcome.error ?? "error"),
    });
    return true;
  });
}

async function releaseLease(ctx: Ctx, check: Check, owner: string): Promise<void> {
  await ctx.db
    .update(checks)
    .set({ leaseOwner: null, leaseUntil: null })
    .where(and(eq(checks.id, check.id), eq(checks.leaseOwner, owner)));
}

/** Claims the checks that are due, runs them (a few at a time) and records their results. */
export async function runDueChecks(ctx: Ctx, options: RunChecksOptions): Promise<JobSummary> {
  const claimed = await claimDueChecks(ctx, options);
  const secrets = options.secrets ?? processSecretBox;
  let up = 0;
  let down = 0;
  let skipped = 0;
  let failed = 0;
  let next = 0;
  const worker = async () => {
    for (;;) {
      const check = claimed[next++];
      if (!check) return;
      const startedAt = ctx.clock.now();
      if (options.deadline && startedAt.getTime() + check.timeoutMs > options.deadline.getTime()) {
        await releaseLease(ctx, check, options.owner);
        skipped++;
        continue;
      }
      try {
        const outcome = await runStoredCheck(check, { secrets, now: () => ctx.clock.now() });
        const recorded = await recordOutcome(ctx, check, {
          owner: options.owner,
          startedAt,
          outcome,
        });
        if (!recorded) skipped++;
        else if (outcome.ok) up++;
        else down++;
      } catch (error) {
        // recording failed (the database, not the target): the lease expires and it runs again
        failed++;
        log.error("run-checks: could not record a result", { check: check.id, error });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 5) }, worker));
  return {
    processed: up + down,
    skipped,
    failed,
    detail: `${claimed.length} checks due: ${up} up, ${down} down${skipped ? `, ${skipped} left for the next run` : ""}`,
  };
}

const DAY_MS = 86_400_000;

/** Removes results older than the retention; returns how many went. */
export async function pruneCheckResults(
  ctx: Pick<Ctx, "db">,
  options: { now: Date; retentionDays: number },
): Promise<number> {
  const before = new Date(options.now.getTime() - options.retentionDays * DAY_MS);
  const removed = await ctx.db
    .delete(checkResults)
    .where(lt(checkResults.at, before))
    .returning({ id: checkResults.id });
  return removed.length;
}

const PRUNE_KEY = "checks:prune-results";

/**
 * The run-checks job: due checks, then once an hour (a cache key with SET NX EX decides which
 * run, on whichever instance) the results older than RETENTION_DAYS.
 */
export async function runChecksJob(
  ctx: Ctx,
  options: RunChecksOptions & { retentionDays: number },
): Promise<JobSummary> {
  const summary = await runDueChecks(ctx, options);
  let pruned: number | null = null;
  try {
    if (await ctx.cache.set(PRUNE_KEY, "1", { ttlSeconds: 3600, onlyIfAbsent: true })) {
      pruned = await pruneCheckResults(ctx, {
        now: ctx.clock.now(),
        retentionDays: options.retentionDays,
      });
    }
  } catch (error) {
    log.warn("run-checks: pruning old results skipped", { error });
  }
  return {
    ...summary,
    detail: pruned === null ? summary.detail : `${summary.detail}; ${pruned} old results removed`,
  };
}
