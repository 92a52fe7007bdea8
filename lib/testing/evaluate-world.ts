// What a test of rules → incidents → outbox → restarts runs on: a fresh database with the
// simulator's apps discovered, the simulator on a manual clock, a local Resend server, and helpers
// to make a rule and its R14 lines. Shared by the incidents integration tests and the fault suite.
import { eq } from "drizzle-orm";
import { discoverApps } from "@/lib/apps/discover";
import { createMemoryCache } from "@/lib/cache/memory";
import type { Cache } from "@/lib/cache/types";
import { type Clock, manualClock } from "@/lib/clock";
import { type Ctx, systemActor } from "@/lib/context";
import { apps, type Rule, rules } from "@/lib/db/schema";
import { HerokuClient, type HerokuClientOptions } from "@/lib/heroku/client";
import { type RunningSimulator, startSimulator } from "@/lib/heroku/simulator";
import type { EvaluateSettings } from "@/lib/incidents/evaluate";
import { storeLines } from "@/lib/ingest/store";
import { createTestDatabase, type TestDatabase } from "./db";
import { createTestRule, createTestUser } from "./factories";
import { type ResendServer, startResendServer } from "./resend-server";

export const RESEND_TEST_KEY = "re_test_key_123456";

export const evaluateSettings: EvaluateSettings = {
  repeatIntervalSeconds: 300,
  maxRepeatNotifications: 10,
  dynoRestartCoolingSeconds: 300,
  appRestartCoolingSeconds: 300,
  maxRestartsPerHour: 3,
  recipients: ["oncall@example.com"],
  smsRecipients: [],
  webhookEndpoints: [],
  consoleUrl: "http://console.test",
};

export type EvaluateWorld = {
  database: TestDatabase;
  sim: RunningSimulator;
  /** The Platform API client on the simulator, without real sleeps between retries. */
  client: HerokuClient;
  resend: ResendServer;
  /** shop-prod, which runs web.1 and web.2. */
  appId: string;
  ctxWith(cache: Cache, clock?: Clock): Ctx;
  /** An R14 rule on shop-prod's web dynos that restarts the dyno; `values` override. */
  createRule(values?: Partial<Rule>): Promise<Rule>;
  /** R14 lines of `dyno`, `secondsAgo` before `now`. */
  storeR14(dyno: string, now: Date, secondsAgo: number[]): Promise<void>;
  /** Disables the rule, so later evaluations in the same database leave it alone. */
  cleanUp(rule: Rule): Promise<void>;
  close(): Promise<void>;
};

const r14 = (at: Date, dyno: string) =>
  `${at.toISOString().replace("Z", "000+00:00")} heroku[${dyno}]: Error R14 (Memory quota exceeded)`;

export async function startEvaluateWorld(options: {
  start: Date;
  /** Client options on top of the simulator's URL and key (a fetch with faults, timeouts…). */
  heroku?: Partial<HerokuClientOptions>;
}): Promise<EvaluateWorld> {
  const [database, sim, resend] = await Promise.all([
    createTestDatabase(),
    startSimulator({ clock: "manual", seed: 3, startAt: options.start }),
    startResendServer({ apiKey: RESEND_TEST_KEY }),
  ]);
  const client = new HerokuClient({
    apiKey: sim.apiKey,
    baseUrl: sim.url,
    sleep: async () => {},
    ...options.heroku,
  });
  const ctxWith = (cache: Cache, clock: Clock = manualClock(options.start)): Ctx => ({
    db: database.db,
    cache,
    clock,
    actor: systemActor("evaluate"),
  });
  await discoverApps({
    ctx: ctxWith(createMemoryCache()),
    input: { client, apiUrl: sim.url, demo: true },
  });
  const [shop] = await database.db.select().from(apps).where(eq(apps.name, "shop-prod"));
  if (!shop) throw new Error("the simulator has no shop-prod app");
  const appId = shop.id;
  await createTestUser(database.db, { role: "admin" });

  return {
    database,
    sim,
    client,
    resend,
    appId,
    ctxWith,
    createRule(values = {}) {
      return createTestRule(database.db, appId, { action: "restart_dyno", ...values });
    },
    async storeR14(dyno, now, secondsAgo) {
      await storeLines(database.db, {
        appId,
        lines: secondsAgo.map((s) => r14(new Date(now.getTime() - s * 1000), dyno)),
      });
    },
    async cleanUp(rule) {
      await database.db.update(rules).set({ enabled: false }).where(eq(rules.id, rule.id));
    },
    async close() {
      await Promise.all([database.close(), sim.close(), resend.close()]);
    },
  };
}
