// The failover cache across the switch: the real Redis behind a TCP proxy the test cuts and pauses
// (the machine's Redis itself is never touched), the real Postgres cache (PGlite or Postgres).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manualClock } from "@/lib/clock";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { uniqueSuffix } from "@/lib/testing/factories";
import { localRedis } from "@/lib/testing/services";
import { startTcpProxy, type TcpProxy } from "@/lib/testing/tcp-proxy";
import { CacheUnavailableError } from "./errors";
import { createFailoverCache, type FailoverCache } from "./failover";
import { createPostgresCache } from "./postgres";
import { createRedisCache, type RedisCache } from "./redis";
import type { Cache } from "./types";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const { url: redisUrl, up: redisUp, side } = await localRedis("failover cache");
const prefix = `dm-test:${process.pid}-${uniqueSuffix()}:failover:`;

/** Counts the calls that reach the primary, so a test can see when it is left alone. */
function counted(cache: Cache): Cache & { calls: number } {
  const wrapper = {
    kind: cache.kind,
    calls: 0,
    get: (key: string) => {
      wrapper.calls++;
      return cache.get(key);
    },
    set: (...args: Parameters<Cache["set"]>) => {
      wrapper.calls++;
      return cache.set(...args);
    },
    increment: (key: string, ttl: number) => {
      wrapper.calls++;
      return cache.increment(key, ttl);
    },
    ttl: (key: string) => {
      wrapper.calls++;
      return cache.ttl(key);
    },
    delete: (key: string) => {
      wrapper.calls++;
      return cache.delete(key);
    },
  };
  return wrapper;
}

describe.runIf(redisUp)("failover cache (Redis behind a proxy, Postgres behind it)", () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  const redisClients: RedisCache[] = [];
  const DOWN_FOR = 5000;

  beforeAll(async () => {
    const target = new URL(redisUrl);
    [database, proxy] = await Promise.all([
      createTestDatabase(),
      startTcpProxy({ host: target.hostname, port: Number(target.port || 6379) }),
    ]);
  });
  afterAll(async () => {
    await Promise.all(redisClients.map((client) => client.close()));
    await proxy?.close();
    const keys = await side.keys(`${prefix}*`);
    if (keys.length > 0) await side.del(...keys);
    await side.quit();
    await database?.close();
  });

  /** One instance of the console: its own Redis connection and failover state, one Postgres. */
  function instance(clock = manualClock("2026-11-24T12:00:00Z"), deadlineMs = 1000) {
    const url = new URL(redisUrl);
    url.hostname = "127.0.0.1";
    url.port = String(proxy.port);
    const redis = createRedisCache({
      url: url.toString(),
      keyPrefix: prefix,
      connectTimeoutMs: 1000,
      commandTimeoutMs: 5000,
    });
    redisClients.push(redis);
    const primary = counted(redis);
    const fallback = createPostgresCache(database.db, clock);
    const cache = createFailoverCache({
      primary,
      fallback,
      clock,
      deadlineMs,
      downForMs: DOWN_FOR,
    });
    return { cache, primary, fallback, clock };
  }

  /** After the proxy is back: moves the clock past the down period until Redis answers again. */
  async function untilPrimary(cache: FailoverCache, clock: ReturnType<typeof manualClock>) {
    for (let i = 0; i < 120; i++) {
      clock.advance(DOWN_FOR);
      await cache.get(`probe:${uniqueSuffix()}`);
      await sleep(250);
      if (cache.active() === "primary") return;
    }
    throw new Error("Redis did not answer again through the proxy");
  }

  it("answers from Postgres while Redis is cut, probes Redis beside the calls, then uses it again", async () => {
    const { cache, primary, fallback, clock } = instance();
    const k = `switch:${uniqueSuffix()}`;
    expect(await cache.increment(k, 60)).toBe(1);
    expect(await side.get(`${prefix}${k}`)).toBe("1");
    expect(cache.active()).toBe("primary");

    await proxy.cut();
    try {
      const calls = primary.calls;
      expect(await cache.set(`${k}:held`, "a", { onlyIfAbsent: true, ttlSeconds: 60 })).toBe(true);
      expect(cache.active()).toBe("fallback");
      expect(await fallback.get(`${k}:held`)).toBe("a");
      // marked down: the next calls go straight to Postgres, Redis is left alone
      expect(await cache.increment(`${k}:n`, 60)).toBe(1);
      expect(await cache.get(`${k}:held`)).toBe("a");
      expect(primary.calls).toBe(calls + 1);
      // the down period over, a call sends one probe beside it and is answered by Postgres
      clock.advance(DOWN_FOR);
      expect(await cache.increment(`${k}:n`, 60)).toBe(2);
      expect(await cache.increment(`${k}:n`, 60)).toBe(3);
      expect(primary.calls).toBe(calls + 2);
      await sleep(1500);
      expect(cache.active()).toBe("fallback");
    } finally {
      await proxy.resume();
    }
    await untilPrimary(cache, clock);
    expect(await cache.increment(k, 60)).toBe(2);
    expect(await side.get(`${prefix}${k}`)).toBe("2");
  });

  it("keeps a key held on Redis held while Redis is cut, for every instance", async () => {
    const one = instance();
    const two = instance(one.clock);
    const k = `before:${uniqueSuffix()}`;
    expect(await one.cache.set(k, "one", { onlyIfAbsent: true, ttlSeconds: 300 })).toBe(true);
    expect(await side.get(`${prefix}${k}`)).toBe("one");
    await proxy.cut();
    try {
      expect(await two.cache.set(k, "two", { onlyIfAbsent: true, ttlSeconds: 300 })).toBe(false);
      expect(await two.cache.ttl(k)).toBe(300);
      expect(two.cache.active()).toBe("fallback");
      expect(await one.cache.set(k, "one", { onlyIfAbsent: true, ttlSeconds: 300 })).toBe(false);
    } finally {
      await proxy.resume();
    }
  });

  it("keeps a key held on Postgres during the outage held after Redis is back", async () => {
    const { cache, clock } = instance();
    const k = `during:${uniqueSuffix()}`;
    await proxy.cut();
    try {
      expect(await cache.set(k, "won", { onlyIfAbsent: true, ttlSeconds: 600 })).toBe(true);
    } finally {
      await proxy.resume();
    }
    await untilPrimary(cache, clock);
    const other = instance(clock);
    expect(await other.cache.set(k, "late", { onlyIfAbsent: true, ttlSeconds: 600 })).toBe(false);
    expect(await side.get(`${prefix}${k}`)).toBeNull();
    expect(await other.cache.ttl(k)).toBeGreaterThan(0);
    // it expires as it would have on Redis
    clock.advance(601_000);
    expect(await other.cache.set(k, "next", { onlyIfAbsent: true, ttlSeconds: 600 })).toBe(true);
    expect(await side.get(`${prefix}${k}`)).toBe("next");
  });

  it("deletes both copies of a held key, so it can be won again at once", async () => {
    const { cache, fallback } = instance();
    const k = `delete:${uniqueSuffix()}`;
    expect(await cache.set(k, "v", { onlyIfAbsent: true, ttlSeconds: 300 })).toBe(true);
    expect(await fallback.get(k)).toBe("v");
    await cache.delete(k);
    expect(await fallback.get(k)).toBeNull();
    expect(await side.get(`${prefix}${k}`)).toBeNull();
    expect(await cache.set(k, "again", { onlyIfAbsent: true, ttlSeconds: 300 })).toBe(true);
  });

  it("lets exactly one of two instances win when both find Redis cut", async () => {
    const one = instance();
    const two = instance(one.clock);
    await proxy.cut();
    try {
      const k = `race:${uniqueSuffix()}`;
      const results = await Promise.all([
        one.cache.set(k, "one", { onlyIfAbsent: true, ttlSeconds: 60 }),
        two.cache.set(k, "two", { onlyIfAbsent: true, ttlSeconds: 60 }),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
    } finally {
      await proxy.resume();
    }
  });

  it("answers from Postgres within its deadline when Redis accepts but never answers", async () => {
    const { cache, clock } = instance();
    await untilPrimary(cache, clock);
    proxy.pause();
    try {
      // Redis would take its 5 s command timeout; the 1 s deadline hands the call to Postgres
      expect(await cache.increment(`hang:${uniqueSuffix()}`, 60)).toBe(1);
      expect(cache.active()).toBe("fallback");
    } finally {
      await proxy.resume();
    }
    await untilPrimary(cache, clock);
  });
});

describe("failover cache: what is not about reaching the cache", () => {
  const memory = (): Cache => ({
    kind: "redis",
    get: async () => null,
    set: async () => true,
    increment: async () => 1,
    ttl: async () => null,
    delete: async () => {},
  });

  it.each([
    ["a bug in our code", new TypeError("x is not a function"), "rethrown"],
    ["an unreachable Redis", new CacheUnavailableError("Redis cache is unreachable"), "fallback"],
  ])("with %s: %s", async (_label, error, outcome) => {
    const failing: Cache = { ...memory(), get: async () => Promise.reject(error) };
    const fallback: Cache = { ...memory(), kind: "postgres", get: async () => "from postgres" };
    const cache = createFailoverCache({ primary: failing, fallback });
    const answer = cache.get("k").then(
      (value) => value,
      (thrown: unknown) => thrown,
    );
    if (outcome === "rethrown") expect(await answer).toBe(error);
    else expect(await answer).toBe("from postgres");
  });
});
