// Rules → incidents → outbox → Resend, and restarts against the simulator, on the real database
// (PGlite or Postgres) with each shared cache. Nothing of ours is mocked: the Heroku side is the
// simulator, the email side a local server speaking Resend's API to the real SDK.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemoryCache } from "@/lib/cache/memory";
import { createPostgresCache } from "@/lib/cache/postgres";
import { createRedisCache } from "@/lib/cache/redis";
import type { Cache } from "@/lib/cache/types";
import { createUpstashCache } from "@/lib/cache/upstash";
import { manualClock } from "@/lib/clock";
import { getConfig } from "@/lib/config";
import type { Ctx } from "@/lib/context";
import {
  actions,
  checks,
  incidentEvents,
  incidents,
  jobs,
  notifications,
  type Rule,
} from "@/lib/db/schema";
import type { HerokuClient } from "@/lib/heroku/client";
import { createResendSender } from "@/lib/notify/channels/email-resend";
import { deliverOutbox } from "@/lib/notify/outbox";
import { requestRestart } from "@/lib/remediation";
import type { TestDatabase } from "@/lib/testing/db";
import {
  type EvaluateWorld,
  RESEND_TEST_KEY,
  evaluateSettings as settings,
  startEvaluateWorld,
} from "@/lib/testing/evaluate-world";
import { uniqueSuffix } from "@/lib/testing/factories";
import type { ResendServer } from "@/lib/testing/resend-server";
import { serviceUrl } from "@/lib/testing/services";
import { startUpstashServer, type UpstashServer } from "@/lib/testing/upstash-server";
import { evaluateRules } from "./evaluate";

let world: EvaluateWorld;
let database: TestDatabase;
let client: HerokuClient;
let resend: ResendServer;
let upstash: UpstashServer | undefined;
let appId: string;

const START = new Date("2026-11-24T12:00:00Z");

const redisUrl = serviceUrl("redis") ?? "redis://127.0.0.1:6379";

beforeAll(async () => {
  world = await startEvaluateWorld({ start: START });
  ({ database, client, resend, appId } = world);
  try {
    upstash = await startUpstashServer({ redisUrl });
  } catch {
    upstash = undefined;
  }
});

afterAll(async () => {
  await Promise.all([world.close(), upstash?.close()]);
});

function ctxWith(cache: Cache, clock = manualClock(START)): Ctx {
  return world.ctxWith(cache, clock);
}

const storeR14 = (dyno: string, now: Date, secondsAgo: number[]) =>
  world.storeR14(dyno, now, secondsAgo);
const createRule = (values: Partial<Rule> = {}) => world.createRule(values);
const cleanUp = (rule: Rule) => world.cleanUp(rule);

describe("evaluateRules", () => {
  it("opens one incident for an R14 burst, queues one email, restarts the dyno once, and resolves with a notice", async () => {
    const clock = manualClock(new Date(START.getTime() + 3600_000));
    const ctx = ctxWith(createMemoryCache(clock), clock);
    const rule = await createRule();
    const now = clock.now();
    await storeR14("web.2", now, [10, 40, 70, 100]);

    const nextWeek = new Date(now.getTime() + 7 * 86_400_000);
    await database.db
      .insert(jobs)
      .values({ name: "discover", nextRunAt: nextWeek })
      .onConflictDoUpdate({ target: jobs.name, set: { nextRunAt: nextWeek } });

    const first = await evaluateRules(ctx, { restarter: client, settings });
    expect(first).toMatchObject({ opened: 1, notices: 1, restarts: 1, failed: 0 });
    // the restarted dyno's state is synced at the next tick, not at discovery's interval
    const [discover] = await database.db.select().from(jobs).where(eq(jobs.name, "discover"));
    expect(discover?.nextRunAt).toEqual(now);
    const [incident] = await database.db
      .select()
      .from(incidents)
      .where(eq(incidents.ruleId, rule.id));
    expect(incident).toMatchObject({
      state: "firing",
      dyno: "web.2",
      code: "R14",
      restarts: 1,
      notificationsSent: 1,
    });
    const queued = await database.db
      .select()
      .from(notifications)
      .where(eq(notifications.incidentId, incident?.id ?? ""));
    expect(queued).toHaveLength(1);
    expect(queued[0]?.subject).toBe("[Dyno Monitor] R14 on shop-prod web.2 (4 in 300 s)");
    expect(queued[0]?.recipients).toEqual(["oncall@example.com"]);
    const restarts = await database.db
      .select()
      .from(actions)
      .where(eq(actions.incidentId, incident?.id ?? ""));
    expect(restarts).toMatchObject([
      { status: "performed", target: "web.2", kind: "restart_dyno" },
    ]);
    expect(restarts[0]?.before?.r14).toBe(4);

    // a minute later it still breaches: no new notice (repeat interval), no second restart
    clock.advance(60_000);
    const second = await evaluateRules(ctx, { restarter: client, settings });
    expect(second).toMatchObject({ opened: 0, notices: 0, restarts: 0 });

    // delivery: the real Resend SDK against the local Resend server, idempotency key included
    const sender = createResendSender({
      apiKey: RESEND_TEST_KEY,
      from: "Dyno Monitor <alerts@example.com>",
      baseUrl: resend.url,
    });
    const delivered = await deliverOutbox(ctx, { email: { sender } });
    expect(delivered).toMatchObject({ sent: 1, failed: 0 });
    expect(resend.received.map((m) => m.body.subject)).toContain(queued[0]?.subject);

    // six minutes on, the R14s have left the window: resolved, with a resolved notice
    clock.advance(6 * 60_000);
    const third = await evaluateRules(ctx, { restarter: client, settings });
    expect(third).toMatchObject({ resolved: 1, notices: 1 });
    const [resolved] = await database.db
      .select()
      .from(incidents)
      .where(eq(incidents.id, incident?.id ?? ""));
    expect(resolved?.state).toBe("resolved");
    const all = await database.db
      .select()
      .from(notifications)
      .where(eq(notifications.incidentId, incident?.id ?? ""));
    expect(all.map((n) => n.type).sort()).toEqual(["firing", "resolved"]);
    const timeline = await database.db
      .select()
      .from(incidentEvents)
      .where(eq(incidentEvents.incidentId, incident?.id ?? ""));
    expect(timeline.map((e) => e.kind)).toEqual(
      expect.arrayContaining(["opened", "notified", "action", "resolved"]),
    );
    await cleanUp(rule);
  });

  it("keeps a breach pending for the rule's forSeconds, silently, then fires", async () => {
    const clock = manualClock(new Date(START.getTime() + 1.5 * 3600_000));
    const ctx = ctxWith(createMemoryCache(clock), clock);
    const rule = await createRule({
      action: "none",
      dyno: "web.1",
      params: { code: "R14", leastCount: 2, windowSeconds: 600, forSeconds: 120 },
    });
    await storeR14("web.1", clock.now(), [20, 30]);
    expect(await evaluateRules(ctx, { restarter: client, settings })).toMatchObject({
      opened: 1,
      notices: 0,
    });
    const [pending] = await database.db
      .select()
      .from(incidents)
      .where(eq(incidents.ruleId, rule.id));
    expect(pending?.state).toBe("pending");
    clock.advance(121_000);
    expect(await evaluateRules(ctx, { restarter: client, settings })).toMatchObject({ notices: 1 });
    const [firing] = await database.db
      .select()
      .from(incidents)
      .where(eq(incidents.ruleId, rule.id));
    expect(firing).toMatchObject({ state: "firing", id: pending?.id });
    await cleanUp(rule);
  });

  it("opens an incident when a status check fails N times in a row, and resolves when it passes", async () => {
    const clock = manualClock(new Date(START.getTime() + 1.7 * 3600_000));
    const ctx = ctxWith(createMemoryCache(clock), clock);
    const [check] = await database.db
      .insert(checks)
      .values({
        name: `queue-${uniqueSuffix()}`,
        kind: "redis",
        intervalSeconds: 60,
        timeoutMs: 2000,
        config: {},
        consecutiveFailures: 3,
        lastStatus: "down",
      })
      .returning();
    const rule = await createRule({
      kind: "check_failing",
      appId: null,
      dynoType: null,
      action: "none",
      params: { checkId: check?.id, failures: 3, forSeconds: 0 },
    });
    expect(await evaluateRules(ctx, { restarter: client, settings })).toMatchObject({
      opened: 1,
      notices: 1,
    });
    const [open] = await database.db.select().from(incidents).where(eq(incidents.ruleId, rule.id));
    expect(open).toMatchObject({ state: "firing", appId: null, appName: `check ${check?.name}` });
    await database.db
      .update(checks)
      .set({ consecutiveFailures: 0, lastStatus: "up" })
      .where(eq(checks.id, check?.id ?? ""));
    clock.advance(60_000);
    expect(await evaluateRules(ctx, { restarter: client, settings })).toMatchObject({
      resolved: 1,
    });
    await cleanUp(rule);
  });

  it("holds emails in the outbox without a provider, readable, with the reason", async () => {
    const clock = manualClock(new Date(START.getTime() + 2 * 3600_000));
    const ctx = ctxWith(createMemoryCache(clock), clock);
    const rule = await createRule({ action: "none", dynoType: "web", recipients: ["a@b.co"] });
    await storeR14("web.1", clock.now(), [5, 6, 7]);
    await evaluateRules(ctx, { restarter: client, settings });
    const summary = await deliverOutbox(ctx, { email: null });
    expect(summary.held).toBeGreaterThanOrEqual(1);
    const [held] = await database.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.status, "held")));
    expect(held?.lastError).toMatch(/RESEND_API_KEY is not set/);
    expect(String((held?.body as { html?: string } | undefined)?.html)).toContain("R14");
    await cleanUp(rule);
  });
});

describe("two evaluators at once on the same breach", () => {
  const caches: [string, (clock: ReturnType<typeof manualClock>) => Cache | null][] = [
    ["postgres", (clock) => createPostgresCache(database.db, clock)],
    [
      "upstash",
      () =>
        upstash
          ? createUpstashCache({
              url: upstash.url,
              token: upstash.token,
              keyPrefix: `dm-test:${uniqueSuffix()}:`,
            })
          : null,
    ],
    ["redis", () => createRedisCache({ url: redisUrl, keyPrefix: `dm-test:${uniqueSuffix()}:` })],
  ];

  it.each(caches)("send one email and restart once (%s cache)", async (_, make) => {
    const base = new Date(START.getTime() + (3 + caches.findIndex(([n]) => n === _)) * 3600_000);
    const clock = manualClock(base);
    const cache = make(clock);
    if (!cache) {
      if (getConfig().isCi) throw new Error("Redis is needed for this test on CI");
      return;
    }
    // shop-prod runs web.1 and web.2
    const dyno = `web.${1 + (caches.findIndex(([n]) => n === _) % 2)}`;
    const rule = await createRule({ dyno, dynoType: "web" });
    await storeR14(dyno, base, [3, 4, 5, 6]);
    // two instances: same database and cache, each its own context
    const [a, b] = await Promise.all([
      evaluateRules(ctxWith(cache, clock), { restarter: client, settings }),
      evaluateRules(ctxWith(cache, clock), { restarter: client, settings }),
    ]);
    expect(a.opened + b.opened).toBe(1);
    expect(a.restarts + b.restarts).toBe(1);
    const opened = await database.db.select().from(incidents).where(eq(incidents.ruleId, rule.id));
    expect(opened).toHaveLength(1);
    const emails = await database.db
      .select()
      .from(notifications)
      .where(eq(notifications.incidentId, opened[0]?.id ?? ""));
    expect(emails).toHaveLength(1);
    const performed = await database.db
      .select()
      .from(actions)
      .where(and(eq(actions.ruleId, rule.id), eq(actions.status, "performed")));
    expect(performed).toHaveLength(1);

    // the cooling period itself: two restart requests racing for one target, one wins
    const request = {
      kind: "restart_dyno_type" as const,
      appId,
      appName: "shop-prod",
      dynoType: "web",
      dyno: null,
      incidentId: null,
      ruleId: null,
      ruleKind: null,
      code: null,
      threshold: null,
      dryRun: false,
      coolingSeconds: 300,
      maxPerHour: 3,
    };
    const raced = await Promise.all([
      requestRestart(ctxWith(cache, clock), client, request),
      requestRestart(ctxWith(cache, clock), client, request),
    ]);
    expect(raced.map((r) => r.status).sort()).toEqual(["performed", "skipped_cooling"]);
    if ("close" in cache && typeof cache.close === "function") await cache.close();
    await cleanUp(rule);
  });

  it("stops restarting past the loop guard and says so", async () => {
    const base = new Date(START.getTime() + 8 * 3600_000);
    const clock = manualClock(base);
    const ctx = ctxWith(createMemoryCache(clock), clock);
    const request = {
      kind: "restart_dyno" as const,
      appId,
      appName: "shop-prod",
      dynoType: "web",
      dyno: "web.1",
      incidentId: null,
      ruleId: null,
      ruleKind: null,
      code: null,
      threshold: null,
      dryRun: false,
      coolingSeconds: 60,
      maxPerHour: 2,
    };
    const statuses: string[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await requestRestart(ctx, client, request)).status);
      clock.advance(61_000);
    }
    expect(statuses).toEqual([
      "performed",
      "performed",
      "skipped_loop_guard",
      "skipped_loop_guard",
    ]);
    const dry = await requestRestart(ctx, client, { ...request, dryRun: true });
    expect(dry.status).toBe("skipped_dry_run");
  });
});
