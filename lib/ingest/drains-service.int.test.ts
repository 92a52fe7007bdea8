// Demo drains against two simulator lives: the simulator starts empty on every boot while our
// database keeps its drain rows, so the drains must be added again, and the logs must flow.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { discoverApps } from "@/lib/apps/discover";
import { drains } from "@/lib/db/schema";
import { HerokuClient } from "@/lib/heroku/client";
import { startSimulator } from "@/lib/heroku/simulator";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { testCtx } from "@/lib/testing/factories";
import { ensureDemoDrains } from "./drains-service";

const APP_URL = "http://127.0.0.1:9/console";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});

async function boot() {
  const sim = await startSimulator({ clock: "manual", seed: 11 });
  const client = new HerokuClient({ apiKey: sim.apiKey, baseUrl: sim.url, sleep: async () => {} });
  const ctx = testCtx(database.db);
  await discoverApps({ ctx, input: { client, apiUrl: sim.url, demo: true } });
  return { sim, client, ctx };
}

describe("ensureDemoDrains", () => {
  it("adds a drain per demo app, keeps them while the simulator has them, and adds them again after a reboot", async () => {
    const first = await boot();
    try {
      const added = await ensureDemoDrains({ ...first, appUrl: APP_URL });
      expect(added).toBeGreaterThan(0);
      const rows = await database.db.select().from(drains);
      expect(rows).toHaveLength(added);
      for (const row of rows) {
        expect(row.herokuDrainId).toBeTruthy();
      }
      // the same simulator: nothing to do
      expect(await ensureDemoDrains({ ...first, appUrl: APP_URL })).toBe(0);
    } finally {
      await first.sim.close();
    }

    // a new boot: an empty simulator, the same database
    const second = await boot();
    try {
      const before = await database.db.select().from(drains);
      const added = await ensureDemoDrains({ ...second, appUrl: APP_URL });
      expect(added).toBe(before.length);
      for (const row of before) {
        const [now] = await database.db.select().from(drains).where(eq(drains.id, row.id));
        // the same row with a new token; the old one only lives out its grace period
        expect(now?.tokenHash).not.toBe(row.tokenHash);
        expect(now?.previousTokenHash).toBe(row.tokenHash);
      }
      const apps = await second.client.listApps();
      for (const app of apps) {
        const onHeroku = await second.client.listLogDrains(app.name);
        // the secret travels as URL credentials, which Heroku no longer shows
        expect(onHeroku.map((d) => d.url)).toEqual([
          expect.stringMatching(
            /^http:\/\/drain:\*\*\*@127\.0\.0\.1:9\/console\/api\/drains\/[0-9a-f-]{36}$/,
          ),
        ]);
      }
      expect(await ensureDemoDrains({ ...second, appUrl: APP_URL })).toBe(0);
    } finally {
      await second.sim.close();
    }
  });
});
