import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manualClock } from "@/lib/clock";
import { openDatabase } from "@/lib/db/client";
import { jobRuns, jobs } from "@/lib/db/schema";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { testCtx, uniqueSuffix } from "@/lib/testing/factories";
import { requireService } from "@/lib/testing/services";
import { jobRegistry } from "./registry";
import { listJobRuns } from "./runs";
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
