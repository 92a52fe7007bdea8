import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apps } from "@/lib/db/schema";
import { storeLines } from "@/lib/ingest/store";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { uniqueSuffix } from "@/lib/testing/factories";
import { backtestRule } from "./backtest";
import { type RuleInput, ruleInputSchema } from "./schema";

let database: TestDatabase;
let appName: string;
let appId: string;
const now = new Date("2026-11-24T12:00:00Z");
const settings = { repeatIntervalSeconds: 300, coolingSeconds: 300, maxRestartsPerHour: 3 };

beforeAll(async () => {
  database = await createTestDatabase();
  appName = `app-${uniqueSuffix()}`;
  const [row] = await database.db
    .insert(apps)
    .values({ herokuId: `h-${uniqueSuffix()}`, name: appName, firstSeenAt: now, lastSyncedAt: now })
    .returning({ id: apps.id });
  appId = row?.id ?? "";
});
afterAll(async () => {
  await database.close();
});

const iso = (ms: number) => new Date(ms).toISOString().replace("Z", "000+00:00");
const r14 = (ms: number, dyno: string) =>
  `${iso(ms)} heroku[${dyno}]: Error R14 (Memory quota exceeded)`;
const memory = (ms: number, dyno: string, rss: number) =>
  `${iso(ms)} heroku[${dyno}]: source=${dyno} dyno=heroku.1.a sample#memory_total=${rss}MB sample#memory_rss=${rss}MB sample#memory_cache=0MB sample#memory_swap=0MB sample#memory_pgpgin=1pages sample#memory_pgpgout=1pages sample#memory_quota=512.00MB`;

const rule = (values: Record<string, unknown>): RuleInput =>
  ruleInputSchema.parse({ name: "r", app: appName, dynoType: "web", ...values });

describe("backtestRule", () => {
  it("counts the incidents and restarts an R14 rule would have produced", async () => {
    const hour = 3600_000;
    const bursts = [now.getTime() - 10 * hour, now.getTime() - 3 * hour];
    const lines = bursts.flatMap((start) =>
      [0, 20, 40, 60].map((s) => r14(start + s * 1000, "web.2")),
    );
    // two R14s alone an hour ago: under the least count
    lines.push(r14(now.getTime() - hour, "web.1"), r14(now.getTime() - hour + 500_000, "web.1"));
    await storeLines(database.db, { appId, lines });

    const r14Rule = rule({
      kind: "error_code",
      params: { code: "R14", leastCount: 3, windowSeconds: 300 },
      action: "restart_dyno",
    });
    expect(await backtestRule(database.db, r14Rule, 24, now, settings)).toMatchObject({
      incidents: 2,
      restarts: 2,
      targets: 1,
      note: null,
    });
    // a longer look-back holds the same two bursts
    expect((await backtestRule(database.db, r14Rule, 168, now, settings)).incidents).toBe(2);
    const dry = await backtestRule(database.db, { ...r14Rule, dryRun: true }, 24, now, settings);
    expect(dry).toMatchObject({ incidents: 2, restarts: 0 });
    const strict = rule({
      kind: "error_code",
      params: { code: "R14", leastCount: 5, windowSeconds: 300 },
    });
    expect((await backtestRule(database.db, strict, 24, now, settings)).incidents).toBe(0);
  });

  it("replays memory samples: K consecutive samples at or above the threshold", async () => {
    const start = now.getTime() - 2 * 3600_000;
    const rss = [300, 480, 490, 500, 300, 300, 495, 300];
    await storeLines(database.db, {
      appId,
      lines: rss.map((mb, i) => memory(start + i * 20_000, "web.3", mb)),
    });
    const memoryRule = rule({ kind: "memory", dyno: "web.3", params: { percent: 90, samples: 3 } });
    expect(await backtestRule(database.db, memoryRule, 24, now, settings)).toMatchObject({
      incidents: 1,
    });
  });

  it("says why silence rules cannot be replayed", async () => {
    const silence = rule({ kind: "ingest_silence", dynoType: null, params: { minutes: 10 } });
    expect((await backtestRule(database.db, silence, 24, now, settings)).note).toMatch(
      /cannot be replayed/,
    );
  });
});
