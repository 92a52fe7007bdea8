import { and, eq, inArray, isNull, lte, or } from "drizzle-orm";
import type { Ctx } from "@/lib/context";
import { type JobRunOutcome, jobRuns, jobs } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { processOwner } from "./owner";
import { findJob, jobRegistry } from "./registry";
import type { JobDefinition, JobSummary, JobTrigger } from "./types";

export type JobResult = {
  job: string;
  status: "ok" | "failed" | "busy";
  claimed: boolean;
  processed: number;
  skipped: number;
  failed: number;
  durationMs: number;
  runId?: string;
  error?: string;
  detail?: string;
};

export { processOwner };

async function ensureJobRows(ctx: Ctx, registry: readonly JobDefinition[]): Promise<void> {
  if (registry.length === 0) return;
  await ctx.db
    .insert(jobs)
    .values(registry.map((job) => ({ name: job.name, nextRunAt: ctx.clock.now() })))
    .onConflictDoNothing();
}

/**
 * Claims jobs with FOR UPDATE SKIP LOCKED and an expiring lease, so two instances never run the
 * same job at once. `force` claims the named jobs even if not yet due (a manual or cron run).
 */
async function claimJobs(
  ctx: Ctx,
  names: string[],
  options: { owner: string; force: boolean; registry: readonly JobDefinition[] },
): Promise<string[]> {
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const free = or(isNull(jobs.leaseUntil), lte(jobs.leaseUntil, now));
    const due = options.force ? undefined : lte(jobs.nextRunAt, now);
    const rows = await tx
      .select({ name: jobs.name })
      .from(jobs)
      .where(and(inArray(jobs.name, names), free, due))
      .orderBy(jobs.nextRunAt)
      .for("update", { skipLocked: true });
    for (const { name } of rows) {
      const lease = findJob(name, options.registry)?.leaseSeconds ?? 300;
      await tx
        .update(jobs)
        .set({ leaseOwner: options.owner, leaseUntil: new Date(now.getTime() + lease * 1000) })
        .where(eq(jobs.name, name));
    }
    return rows.map((row) => row.name);
  });
}

function errorText(error: unknown): string {
  if (error instanceof Error) return error.message.slice(0, 2000);
  return String(error).slice(0, 2000);
}

async function runClaimed(
  ctx: Ctx,
  job: JobDefinition,
  options: { owner: string; trigger: JobTrigger },
): Promise<JobResult> {
  const startedAt = ctx.clock.now();
  const started = performance.now();
  const [run] = await ctx.db
    .insert(jobRuns)
    .values({ job: job.name, trigger: options.trigger, owner: options.owner, startedAt })
    .returning({ id: jobRuns.id });
  let summary: JobSummary = { processed: 0, skipped: 0, failed: 0 };
  let outcome: JobRunOutcome = "ok";
  let error: string | undefined;
  try {
    summary = await job.run({
      ...ctx,
      trigger: options.trigger,
      deadline: new Date(startedAt.getTime() + job.leaseSeconds * 1000 * 0.8),
      reportProgress: async (progress) => {
        await ctx.db
          .update(jobs)
          .set({ progress })
          .where(and(eq(jobs.name, job.name), eq(jobs.leaseOwner, options.owner)));
      },
    });
  } catch (cause) {
    outcome = "failed";
    error = errorText(cause);
    log.error("job failed", { job: job.name, error: cause });
  }
  const durationMs = Math.round(performance.now() - started);
  const finishedAt = ctx.clock.now();
  await ctx.db
    .update(jobRuns)
    .set({ finishedAt, durationMs, outcome, error: error ?? null, summary })
    .where(eq(jobRuns.id, run?.id ?? ""));
  await ctx.db
    .update(jobs)
    .set({
      leaseOwner: null,
      leaseUntil: null,
      progress: null,
      lastRunAt: startedAt,
      lastOutcome: outcome,
      nextRunAt: new Date(finishedAt.getTime() + job.intervalSeconds * 1000),
    })
    .where(and(eq(jobs.name, job.name), eq(jobs.leaseOwner, options.owner)));
  return {
    job: job.name,
    status: outcome === "ok" ? "ok" : "failed",
    claimed: true,
    ...summary,
    durationMs,
    runId: run?.id,
    ...(error ? { error } : {}),
  };
}

/**
 * Runs every due job once (the scheduler's and /api/cron/tick's single code path). Once `signal`
 * aborts (the process is stopping), the claimed jobs not yet started are released, not run.
 */
export async function tick({
  ctx,
  trigger,
  owner = processOwner,
  registry = jobRegistry,
  signal,
}: {
  ctx: Ctx;
  trigger: JobTrigger;
  owner?: string;
  registry?: readonly JobDefinition[];
  signal?: AbortSignal;
}): Promise<JobResult[]> {
  await ensureJobRows(ctx, registry);
  const claimed = await claimJobs(
    ctx,
    registry.map((job) => job.name),
    { owner, force: false, registry },
  );
  const results: JobResult[] = [];
  for (const [index, name] of claimed.entries()) {
    if (signal?.aborted) {
      await ctx.db
        .update(jobs)
        .set({ leaseOwner: null, leaseUntil: null })
        .where(and(inArray(jobs.name, claimed.slice(index)), eq(jobs.leaseOwner, owner)));
      break;
    }
    const job = findJob(name, registry);
    if (job) results.push(await runClaimed(ctx, job, { owner, trigger }));
  }
  return results;
}

/** Runs one job now, due or not; "busy" when another runner holds its lease. */
export async function runJob({
  ctx,
  name,
  trigger,
  owner = processOwner,
  registry = jobRegistry,
}: {
  ctx: Ctx;
  name: string;
  trigger: JobTrigger;
  owner?: string;
  registry?: readonly JobDefinition[];
}): Promise<JobResult> {
  const job = findJob(name, registry);
  if (!job) {
    throw new AppError(
      "not_found",
      `There is no job named "${name}". Jobs: ${registry.map((j) => j.name).join(", ")}.`,
    );
  }
  await ensureJobRows(ctx, [job]);
  const [claimed] = await claimJobs(ctx, [job.name], { owner, force: true, registry });
  if (!claimed) {
    return {
      job: name,
      status: "busy",
      claimed: false,
      processed: 0,
      skipped: 0,
      failed: 0,
      durationMs: 0,
    };
  }
  return runClaimed(ctx, job, { owner, trigger });
}
