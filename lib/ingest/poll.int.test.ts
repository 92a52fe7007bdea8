import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { discoverApps } from "@/lib/apps/discover";
import { queryRows } from "@/lib/db/execute";
import { apps, logEvents, logSources } from "@/lib/db/schema";
import { HerokuClient } from "@/lib/heroku/client";
import { readLogSession } from "@/lib/heroku/log-session";
import { type RunningSimulator, startSimulator } from "@/lib/heroku/simulator";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { testCtx } from "@/lib/testing/factories";
import { classifyLines } from "./classify";
import { pollLogSources } from "./poll";

let database: TestDatabase;
let sim: RunningSimulator;
let client: HerokuClient;
beforeAll(async () => {
  [database, sim] = await Promise.all([
    createTestDatabase(),
    startSimulator({ clock: "manual", seed: 9 }),
  ]);
  client = new HerokuClient({ apiKey: sim.apiKey, baseUrl: sim.url, sleep: async () => {} });
  await discoverApps({ ctx: testCtx(database.db), input: { client, apiUrl: sim.url, demo: true } });
});
afterAll(async () => {
  await Promise.all([database.close(), sim.close()]);
});

const options = () => ({ client, owner: "test", tailSeconds: 1, intervalSeconds: 60 });

async function history(app: string, source: "heroku" | "app"): Promise<string[]> {
  const session = await client.createLogSession(app, { source, lines: 1500, tail: false });
  const lines: string[] = [];
  await readLogSession(session.logplex_url, { onLine: (l) => lines.push(l) });
  return lines;
}

describe("pollLogSources", () => {
  it("reads every app's heroku and app sources, then re-reads overlapping replays without counting twice", async () => {
    const ctx = testCtx(database.db);
    const first = await pollLogSources({ ctx, options: options() });
    expect(first).toMatchObject({ processed: 6, failed: 0 });
    await sim.advance(40);
    await database.db.update(logSources).set({ nextPollAt: new Date(0) });
    // the tail of the second run sees the lines produced while it is open
    const second = pollLogSources({ ctx, options: options() });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await sim.advance(20);
    expect(await second).toMatchObject({ processed: 6, failed: 0 });

    const [shop] = await database.db.select().from(apps).where(eq(apps.name, "shop-prod"));
    const appId = shop?.id ?? "";
    const sources = await database.db.select().from(logSources).where(eq(logSources.appId, appId));
    const heroku = sources.find((s) => s.source === "heroku");
    expect(heroku?.duplicates).toBeGreaterThan(0);
    expect(heroku?.lastError).toBeNull();
    expect(heroku?.lastSuccessAt).not.toBeNull();

    const herokuLines = await history("shop-prod", "heroku");
    const appLines = await history("shop-prod", "app");
    expect(herokuLines.length).toBeLessThan(1500); // the whole history is in view
    const expected = classifyLines({ appId, lines: [...herokuLines, ...appLines] });
    const [stats] = await queryRows<{ n: number }>(
      database.db,
      sql`select coalesce(sum(requests), 0)::int as n from request_stats where app_id = ${appId}`,
    );
    const expectedRequests = expected.requests.reduce((sum, r) => sum + r.requests, 0);
    expect(stats?.n).toBe(expectedRequests);
    expect(expectedRequests).toBeGreaterThan(100);
    const stored = await database.db
      .select({ f: logEvents.fingerprint })
      .from(logEvents)
      .where(eq(logEvents.appId, appId));
    expect(new Set(stored.map((e) => e.f))).toEqual(
      new Set(expected.events.map((e) => e.fingerprint)),
    );
    process.stdout.write(
      `poll: ${herokuLines.length + appLines.length} lines in view, ${stats?.n} router lines counted once, ${heroku?.duplicates} replayed lines skipped\n`,
    );
  });

  it("stops polling an app once it has a drain", async () => {
    const [staging] = await database.db.select().from(apps).where(eq(apps.name, "shop-staging"));
    await database.db.execute(
      sql`insert into drains (app_id, token_hash) values (${staging?.id}, 'x')`,
    );
    await database.db.update(logSources).set({ nextPollAt: new Date(0) });
    const result = await pollLogSources({ ctx: testCtx(database.db), options: options() });
    expect(result.processed).toBe(4);
  });

  it("records a refused key on each source and keeps going", async () => {
    const bad = new HerokuClient({
      apiKey: "wrong-key-000000",
      baseUrl: sim.url,
      sleep: async () => {},
    });
    await database.db.update(logSources).set({ nextPollAt: new Date(0) });
    const result = await pollLogSources({
      ctx: testCtx(database.db),
      options: { ...options(), client: bad },
    });
    expect(result).toMatchObject({ processed: 0, failed: 4 });
    const sources = await database.db.select().from(logSources).where(eq(logSources.enabled, true));
    expect(sources.every((s) => s.lastError?.startsWith("The Heroku API key was refused"))).toBe(
      true,
    );
  });
});
