// job_runs storage: the System page's list and the prune-job-runs job.
import { and, desc, eq, lt } from "drizzle-orm";
import type { Executor } from "@/lib/db/client";
import { type Job, type JobRun, jobRuns, jobs } from "@/lib/db/schema";

export async function listJobRuns(
  db: Executor,
  options: { job?: string; limit?: number } = {},
): Promise<JobRun[]> {
  return db
    .select()
    .from(jobRuns)
    .where(options.job ? eq(jobRuns.job, options.job) : undefined)
    .orderBy(desc(jobRuns.startedAt))
    .limit(Math.min(options.limit ?? 50, 500));
}

export async function listJobStates(db: Executor): Promise<Job[]> {
  return db.select().from(jobs).orderBy(jobs.name);
}

/** Deletes finished runs that started before `before`; returns how many. */
export async function pruneJobRuns(db: Executor, before: Date): Promise<number> {
  const removed = await db
    .delete(jobRuns)
    .where(lt(jobRuns.startedAt, before))
    .returning({ id: jobRuns.id });
  return removed.length;
}

/** Marks runs left "running" by a process that died (their lease long gone) as failed. */
export async function failAbandonedRuns(
  db: Executor,
  startedBefore: Date,
  now: Date,
): Promise<number> {
  const rows = await db
    .update(jobRuns)
    .set({
      outcome: "failed",
      error: "the process running this job stopped before it finished",
      finishedAt: now,
    })
    .where(and(eq(jobRuns.outcome, "running"), lt(jobRuns.startedAt, startedBefore)))
    .returning({ id: jobRuns.id });
  return rows.length;
}

/**
 * A stopping process gives up what it still holds: its leases end now (another instance may take
 * the jobs at once) and its unfinished runs are marked failed. Returns how many leases it released.
 */
export async function releaseOwnedLeases(db: Executor, owner: string, now: Date): Promise<number> {
  await db
    .update(jobRuns)
    .set({
      outcome: "failed",
      error: "the process stopped (SIGTERM) before this run finished",
      finishedAt: now,
    })
    .where(and(eq(jobRuns.outcome, "running"), eq(jobRuns.owner, owner)));
  const released = await db
    .update(jobs)
    .set({ leaseOwner: null, leaseUntil: null, progress: null })
    .where(eq(jobs.leaseOwner, owner))
    .returning({ name: jobs.name });
  return released.length;
}
