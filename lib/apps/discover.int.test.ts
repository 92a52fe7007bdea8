import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apps, dynos, formations, herokuAccounts } from "@/lib/db/schema";
import { HerokuClient } from "@/lib/heroku/client";
import { type RunningSimulator, startSimulator } from "@/lib/heroku/simulator";
import type { JobProgress } from "@/lib/jobs/types";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { testCtx } from "@/lib/testing/factories";
import { discoverApps } from "./discover";

let database: TestDatabase;
let sim: RunningSimulator;
beforeAll(async () => {
  [database, sim] = await Promise.all([
    createTestDatabase(),
    startSimulator({ apps: 100, clock: "manual", seed: 11 }),
  ]);
});
afterAll(async () => {
  await Promise.all([database.close(), sim.close()]);
});

const clientFor = (apiKey = sim.apiKey) =>
  new HerokuClient({ apiKey, baseUrl: sim.url, sleep: async () => {} });

describe("discoverApps", () => {
  it("syncs a 100-app account within the API budget, reporting progress", async () => {
    const client = clientFor();
    const progress: JobProgress[] = [];
    const summary = await discoverApps({
      ctx: testCtx(database.db),
      input: {
        client,
        apiUrl: sim.url,
        demo: true,
        reportProgress: async (p) => void progress.push(p),
      },
    });
    process.stdout.write(`discovery of ${summary.apps} apps made ${summary.apiCalls} API calls\n`);
    expect(summary).toMatchObject({ apps: 100, processed: 100, failed: 0, skipped: 0 });
    // account + one apps page + formation, dynos and the runtime-metrics feature per app
    expect(summary.apiCalls).toBe(2 + 3 * 100);
    expect(summary.apiCalls).toBeLessThan(
      client.budget.policy.pool - client.budget.policy.discoverReserve,
    );
    expect(progress[0]).toMatchObject({ done: 0, total: 100 });
    expect(progress.at(-1)).toMatchObject({ done: 100, total: 100, label: "100 of 100 apps" });
    expect(progress.map((p) => p.done)).toEqual(
      [...progress.map((p) => p.done)].sort((a, b) => a - b),
    );

    const stored = await database.db.select().from(apps);
    expect(stored.filter((a) => a.status === "active")).toHaveLength(100);
    const [account] = await database.db
      .select()
      .from(herokuAccounts)
      .where(eq(herokuAccounts.apiUrl, sim.url));
    expect(account).toMatchObject({ lastError: null, demo: true });
    expect(account?.email).toMatch(/@/);
    expect(account?.rateRemaining).toBeLessThan(4500);
  });

  it("stores the demo app's dyno types with sizes and quotas, and its dynos", async () => {
    const [shop] = await database.db.select().from(apps).where(eq(apps.name, "shop-prod"));
    expect(shop?.runtimeMetrics).toBe(true);
    const types = await database.db
      .select()
      .from(formations)
      .where(eq(formations.appId, shop?.id ?? ""));
    const web = types.find((t) => t.type === "web");
    const worker = types.find((t) => t.type === "worker");
    expect(web).toMatchObject({ quantity: 2, memoryQuotaMb: 512 });
    expect(worker).toMatchObject({ quantity: 1, memoryQuotaMb: 1024 });
    const dynoRows = await database.db
      .select()
      .from(dynos)
      .where(eq(dynos.appId, shop?.id ?? ""));
    expect(dynoRows.map((d) => d.name).sort()).toEqual(["web.1", "web.2", "worker.1"]);
  });

  it("follows a restart (new dyno id) and marks an app that left the account as gone, keeping it", async () => {
    const [shop] = await database.db.select().from(apps).where(eq(apps.name, "shop-prod"));
    const [before] = await database.db.select().from(dynos).where(eq(dynos.name, "web.1"));
    const client = clientFor();
    await client.restartDyno("shop-prod", "web.1");
    await sim.advance(15);
    const now = new Date();
    const [ghost] = await database.db
      .insert(apps)
      .values({
        herokuId: "00000000-dead-4000-8000-000000000000",
        name: "deleted-app",
        firstSeenAt: now,
        lastSyncedAt: now,
      })
      .returning();
    await discoverApps({
      ctx: testCtx(database.db),
      input: { client, apiUrl: sim.url, demo: true },
    });
    const [after] = await database.db
      .select()
      .from(dynos)
      .where(eq(dynos.appId, shop?.id ?? ""))
      .then((rows) => rows.filter((d) => d.name === "web.1"));
    expect(after?.herokuId).not.toBe(before?.herokuId);
    const [gone] = await database.db
      .select()
      .from(apps)
      .where(eq(apps.id, ghost?.id ?? ""));
    expect(gone).toMatchObject({ status: "gone", name: "deleted-app" });
    expect(gone?.goneAt).not.toBeNull();
  });

  it("fails with one clear sentence when the key is refused, and records it for Settings", async () => {
    const fresh = await createTestDatabase();
    try {
      const error = await discoverApps({
        ctx: testCtx(fresh.db),
        input: { client: clientFor("wrong-key-123456"), apiUrl: sim.url, demo: false },
      }).catch((e: unknown) => e);
      expect((error as Error).message).toMatch(/^The Heroku API key was refused/);
      const [account] = await fresh.db.select().from(herokuAccounts);
      expect(account).toMatchObject({ lastErrorId: "unauthorized" });
      expect(await fresh.db.select().from(apps)).toHaveLength(0);
    } finally {
      await fresh.close();
    }
  });
});
