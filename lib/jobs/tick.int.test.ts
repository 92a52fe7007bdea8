import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manualClock } from "@/lib/clock";
import { openDatabase } from "@/lib/db/client";
import { jobRuns, jobs } from "@/lib/db/schema";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { testCtx, uniqueSuffix } from "@/lib/testing/factories";
import { requireService } from "@/lib/testing/services";
import { jobRegistry } from "./registry";
import { listJobRuns, releaseOwnedLeases } from "./runs";
import { runJob, tick } from "./tick";
import type { JobDefinition } from "./types";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});

function countingJob(overrides: Partial<JobDefinition> = {}) {
  const calls: Date[] = [];
  const job: JobDefinition = {
    name: `test-job-${uniqueSuffix()}`,
    description: "counts its runs",
    intervalSeconds: 60,
    leaseSeconds: 30,
    async run(ctx) {
      calls.push(ctx.clock.now());
      return { processed: 3, skipped: 1, failed: 0 };
    },
    ...overrides,
  };
  return { job, calls };
}

describe("tick", () => {
  it("runs a due job once, records the run, and waits for its interval before the next", async () => {
    const clock = manualClock("2026-11-24T12:00:00Z");
    const ctx = testCtx(database.db, { clock });
    const { job, calls } = countingJob();
    const first = await tick({ ctx, trigger: "scheduler", registry: [job] });
    expect(first).toMatchObject([{ job: job.name, status: "ok", processed: 3, skipped: 1 }]);
    clock.advance(30_000);
    expect(await tick({ ctx, trigger: "scheduler", registry: [job] })).toEqual([]);
    clock.advance(31_000);
    expect(await tick({ ctx, trigger: "scheduler", registry: [job] })).toHaveLength(1);
    expect(calls).toHaveLength(2);

    const runs = await listJobRuns(database.db, { job: job.name });
    expect(runs).toHaveLength(2);
    expect(runs[0]).toMatchObject({
      outcome: "ok",
      trigger: "scheduler",
      summary: { processed: 3 },
    });
    expect(runs[0]?.finishedAt).not.toBeNull();
  });

  it("records a failing job's error and still schedules its next run", async () => {
    const clock = manualClock("2026-11-24T12:00:00Z");
    const ctx = testCtx(database.db, { clock });
    const { job } = countingJob({
      async run() {
        throw new Error("Heroku said no");
      },
    });
    const [result] = await tick({ ctx, trigger: "cron", registry: [job] });
    expect(result).toMatchObject({ status: "failed", error: "Heroku said no" });
    const [run] = await listJobRuns(database.db, { job: job.name });
    expect(run).toMatchObject({ outcome: "failed", error: "Heroku said no" });
    const [state] = await database.db.select().from(jobs).where(eq(jobs.name, job.name));
    expect(state).toMatchObject({ lastOutcome: "failed", leaseOwner: null });
    expect(state?.nextRunAt.getTime()).toBe(clock.now().getTime() + 60_000);
  });

  it("skips a job whose lease another runner holds, and takes it over once the lease expires", async () => {
    const clock = manualClock("2026-11-24T12:00:00Z");
    const ctx = testCtx(database.db, { clock });
    const { job, calls } = countingJob();
    await tick({ ctx, trigger: "scheduler", registry: [job] });
    await database.db
      .update(jobs)
      .set({
        leaseOwner: "other-instance",
        leaseUntil: new Date(clock.now().getTime() + 30_000),
        nextRunAt: clock.now(),
      })
      .where(eq(jobs.name, job.name));
    expect(await tick({ ctx, trigger: "scheduler", registry: [job] })).toEqual([]);
    expect(await runJob({ ctx, name: job.name, trigger: "manual", registry: [job] })).toMatchObject(
      { status: "busy" },
    );
    clock.advance(31_000);
    expect(await tick({ ctx, trigger: "scheduler", registry: [job] })).toHaveLength(1);
    expect(calls).toHaveLength(2);
  });

  it("runs one job by name even when it is not due, and rejects an unknown name", async () => {
    const ctx = testCtx(database.db);
    const { job, calls } = countingJob();
    await tick({ ctx, trigger: "scheduler", registry: [job] });
    expect(await runJob({ ctx, name: job.name, trigger: "manual", registry: [job] })).toMatchObject(
      { status: "ok" },
    );
    expect(calls).toHaveLength(2);
    await expect(
      runJob({ ctx, name: "no-such-job", trigger: "manual", registry: [job] }),
    ).rejects.toMatchObject({
      code: "not_found",
    });
  });
});

describe("prune-job-runs", () => {
  it("removes runs older than the retention and keeps recent ones", async () => {
    const clock = manualClock("2026-11-24T12:00:00Z");
    const ctx = testCtx(database.db, { clock });
    const marker = `old-${uniqueSuffix()}`;
    const day = 86_400_000;
    await database.db.insert(jobRuns).values([
      {
        job: marker,
        trigger: "scheduler",
        owner: "t",
        startedAt: new Date(clock.now().getTime() - 30 * day),
        outcome: "ok",
      },
      {
        job: marker,
        trigger: "scheduler",
        owner: "t",
        startedAt: new Date(clock.now().getTime() - 1 * day),
        outcome: "ok",
      },
    ]);
    const prune = jobRegistry.find((j) => j.name === "prune-job-runs");
    expect(prune).toBeDefined();
    const result = await runJob({ ctx, name: "prune-job-runs", trigger: "manual" });
    expect(result.status).toBe("ok");
    expect(result.processed).toBeGreaterThanOrEqual(1);
    const left = await listJobRuns(database.db, { job: marker });
    expect(left).toHaveLength(1);
  });
});

describe("leases across instances (Postgres)", () => {
  const enabled = requireService("postgres", "job leases across instances");
  it.skipIf(!enabled)(
    "never runs the same job twice when several instances tick at once",
    async () => {
      const instances = Array.from({ length: 4 }, () =>
        openDatabase({ databaseUrl: database.url }),
      );
      try {
        const { job, calls } = countingJob({
          async run() {
            calls.push(new Date());
            await new Promise((resolve) => setTimeout(resolve, 150));
            return { processed: 1, skipped: 0, failed: 0 };
          },
        });
        const results = await Promise.all(
          instances.map((instance, i) =>
            tick({
              ctx: testCtx(instance.db),
              trigger: "scheduler",
              owner: `instance-${i}`,
              registry: [job],
            }),
          ),
        );
        expect(results.flat()).toHaveLength(1);
        expect(calls).toHaveLength(1);
      } finally {
        await Promise.all(instances.map((instance) => instance.close()));
      }
    },
  );
});

describe("stopping (SIGTERM)", () => {
  it("a stopping tick runs no further job and releases the leases it claimed", async () => {
    const clock = manualClock("2026-11-24T12:00:00Z");
    const ctx = testCtx(database.db, { clock });
    const stopping = new AbortController();
    const owner = `stopping-${uniqueSuffix()}`;
    const first = countingJob({
      async run() {
        // SIGTERM arrives while the first job runs
        stopping.abort();
        return { processed: 1, skipped: 0, failed: 0 };
      },
    });
    const second = countingJob();
    const results = await tick({
      ctx,
      trigger: "scheduler",
      owner,
      registry: [first.job, second.job],
      signal: stopping.signal,
    });
    expect(results.map((r) => r.job)).toEqual([first.job.name]);
    expect(second.calls).toEqual([]);
    const rows = await database.db
      .select({ name: jobs.name, leaseOwner: jobs.leaseOwner })
      .from(jobs)
      .where(eq(jobs.leaseOwner, owner));
    expect(rows).toEqual([]);
    // the unrun job is still due: the next instance takes it at once
    const [again] = await tick({ ctx, trigger: "scheduler", registry: [second.job] });
    expect(again).toMatchObject({ job: second.job.name, status: "ok" });
  });

  it("releaseOwnedLeases frees a stopping process's leases and fails its unfinished runs", async () => {
    const clock = manualClock("2026-11-24T12:00:00Z");
    const ctx = testCtx(database.db, { clock });
    const owner = `stopped-${uniqueSuffix()}`;
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { job } = countingJob({
      async run() {
        await held;
        return { processed: 0, skipped: 0, failed: 0 };
      },
    });
    const running = tick({ ctx, trigger: "scheduler", owner, registry: [job] });
    for (let i = 0; i < 100; i++) {
      const [row] = await database.db.select().from(jobs).where(eq(jobs.name, job.name));
      const runs = await listJobRuns(database.db, { job: job.name });
      if (row?.leaseOwner === owner && runs.length > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await releaseOwnedLeases(database.db, owner, clock.now())).toBe(1);
    const [row] = await database.db.select().from(jobs).where(eq(jobs.name, job.name));
    expect(row?.leaseOwner).toBeNull();
    const [run] = await listJobRuns(database.db, { job: job.name });
    expect(run).toMatchObject({ outcome: "failed", owner });
    expect(run?.error).toMatch(/stopped/);
    release();
    await running;
  });
});
