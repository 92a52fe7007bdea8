import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { queryRows } from "@/lib/db/execute";
import { apps, drains, jobs } from "@/lib/db/schema";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { uniqueSuffix } from "@/lib/testing/factories";
import { classifyLines, type EventRow } from "./classify";
import { newDrainSecret } from "./drain";
import { type DrainBatch, submitDrainBatch, writeDrainBatches } from "./drain-writer";
import { getIngestHealth } from "./queries";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});

async function createDrain(): Promise<{ appId: string; drainId: string }> {
  const now = new Date();
  const [app] = await database.db
    .insert(apps)
    .values({
      herokuId: `test-${uniqueSuffix()}`,
      name: `app-${uniqueSuffix()}`,
      firstSeenAt: now,
      lastSyncedAt: now,
    })
    .returning({ id: apps.id });
  if (!app) throw new Error("no app");
  const [drain] = await database.db
    .insert(drains)
    .values({ appId: app.id, tokenHash: newDrainSecret().hash })
    .returning({ id: drains.id });
  if (!drain) throw new Error("no drain");
  return { appId: app.id, drainId: drain.id };
}

const router = (second: number, status: number, service: number) =>
  `2025-03-04T09:41:${String(second).padStart(2, "0")}.100000+00:00 heroku[router]: at=info method=GET path="/" host=a.herokuapp.com request_id=r${second} fwd="1.2.3.4" dyno=web.1 connect=0ms service=${service}ms status=${status} bytes=10 protocol=https`;
const load =
  "2025-03-04T09:42:21.096375+00:00 heroku[web.1]: source=web.1 dyno=heroku.1.a sample#load_avg_1m=0.42 sample#load_avg_5m=0.31 sample#load_avg_15m=0.27";
const memory =
  "2025-03-04T09:42:21.096521+00:00 heroku[web.1]: source=web.1 dyno=heroku.1.a sample#memory_total=398.13MB sample#memory_rss=381.77MB sample#memory_cache=16.36MB sample#memory_swap=0.00MB sample#memory_pgpgin=214406pages sample#memory_pgpgout=116350pages sample#memory_quota=512.00MB";
const r14 = "2025-03-04T09:42:30.776093+00:00 heroku[web.1]: Error R14 (Memory quota exceeded)";

function batch(
  target: { appId: string; drainId: string },
  frameId: string | null,
  lines: string[],
): DrainBatch {
  return {
    drainId: target.drainId,
    frameId,
    receivedAt: new Date("2025-03-04T09:43:00Z"),
    lines: lines.length,
    badFrames: 0,
    repairedLines: 0,
    classified: classifyLines({ appId: target.appId, lines }),
  };
}

async function stored(appId: string) {
  const [counts] = await queryRows<{ events: number; samples: number; requests: number }>(
    database.db,
    sql`select
          (select count(*)::int from log_events where app_id = ${appId}) as events,
          (select count(*)::int from metric_samples where app_id = ${appId}) as samples,
          (select coalesce(sum(requests), 0)::int from request_stats where app_id = ${appId}) as requests`,
  );
  return counts;
}

describe("writeDrainBatches", () => {
  it("stores a group in one go: a repeated frame id once, shared minutes added, one sample per dyno and second", async () => {
    const target = await createDrain();
    const outcomes = await writeDrainBatches(database.db, [
      batch(target, "F1", [router(1, 200, 10), router(2, 503, 30000), load]),
      // Heroku retried F1 while the first copy was still waiting: stored once
      batch(target, "F1", [router(1, 200, 10), router(2, 503, 30000), load]),
      batch(target, "F2", [router(3, 200, 20), memory, r14]),
      // the same R14 line reached us in two frames: one event
      batch(target, null, [r14]),
    ]);
    expect(outcomes).toEqual([
      { duplicate: false },
      { duplicate: true },
      { duplicate: false },
      { duplicate: false },
    ]);
    expect(await stored(target.appId)).toEqual({ events: 1, samples: 1, requests: 3 });
    const [minute] = await queryRows<{ status_5xx: number; service_ms_max: number }>(
      database.db,
      sql`select status_5xx, service_ms_max from request_stats where app_id = ${target.appId}`,
    );
    expect(minute).toEqual({ status_5xx: 1, service_ms_max: 30000 });
    const [sample] = await queryRows<{ load_1m: number; memory_rss_mb: number }>(
      database.db,
      sql`select round(load_1m::numeric, 2)::float8 as load_1m, round(memory_rss_mb::numeric, 2)::float8 as memory_rss_mb from metric_samples where app_id = ${target.appId}`,
    );
    expect(sample).toEqual({ load_1m: 0.42, memory_rss_mb: 381.77 });
    const [totals] = await database.db.select().from(drains).where(eq(drains.id, target.drainId));
    expect(totals).toMatchObject({ batches: 3, duplicateBatches: 1, lines: 7 });
  });

  it("stores a group holding a frame id stored by an earlier write: the new batches once, the retried one not again", async () => {
    const target = await createDrain();
    const first = await writeDrainBatches(database.db, [
      batch(target, "R1", [router(10, 200, 5), r14]),
    ]);
    expect(first).toEqual([{ duplicate: false }]);
    // Heroku retried R1 after we had stored it; R2 is new
    const second = await writeDrainBatches(database.db, [
      batch(target, "R2", [router(11, 200, 5), memory]),
      batch(target, "R1", [router(10, 200, 5), r14]),
      batch(target, null, [router(12, 500, 7)]),
    ]);
    expect(second).toEqual([{ duplicate: false }, { duplicate: true }, { duplicate: false }]);
    expect(await stored(target.appId)).toEqual({ events: 1, samples: 1, requests: 3 });
    const [totals] = await database.db.select().from(drains).where(eq(drains.id, target.drainId));
    expect(totals).toMatchObject({ batches: 3, duplicateBatches: 1, lines: 5 });
  });

  it("takes concurrent batches from many requests and stores every line once", async () => {
    const target = await createDrain();
    const submissions = Array.from({ length: 30 }, (_, i) =>
      submitDrainBatch(
        database.db,
        batch(target, `C${i % 20}`, [router(i % 60, 200, i), router((i + 7) % 60, 500, i)]),
      ),
    );
    const outcomes = await Promise.all(submissions);
    expect(outcomes.filter((o) => o.duplicate)).toHaveLength(10);
    expect(await stored(target.appId)).toMatchObject({ requests: 40 });
    const [totals] = await database.db.select().from(drains).where(eq(drains.id, target.drainId));
    expect(totals).toMatchObject({ batches: 20, duplicateBatches: 10, lines: 40 });
  });

  it("stores the batches grouped with one that cannot be written, and answers all of them", async () => {
    const target = await createDrain();
    const first = batch(target, "G0", [router(4, 200, 5)]);
    const good = batch(target, "G1", [router(5, 200, 5)]);
    const broken = batch(target, "G2", [router(6, 200, 5)]);
    // a drain removed meanwhile breaks the frame ids' foreign key: nothing of it can be stored
    broken.drainId = "00000000-0000-4000-8000-000000000000";
    const after = batch(target, "G3", [router(7, 200, 5)]);
    // the first is written alone at once; the three others wait and go in one group
    const results = await Promise.allSettled([
      submitDrainBatch(database.db, first),
      submitDrainBatch(database.db, good),
      submitDrainBatch(database.db, broken),
      submitDrainBatch(database.db, after),
    ]);
    expect(results.map((r) => r.status)).toEqual(Array(4).fill("fulfilled"));
    expect((await stored(target.appId))?.requests).toBe(3);
    const [totals] = await database.db.select().from(drains).where(eq(drains.id, target.drainId));
    expect(totals).toMatchObject({ batches: 3, lines: 3, badFrames: 0 });
  });

  // the parser makes lines storable; a line that reaches the writer unstorable all the same
  // (built here past the parser) must cost nothing but itself
  it.each([
    ["a NUL in the message", (e: EventRow) => Object.assign(e, { message: `${e.message}\u0000` })],
    ["a NUL in the detail", (e: EventRow) => Object.assign(e, { detail: { note: "a\u0000b" } })],
    ["a lone surrogate", (e: EventRow) => Object.assign(e, { message: `${e.message}\ud800` })],
  ])(
    "isolates a batch holding %s: the others are stored, its other lines too, the line counted bad",
    async (_, spoil) => {
      const target = await createDrain();
      const id = uniqueSuffix();
      const first = batch(target, `U0-${id}`, [router(20, 200, 5)]);
      const before = batch(target, `U1-${id}`, [
        router(21, 200, 5),
        r14.replace("30.776093", "31.000001"),
      ]);
      const bad = batch(target, `U2-${id}`, [router(22, 500, 5), r14, memory]);
      const spoiled = bad.classified.events.find((e) => e.code === "R14");
      if (!spoiled) throw new Error("no R14 event");
      spoil(spoiled);
      const after = batch(target, `U3-${id}`, [
        router(23, 200, 5),
        r14.replace("30.776093", "32.000001"),
      ]);
      const logged = vi.spyOn(console, "error").mockImplementation(() => {});
      try {
        const outcomes = await Promise.all([
          submitDrainBatch(database.db, first),
          submitDrainBatch(database.db, before),
          submitDrainBatch(database.db, bad),
          submitDrainBatch(database.db, after),
        ]);
        expect(outcomes.every((o) => !o.duplicate)).toBe(true);
        const lines = logged.mock.calls.map((call) => String(call[0]));
        const isolated = lines.filter((line) => line.includes("cannot store"));
        expect(isolated).toHaveLength(1);
        expect(isolated[0]).toContain(target.drainId);
        expect(isolated[0]).not.toMatch(/params|R14|Memory quota/);
      } finally {
        logged.mockRestore();
      }
      // every router line, both good R14 events, the bad batch's sample; not the spoiled event
      expect(await stored(target.appId)).toEqual({ events: 2, samples: 1, requests: 4 });
      const [totals] = await database.db.select().from(drains).where(eq(drains.id, target.drainId));
      expect(totals).toMatchObject({ batches: 4, lines: 7, badFrames: 1 });
      const [frame] = await queryRows<{ lines: number }>(
        database.db,
        sql`select lines from drain_frames where drain_id = ${target.drainId} and frame_id = ${bad.frameId}`,
      );
      expect(frame?.lines).toBe(2);
      // Heroku resends it (our answer was lost): a duplicate, nothing stored twice, nothing logged
      expect(await submitDrainBatch(database.db, bad)).toEqual({ duplicate: true });
    },
  );

  it("asks for evaluate-rules soon after committing new events, once for a burst", async () => {
    const target = await createDrain();
    // a nudge from an earlier test's writes (same writer) fires within NUDGE_INTERVAL_MS: let it
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const later = new Date(Date.now() + 3_600_000);
    await database.db
      .insert(jobs)
      .values({ name: "evaluate-rules", nextRunAt: later })
      .onConflictDoUpdate({ target: jobs.name, set: { nextRunAt: later } });
    const nextRun = async () =>
      (await database.db.select().from(jobs).where(eq(jobs.name, "evaluate-rules")))[0]?.nextRunAt;

    // router lines only: nothing for rules to see, the job keeps its time
    await submitDrainBatch(database.db, batch(target, "N1", [router(8, 200, 5)]));
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    expect(await nextRun()).toEqual(later);

    const before = Date.now();
    await Promise.all(
      ["N2", "N3", "N4"].map((id, i) =>
        submitDrainBatch(
          database.db,
          batch(target, id, [r14.replace("30.776093", `3${i}.776093`)]),
        ),
      ),
    );
    await expect.poll(nextRun, { timeout: 5_000, interval: 100 }).not.toEqual(later);
    expect((await nextRun())?.getTime()).toBeGreaterThanOrEqual(before - 1_000);
    expect((await nextRun())?.getTime()).toBeLessThan(later.getTime());
  });

  it("counts lines per minute from the batches of the last 15 minutes, and the totals of all", async () => {
    const target = await createDrain();
    const at = (minutesAgo: number) => new Date(Date.UTC(2025, 2, 4, 10, 0) - minutesAgo * 60_000);
    const old = batch(target, "M1", [router(1, 200, 5), router(2, 200, 5), load]);
    old.receivedAt = at(20);
    const recent = batch(target, "M2", [router(3, 200, 5), router(4, 200, 5), router(5, 200, 5)]);
    recent.receivedAt = at(10);
    const newest = batch(target, "M3", [router(6, 200, 5), router(7, 200, 5), r14]);
    newest.receivedAt = at(1);
    await writeDrainBatches(database.db, [old]);
    await writeDrainBatches(database.db, [recent, newest]);

    const health = (await getIngestHealth({ db: database.db, now: at(0) })).get(target.appId);
    expect(health).toMatchObject({
      path: "drain",
      lines: 9,
      // 6 lines in the last 15 minutes; the one 20 minutes ago only counts in the total
      linesPerMinute: 6 / 15,
      lastSessionLines: null,
      duplicates: 0,
    });
  });
});
