// The sign-in findings of issue 12, through verifyCredentials and the address the app derives from
// request headers, on every cache kind: failed attempts slow the attacker, never the real user.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemoryCache } from "@/lib/cache/memory";
import { createPostgresCache } from "@/lib/cache/postgres";
import { createRedisCache, type RedisCache } from "@/lib/cache/redis";
import type { Cache } from "@/lib/cache/types";
import { createUpstashCache } from "@/lib/cache/upstash";
import { systemClock } from "@/lib/clock";
import type { Ctx } from "@/lib/context";
import { systemActor } from "@/lib/context";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { createTestUser, TEST_PASSWORD, uniqueSuffix } from "@/lib/testing/factories";
import { localRedis } from "@/lib/testing/services";
import { startUpstashServer, type UpstashServer } from "@/lib/testing/upstash-server";
import { clientIp } from "./config";
import { beginSignInAttempt, recordSignInFailure, recordSignInSuccess } from "./rate-limit";
import { verifyCredentials } from "./service";
import {
  CLIENT_FREE_FAILURES,
  MAX_PAIR_FAILURES,
  MAX_SIGN_IN_DELAY_MS,
  SIGN_IN_WINDOW_SECONDS,
} from "./throttle";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});

const { url: redisUrl, up: redisUp, side } = await localRedis("sign-in throttling on Redis caches");
const runPrefix = `dm-test:${process.pid}-${uniqueSuffix()}:sign-in:`;

let upstash: UpstashServer | undefined;
const redisCaches: RedisCache[] = [];
afterAll(async () => {
  await Promise.all(redisCaches.map((cache) => cache.close()));
  await upstash?.close();
  if (!redisUp) return;
  const keys: string[] = [];
  for await (const batch of side.scanStream({ match: `${runPrefix}*`, count: 500 })) {
    keys.push(...(batch as string[]));
  }
  if (keys.length > 0) await side.del(...keys);
  await side.quit();
});

type CacheKind = { kind: Cache["kind"]; runs: boolean; open: () => Promise<Cache> };
const cacheKinds: CacheKind[] = [
  { kind: "memory", runs: true, open: async () => createMemoryCache() },
  { kind: "postgres", runs: true, open: async () => createPostgresCache(database.db) },
  {
    kind: "redis",
    runs: redisUp,
    open: async () => {
      const cache = createRedisCache({
        url: redisUrl,
        keyPrefix: `${runPrefix}${uniqueSuffix()}:`,
      });
      redisCaches.push(cache);
      return cache;
    },
  },
  {
    kind: "upstash",
    runs: redisUp,
    open: async () => {
      upstash ??= await startUpstashServer({ redisUrl });
      return createUpstashCache({
        url: upstash.url,
        token: upstash.token,
        keyPrefix: `${runPrefix}${uniqueSuffix()}:`,
      });
    },
  },
];

/** A server-side wait that records what it was asked instead of sleeping. */
function recordingWait() {
  const waits: number[] = [];
  return { waits, wait: async (ms: number) => void waits.push(ms) };
}

const uniqueIp = () => {
  const [a = 0, b = 0, c = 0] = randomBytes(3);
  return `10.${a}.${b}.${c}`;
};
const uniqueEmail = (label: string) => `${label}-${uniqueSuffix()}@example.com`;
const wrongFor = (email: string) => ({ email, password: "not the password" });
const TIMEOUT = 180_000;

// The three findings, end to end on the cache `npm start` uses by default (scrypt makes each
// failed attempt cost real CPU, so the cache kinds are compared on the counters below).
describe("sign-in findings of issue 12, through verifyCredentials", () => {
  const ctx = (): Ctx => ({
    db: database.db,
    cache: createMemoryCache(),
    clock: systemClock,
    actor: systemActor("test"),
  });

  it(
    "lets the admin in from an address where 30+ sign-ins with random emails failed, delayed at most",
    async () => {
      const shared = ctx();
      const admin = await createTestUser(database.db, { role: "admin" });
      const { waits, wait } = recordingWait();
      for (let i = 0; i < 32; i++) {
        const result = await verifyCredentials({
          ctx: shared,
          input: wrongFor(uniqueEmail(`spray-${i}`)),
          ip: "203.0.113.9",
          wait,
        });
        expect(result).toEqual({ ok: false, reason: "invalid" });
      }
      const result = await verifyCredentials({
        ctx: shared,
        input: { email: admin.email, password: TEST_PASSWORD },
        ip: "203.0.113.9",
        wait,
      });
      expect(result).toMatchObject({ ok: true, user: { id: admin.id } });
      // the spray itself was slowed down, within the bound
      expect(Math.max(0, ...waits)).toBe(MAX_SIGN_IN_DELAY_MS);
    },
    TIMEOUT,
  );

  it("counts 40 failures with forged first hops against the one real address", async () => {
    const shared = ctx();
    // npm start records the socket (203.0.113.10); each request forges another first hop
    const ipOf = (i: number) =>
      clientIp(
        new Headers({ "x-forwarded-for": `192.0.2.${i}`, "x-dyno-monitor-peer": "203.0.113.10" }),
        { trustedProxyHops: 0, peerRecorded: true },
      );
    expect(new Set(Array.from({ length: 40 }, (_, i) => ipOf(i + 1)))).toEqual(
      new Set(["203.0.113.10"]),
    );
    const decisions = [];
    for (let i = 1; i <= 40; i++) {
      const email = uniqueEmail(`forged-${i}`);
      const decision = await beginSignInAttempt(shared.cache, email, ipOf(i));
      decisions.push(decision);
      if (decision.allow) await recordSignInFailure(shared.cache, email, ipOf(i));
    }
    expect(decisions.at(-1)).toEqual({ allow: true, delayMs: MAX_SIGN_IN_DELAY_MS });
  });

  it.each([
    {
      setting: "direct (npm start records the socket, no trusted hops)",
      attacker: (forged: string) => ({
        "x-forwarded-for": forged,
        "x-dyno-monitor-peer": "198.51.100.7",
      }),
      user: { "x-forwarded-for": "198.51.100.7", "x-dyno-monitor-peer": "198.51.100.99" },
      options: { trustedProxyHops: 0, peerRecorded: true },
    },
    {
      setting: "behind Heroku's router (one appended hop)",
      attacker: (forged: string) => ({
        "x-forwarded-for": `${forged}, 198.51.100.7`,
        "x-dyno-monitor-peer": uniqueIp(),
      }),
      user: { "x-forwarded-for": "198.51.100.7, 198.51.100.98", "x-dyno-monitor-peer": uniqueIp() },
      options: { trustedProxyHops: 1, peerRecorded: true },
    },
  ])(
    "refuses 40 attempts at one email with forged first hops from the 6th on, not the real user: $setting",
    async ({ attacker, user: userHeaders, options }) => {
      const shared = ctx();
      const user = await createTestUser(database.db);
      const { wait } = recordingWait();
      const results = [];
      for (let i = 0; i < 40; i++) {
        const ip = clientIp(new Headers(attacker(`192.0.2.${i + 1}`)), options);
        results.push(
          await verifyCredentials({ ctx: shared, input: wrongFor(user.email), ip, wait }),
        );
      }
      const refused = results.filter((r) => !r.ok && r.reason === "rate_limited");
      expect(refused).toHaveLength(35);
      expect(refused[0]).toMatchObject({ retryAfterSeconds: expect.any(Number) });
      const result = await verifyCredentials({
        ctx: shared,
        input: { email: user.email, password: TEST_PASSWORD },
        ip: clientIp(new Headers(userHeaders), options),
        wait,
      });
      expect(result).toMatchObject({ ok: true, user: { id: user.id } });
    },
    TIMEOUT,
  );

  it(
    "lets the real user in from another address after 5+ wrong passwords for their email",
    async () => {
      const shared = ctx();
      const user = await createTestUser(database.db);
      const { waits, wait } = recordingWait();
      const attempt = (password: string, ip: string) =>
        verifyCredentials({ ctx: shared, input: { email: user.email, password }, ip, wait });
      for (let i = 0; i < 6; i++) await attempt("not the password", "198.51.100.50");
      expect(await attempt(TEST_PASSWORD, "198.51.100.50")).toMatchObject({
        ok: false,
        reason: "rate_limited",
      });
      expect(await attempt(TEST_PASSWORD, "192.0.2.60")).toMatchObject({
        ok: true,
        user: { id: user.id },
      });
      expect(waits).toEqual([]);
    },
    TIMEOUT,
  );
});

describe.each(cacheKinds.filter((c) => c.runs).map((c) => [c.kind, c] as const))(
  "sign-in counters on the %s cache",
  (_kind, cacheKind) => {
    let cache: Cache;
    beforeAll(async () => {
      cache = await cacheKind.open();
    });
    const fail = async (email: string, client: string) => {
      const decision = await beginSignInAttempt(cache, email, client);
      if (decision.allow) await recordSignInFailure(cache, email, client);
      return decision;
    };

    it("refuses a pair after 5 failures for the rest of its window, and only that pair", async () => {
      const [email, client] = [uniqueEmail("pair"), uniqueIp()];
      for (let i = 0; i < MAX_PAIR_FAILURES; i++) {
        expect(await fail(email, client)).toEqual({ allow: true, delayMs: 0 });
      }
      const refused = await beginSignInAttempt(cache, email, client);
      expect(refused.allow).toBe(false);
      if (!refused.allow) {
        expect(refused.retryAfterSeconds).toBeGreaterThan(0);
        expect(refused.retryAfterSeconds).toBeLessThanOrEqual(SIGN_IN_WINDOW_SECONDS);
      }
      expect(await beginSignInAttempt(cache, email, uniqueIp())).toEqual({
        allow: true,
        delayMs: 0,
      });
      expect(await beginSignInAttempt(cache, uniqueEmail("other"), client)).toEqual({
        allow: true,
        delayMs: 0,
      });
    });

    it("makes a sprayed client wait, up to the bound, and never refuses it", async () => {
      const client = uniqueIp();
      for (let i = 0; i < 30; i++)
        expect((await fail(uniqueEmail("spray"), client)).allow).toBe(true);
      expect(await beginSignInAttempt(cache, uniqueEmail("admin"), client)).toEqual({
        allow: true,
        delayMs: MAX_SIGN_IN_DELAY_MS,
      });
    });

    it("makes a much-attacked email wait, and never refuses a client without failures", async () => {
      const email = uniqueEmail("target");
      for (let i = 0; i < 25; i++) await fail(email, uniqueIp());
      const decision = await beginSignInAttempt(cache, email, uniqueIp());
      expect(decision).toEqual({ allow: true, delayMs: expect.any(Number) });
      if (decision.allow) {
        expect(decision.delayMs).toBeGreaterThan(0);
        expect(decision.delayMs).toBeLessThanOrEqual(MAX_SIGN_IN_DELAY_MS);
      }
    });

    it("clears the pair that signed in, not the client's or the email's counts", async () => {
      const [email, client] = [uniqueEmail("clear"), uniqueIp()];
      for (let i = 0; i < MAX_PAIR_FAILURES - 1; i++) await fail(email, client);
      for (let i = 0; i < CLIENT_FREE_FAILURES; i++) await fail(uniqueEmail("noise"), client);
      expect(await beginSignInAttempt(cache, email, client)).toMatchObject({ allow: true });
      await recordSignInSuccess(cache, email, client);
      for (let i = 0; i < MAX_PAIR_FAILURES; i++) {
        expect((await fail(email, client)).allow).toBe(true);
      }
      expect((await beginSignInAttempt(cache, email, client)).allow).toBe(false);
      // the client's failures were kept: it still waits
      const next = await beginSignInAttempt(cache, uniqueEmail("next"), client);
      expect(next.allow && next.delayMs > 0).toBe(true);
    });
  },
);
