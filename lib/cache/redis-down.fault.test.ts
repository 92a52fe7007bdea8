// Fault suite: Redis unreachable while evaluators see a breach. Each evaluator is one console
// instance with the cache production opens (openCache on REDIS_URL), its Redis being the machine's
// real Redis behind a TCP proxy the test cuts (the Redis itself is never touched); the database is
// a fresh one, the Heroku side the simulator, email the local Resend server through the real SDK.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manualClock } from "@/lib/clock";
import { actions, incidents, notifications, type Rule } from "@/lib/db/schema";
import { evaluateRules } from "@/lib/incidents/evaluate";
import { createResendSender } from "@/lib/notify/channels/email-resend";
import { deliverOutbox } from "@/lib/notify/outbox";
import { coolingKey, type RestartKind } from "@/lib/remediation";
import {
  type EvaluateWorld,
  evaluateSettings,
  RESEND_TEST_KEY,
  startEvaluateWorld,
} from "@/lib/testing/evaluate-world";
import { uniqueSuffix } from "@/lib/testing/factories";
import { localRedis } from "@/lib/testing/services";
import { startTcpProxy, type TcpProxy } from "@/lib/testing/tcp-proxy";
import { openCache } from "./index";
import { createPostgresCache } from "./postgres";
import type { Cache } from "./types";

const START = new Date("2026-11-24T12:00:00Z");
const HOUR = 3600_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const { url: redisUrl, up: redisUp, side } = await localRedis("Redis fault scenarios");
const prefix = `dm-fault:${process.pid}-${uniqueSuffix()}:`;

type Instance = Cache & { close?: () => Promise<void>; active?: () => string };

describe.runIf(redisUp)("Redis unreachable while evaluators see a breach", () => {
  let world: EvaluateWorld;
  let proxy: TcpProxy;
  /** Restart requests that reached the simulator, with its answer. */
  const restarts: { path: string; status: number }[] = [];
  const opened: Instance[] = [];

  beforeAll(async () => {
    const target = new URL(redisUrl);
    [world, proxy] = await Promise.all([
      startEvaluateWorld({
        start: START,
        heroku: {
          fetch: async (input, init) => {
            const response = await fetch(input, init);
            if (init?.method === "DELETE") {
              restarts.push({ path: new URL(String(input)).pathname, status: response.status });
            }
            return response;
          },
        },
      }),
      startTcpProxy({ host: target.hostname, port: Number(target.port || 6379) }),
    ]);
  });
  afterAll(async () => {
    await Promise.all(opened.map((cache) => cache.close?.()));
    await proxy?.close();
    const keys = await side.keys(`${prefix}*`);
    if (keys.length > 0) await side.del(...keys);
    await side.quit();
    await world?.close();
  });

  /** One console instance's cache, as production opens it for REDIS_URL (here: the proxy). */
  function instance(): Instance {
    const url = new URL(redisUrl);
    url.hostname = "127.0.0.1";
    url.port = String(proxy.port);
    const cache: Instance = openCache({ kind: "redis", url: url.toString() }, world.database.db, {
      keyPrefix: prefix,
    });
    opened.push(cache);
    return cache;
  }

  /** Two instances evaluate at once; returns what each did. */
  async function evaluateTwice(caches: [Cache, Cache], at: Date) {
    const clock = manualClock(at);
    const deps = { restarter: world.client, settings: evaluateSettings };
    const run = (cache: Cache) => evaluateRules(world.ctxWith(cache, clock), deps);
    return Promise.all([run(caches[0]), run(caches[1])]);
  }

  /** Sends the outbox through the real SDK to the local Resend server; emails it took for `rule`. */
  async function emailsFor(rule: Rule, at: Date) {
    const sender = createResendSender({
      apiKey: RESEND_TEST_KEY,
      from: "Dyno Monitor <alerts@example.com>",
      baseUrl: world.resend.url,
    });
    await deliverOutbox(world.ctxWith(instance(), manualClock(at)), { email: { sender } });
    const ids = (
      await world.database.db.select().from(incidents).where(eq(incidents.ruleId, rule.id))
    ).map((i) => i.id);
    const queued = await world.database.db.select().from(notifications);
    const mine = queued.filter((n) => n.incidentId && ids.includes(n.incidentId));
    const keys = new Set(mine.map((n) => n.idempotencyKey));
    const received = world.resend.received.filter((m) => keys.has(m.idempotencyKey ?? ""));
    return { queued: mine, received };
  }

  async function outcomes(rule: Rule) {
    const rows = await world.database.db.select().from(actions).where(eq(actions.ruleId, rule.id));
    return rows.map((row) => row.status);
  }

  const restartsOf = (path: string) =>
    restarts.filter((r) => r.path === path && r.status === 202).length;

  const heldInPostgres = (kind: RestartKind, target: string) =>
    createPostgresCache(world.database.db).get(coolingKey(world.appId, kind, target));

  function report(task: { meta: object }, line: string) {
    (task.meta as { fault?: string }).fault = line;
    process.stdout.write(`${line}\n`);
  }

  it("redis-down-two-evaluators: still one email and one restart", async ({ task }) => {
    const at = new Date(START.getTime() + HOUR);
    const rule = await world.createRule({ dyno: "web.2" });
    await world.storeR14("web.2", at, [3, 4, 5, 6]);
    await proxy.cut();
    try {
      const caches: [Instance, Instance] = [instance(), instance()];
      const [a, b] = await evaluateTwice(caches, at);
      // a minute on, both look again: the incident holds, nothing is repeated
      const [c, d] = await evaluateTwice(caches, new Date(at.getTime() + 60_000));
      const { queued, received } = await emailsFor(rule, new Date(at.getTime() + 60_000));
      const restarted = restartsOf(`/apps/shop-prod/dynos/web.2`);
      // only the evaluator whose incident landed touched the cache
      const fallback = caches.some((cache) => cache.active?.() === "fallback")
        ? "postgres"
        : "redis";
      report(
        task,
        `FAULT redis-down-two-evaluators emails=${received.length} restarts=${restarted} fallback=${fallback} failed=${a.failed + b.failed + c.failed + d.failed}`,
      );
      expect(a.opened + b.opened).toBe(1);
      expect(a.failed + b.failed + c.failed + d.failed).toBe(0);
      expect(queued).toHaveLength(1);
      expect(received).toHaveLength(1);
      expect(await outcomes(rule)).toEqual(["performed"]);
      expect(restarted).toBe(1);
      expect(fallback).toBe("postgres");
      expect(await heldInPostgres("restart_dyno", "web.2")).not.toBeNull();
    } finally {
      await proxy.resume();
      await world.cleanUp(rule);
    }
  });

  it("redis-cut-after-restart: the cooling period set on Redis holds while it is away", async ({
    task,
  }) => {
    const at = new Date(START.getTime() + 2 * HOUR);
    const caches: [Instance, Instance] = [instance(), instance()];
    const first = await world.createRule({ dyno: "web.1" });
    await world.storeR14("web.1", at, [3, 4, 5, 6]);
    await evaluateTwice(caches, at);
    await world.cleanUp(first);
    const key = coolingKey(world.appId, "restart_dyno", "web.1");
    expect(await side.get(`${prefix}${key}`)).not.toBeNull();
    expect(await heldInPostgres("restart_dyno", "web.1")).not.toBeNull();

    await proxy.cut();
    let second: Rule | undefined;
    try {
      // another rule on the same dyno breaches a minute later, with Redis gone
      const later = new Date(at.getTime() + 60_000);
      second = await world.createRule({ dyno: "web.1" });
      const [a, b] = await evaluateTwice(caches, later);
      const emails = (await emailsFor(first, later)).received.length;
      const secondEmails = (await emailsFor(second, later)).received.length;
      const restarted = restartsOf(`/apps/shop-prod/dynos/web.1`);
      const statuses = [...(await outcomes(first)), ...(await outcomes(second))];
      report(
        task,
        `FAULT redis-cut-after-restart emails=${emails + secondEmails} restarts=${restarted} second=${statuses[1]} failed=${a.failed + b.failed}`,
      );
      expect(emails + secondEmails).toBe(2);
      expect(restarted).toBe(1);
      expect(statuses).toEqual(["performed", "skipped_cooling"]);
    } finally {
      await proxy.resume();
      if (second) await world.cleanUp(second);
    }
  });

  it("redis-back-after-outage: a cooling period set on Postgres during the outage still holds", async ({
    task,
  }) => {
    const at = new Date(START.getTime() + 3 * HOUR);
    const caches: [Instance, Instance] = [instance(), instance()];
    const type = { dynoType: "web", dyno: null, action: "restart_dyno_type" as const };
    await proxy.cut();
    const first = await world.createRule(type);
    try {
      await world.storeR14("web.1", at, [3, 4, 5, 6]);
      await evaluateTwice(caches, at);
    } finally {
      await proxy.resume();
      await world.cleanUp(first);
    }
    // both instances find Redis again (their probes run every few seconds)
    for (let i = 0; i < 120 && !caches.every((c) => c.active?.() === "primary"); i++) {
      await Promise.all(caches.map((cache) => cache.get("wake")));
      await sleep(250);
    }
    const back = caches.every((c) => c.active?.() === "primary");
    const later = new Date(at.getTime() + 60_000);
    const second = await world.createRule(type);
    try {
      const [a, b] = await evaluateTwice(caches, later);
      const restarted = restartsOf(`/apps/shop-prod/formations/web`);
      const statuses = [...(await outcomes(first)), ...(await outcomes(second))];
      const onRedis = await side.get(
        `${prefix}${coolingKey(world.appId, "restart_dyno_type", "web")}`,
      );
      report(
        task,
        `FAULT redis-back-after-outage restarts=${restarted} second=${statuses[1]} redis=${back ? "back" : "away"} failed=${a.failed + b.failed}`,
      );
      expect(back).toBe(true);
      expect(restarted).toBe(1);
      expect(statuses).toEqual(["performed", "skipped_cooling"]);
      expect(onRedis).toBeNull();
    } finally {
      await world.cleanUp(second);
    }
  });
});
