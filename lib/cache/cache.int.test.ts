import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { type AddressInfo, connect, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer as createTlsServer } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manualClock } from "@/lib/clock";
import { cacheContract } from "@/lib/testing/cache-contract";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { uniqueSuffix } from "@/lib/testing/factories";
import { localRedis } from "@/lib/testing/services";
import { startUpstashServer, type UpstashServer } from "@/lib/testing/upstash-server";
import { createFailoverCache } from "./failover";
import { createMemoryCache } from "./memory";
import { createPostgresCache } from "./postgres";
import { createRedisCache, type RedisCache } from "./redis";
import type { Cache } from "./types";
import { createUpstashCache } from "./upstash";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("memory cache", () => {
  cacheContract(() => {
    const clock = manualClock("2026-11-24T12:00:00Z");
    return { cache: createMemoryCache(clock), advance: clock.advance };
  });
});

describe("postgres cache", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.close();
  });
  cacheContract(() => {
    const clock = manualClock("2026-11-24T12:00:00Z");
    return { cache: createPostgresCache(database.db, clock), advance: clock.advance };
  });
});

// The Redis-backed caches run on the machine's real Redis: REDIS_URL when set, else the local
// default that CI starts. Every key of this run sits under its own prefix, removed at the end.
const { url: redisUrl, up: redisUp, side } = await localRedis("Redis-backed caches");
const runPrefix = `dm-test:${process.pid}-${uniqueSuffix()}:`;

async function keysUnder(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const batch of side.scanStream({ match: `${prefix}*`, count: 500 })) {
    keys.push(...(batch as string[]));
  }
  return keys;
}

/** Time passes for a real Redis: every key under `prefix` expires `ms` sooner (or now). */
async function advanceRedis(prefix: string, ms: number): Promise<void> {
  for (const key of await keysUnder(prefix)) {
    const left = await side.pttl(key);
    if (left < 0) continue;
    if (left <= ms) await side.del(key);
    else await side.pexpire(key, left - ms);
  }
}

afterAll(async () => {
  if (!redisUp) return;
  const keys = await keysUnder(runPrefix);
  if (keys.length > 0) await side.del(...keys);
  await side.quit();
});

/** A port nothing listens on: taken from the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

async function closeServer(server: Server, sockets: Set<Socket>): Promise<void> {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
}

/** Shared by both Redis-backed caches: what only a real, shared Redis can show. */
function sharedRedisBehaviour(name: string, open: () => Cache) {
  it(`${name}: exactly one of two instances wins a concurrent onlyIfAbsent`, async () => {
    const k = `race:${uniqueSuffix()}`;
    const results = await Promise.all([
      open().set(k, "one", { onlyIfAbsent: true, ttlSeconds: 60 }),
      open().set(k, "two", { onlyIfAbsent: true, ttlSeconds: 60 }),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await open().get(k)).toBe(results[0] ? "one" : "two");
  });

  it(`${name}: keys really expire and a window really restarts`, async () => {
    const cache = open();
    const k = `real:${uniqueSuffix()}`;
    const counter = `real-count:${uniqueSuffix()}`;
    expect(await cache.set(k, "v", { onlyIfAbsent: true, ttlSeconds: 1 })).toBe(true);
    expect(await cache.increment(counter, 1)).toBe(1);
    expect(await cache.increment(counter, 1)).toBe(2);
    expect(await cache.ttl(k)).toBe(1);
    await sleep(1100);
    expect(await cache.get(k)).toBeNull();
    expect(await cache.ttl(k)).toBeNull();
    expect(await cache.increment(counter, 1)).toBe(1);
  });
}

describe.runIf(redisUp)(
  "upstash cache (@upstash/redis → local Upstash REST server → Redis)",
  () => {
    const prefix = `${runPrefix}upstash:`;
    let server: UpstashServer;
    const open = () =>
      createUpstashCache({ url: server.url, token: server.token, keyPrefix: prefix });
    beforeAll(async () => {
      server = await startUpstashServer({ redisUrl });
    });
    afterAll(async () => {
      await server?.close();
    });

    cacheContract(() => ({ cache: open(), advance: (ms) => advanceRedis(prefix, ms) }));
    sharedRedisBehaviour("upstash", open);

    it("drives the server through the SDK's pipelines and transactions, base64-encoded", async () => {
      const before = server.requests.length;
      const cache = open();
      const k = `sdk:${uniqueSuffix()}`;
      expect(cache.kind).toBe("upstash");
      await cache.set(k, "v", { onlyIfAbsent: true, ttlSeconds: 60 });
      await cache.increment(`${k}:n`, 60);
      const mine = server.requests.slice(before);
      expect(mine.map((r) => [r.path, r.commands])).toEqual([
        ["/pipeline", ["set"]],
        ["/multi-exec", ["set", "incr"]],
      ]);
      expect(mine.every((r) => r.base64)).toBe(true);
    });

    it("answers the REST protocol like Upstash: results, encodings, errors", async () => {
      const k = `${prefix}protocol:${uniqueSuffix()}`;
      const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
        const res = await fetch(`${server.url}${path}`, {
          method: "POST",
          headers: { authorization: `Bearer ${server.token}`, ...headers },
          body: JSON.stringify(body),
        });
        return { status: res.status, body: (await res.json()) as unknown };
      };
      const base64 = { "Upstash-Encoding": "base64" };
      expect(await post("/", ["SET", k, "välue", "NX", "EX", 60])).toEqual({
        status: 200,
        body: { result: "OK" },
      });
      expect(await post("/", ["SET", k, "other", "NX", "EX", "60"])).toEqual({
        status: 200,
        body: { result: null },
      });
      expect(await post("/", ["GET", k])).toEqual({ status: 200, body: { result: "välue" } });
      expect(await post("/", ["GET", k], base64)).toEqual({
        status: 200,
        body: { result: Buffer.from("välue").toString("base64") },
      });
      expect(await post("/", ["INCR", k])).toEqual({
        status: 400,
        body: { error: "ERR value is not an integer or out of range" },
      });
      expect(
        await post(
          "/pipeline",
          [
            ["TTL", k],
            ["GET", k],
            ["INCR", k],
            ["SET", k, "OK"],
          ],
          base64,
        ),
      ).toEqual({
        status: 200,
        body: [
          { result: 60 },
          { result: Buffer.from("välue").toString("base64") },
          { error: "ERR value is not an integer or out of range" },
          { result: "OK" },
        ],
      });
      expect(
        await post(
          "/multi-exec",
          [
            ["DEL", k],
            ["SET", k, "x"],
            ["MGET", k, `${k}:none`],
          ],
          base64,
        ),
      ).toEqual({
        status: 200,
        body: [
          { result: 1 },
          { result: "OK" },
          { result: [Buffer.from("x").toString("base64"), null] },
        ],
      });
      const discarded = await post("/multi-exec", [["SET", k, "y"], ["GET"]]);
      expect(discarded.status).toBe(400);
      expect(discarded.body).toMatchObject({ error: expect.stringMatching(/EXECABORT/) });
      expect(await post("/", ["GET", k])).toEqual({ status: 200, body: { result: "x" } });

      const anonymous = await fetch(`${server.url}/`, { method: "POST", body: '["GET","k"]' });
      expect(anonymous.status).toBe(401);
      expect(await anonymous.json()).toEqual({ error: "Unauthorized" });
    });

    it("names the token setting, without the token, when Upstash refuses it", async () => {
      const wrong = "wrong-token-0123456789";
      const cache = createUpstashCache({ url: server.url, token: wrong, keyPrefix: prefix });
      const error = await cache.get("anything").then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(error?.name).toBe("CacheUnavailableError");
      expect(error?.message).toMatch(
        /^Upstash cache \(UPSTASH_REDIS_REST_URL, http:\/\/127\.0\.0\.1:\d+\) refused UPSTASH_REDIS_REST_TOKEN: Unauthorized/,
      );
      expect(error?.message).not.toContain(wrong);
      expect(error?.message).not.toContain(server.token);
    });

    it("rejects quickly and clearly when the Upstash URL does not answer", async () => {
      const url = `http://127.0.0.1:${await closedPort()}`;
      const cache = createUpstashCache({ url, token: "some-token-123", timeoutMs: 3000 });
      const started = Date.now();
      await expect(cache.increment("n", 60)).rejects.toThrow(
        /^Upstash cache \(UPSTASH_REDIS_REST_URL, http:\/\/127\.0\.0\.1:\d+\) is unreachable: .*ECONNREFUSED/,
      );
      expect(Date.now() - started).toBeLessThan(3000);
    });
  },
);

describe.runIf(redisUp)("failover cache (Redis, with Postgres standing in)", () => {
  const prefix = `${runPrefix}failover:`;
  let database: TestDatabase;
  let up: RedisCache;
  let away: RedisCache;
  beforeAll(async () => {
    database = await createTestDatabase();
    up = createRedisCache({ url: redisUrl, keyPrefix: prefix });
    away = createRedisCache({
      url: `redis://127.0.0.1:${await closedPort()}`,
      keyPrefix: prefix,
      connectTimeoutMs: 500,
    });
  });
  afterAll(async () => {
    await Promise.all([up?.close(), away?.close()]);
    await database?.close();
  });

  describe("while Redis answers", () => {
    cacheContract(() => {
      const clock = manualClock("2026-11-24T12:00:00Z");
      const fallback = createPostgresCache(database.db, clock);
      return {
        cache: createFailoverCache({ primary: up, fallback, clock }),
        advance: async (ms) => {
          clock.advance(ms);
          await advanceRedis(prefix, ms);
        },
      };
    });
  });

  describe("while Redis is unreachable", () => {
    cacheContract(() => {
      const clock = manualClock("2026-11-24T12:00:00Z");
      const fallback = createPostgresCache(database.db, clock);
      return {
        cache: createFailoverCache({ primary: away, fallback, clock }),
        advance: clock.advance,
      };
    });
  });
});

describe.runIf(redisUp)("redis cache (ioredis over TCP)", () => {
  const prefix = `${runPrefix}redis:`;
  const opened: RedisCache[] = [];
  const open = (
    options: { url?: string; connectTimeoutMs?: number; commandTimeoutMs?: number } = {},
  ) => {
    const cache = createRedisCache({ url: redisUrl, keyPrefix: prefix, ...options });
    opened.push(cache);
    return cache;
  };
  afterAll(async () => {
    await Promise.all(opened.map((cache) => cache.close()));
  });

  cacheContract(() => ({ cache: open(), advance: (ms) => advanceRedis(prefix, ms) }));
  sharedRedisBehaviour("redis", () => open());

  it("rejects within the timeout, naming REDIS_URL but not its password, when the port is closed", async () => {
    const url = `redis://:pa55-w0rd-secret@127.0.0.1:${await closedPort()}`;
    const cache = open({ url, connectTimeoutMs: 1000, commandTimeoutMs: 2000 });
    const started = Date.now();
    const error = await cache.get("anything").then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(Date.now() - started).toBeLessThan(2000);
    expect(error?.name).toBe("CacheUnavailableError");
    expect(error?.message).toMatch(
      /^Redis cache \(REDIS_URL, 127\.0\.0\.1:\d+\) is unreachable: connect ECONNREFUSED/,
    );
    expect(error?.message).not.toContain("pa55-w0rd-secret");
    // the process goes on: the next call fails the same way instead of hanging or crashing
    await expect(cache.set("k", "v")).rejects.toThrow(/is unreachable/);
  });

  it("rejects within the command timeout when the server accepts but never answers", async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => {
      sockets.add(socket);
      socket.on("error", () => {});
    });
    const port = await listen(silent);
    try {
      const cache = open({ url: `redis://127.0.0.1:${port}`, commandTimeoutMs: 500 });
      const started = Date.now();
      await expect(cache.increment("n", 60)).rejects.toThrow(
        /^Redis cache \(REDIS_URL, 127\.0\.0\.1:\d+\) did not answer INCR within 500 ms/,
      );
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await closeServer(silent, sockets);
    }
  });

  it("accepts the self-signed certificate of a rediss:// URL (Heroku Redis)", async (context) => {
    let dir: string | undefined;
    try {
      dir = mkdtempSync(join(tmpdir(), "dm-tls-"));
      execFileSync(
        "openssl",
        [
          "req",
          "-x509",
          "-newkey",
          "rsa:2048",
          "-nodes",
          "-days",
          "1",
          "-subj",
          "/CN=heroku-redis-test",
          "-keyout",
          join(dir, "key.pem"),
          "-out",
          join(dir, "cert.pem"),
        ],
        { stdio: "ignore" },
      );
    } catch {
      if (dir) rmSync(dir, { recursive: true, force: true });
      process.stdout.write(
        "rediss:// test: skipped, openssl could not make a self-signed certificate.\n",
      );
      context.skip();
      return;
    }
    const upstream = new URL(redisUrl);
    const sockets = new Set<Socket>();
    // TLS in front of the real Redis, with a certificate no CA vouches for, like Heroku's.
    const proxy = createTlsServer(
      { key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) },
      (socket) => {
        sockets.add(socket);
        const redis = connect(Number(upstream.port || 6379), upstream.hostname);
        socket.pipe(redis).pipe(socket);
        socket.on("error", () => redis.destroy());
        redis.on("error", () => socket.destroy());
      },
    );
    rmSync(dir, { recursive: true, force: true });
    const port = await listen(proxy);
    try {
      const url = new URL(redisUrl);
      url.protocol = "rediss:";
      url.hostname = "127.0.0.1";
      url.port = String(port);
      const cache = open({ url: url.toString(), connectTimeoutMs: 2000, commandTimeoutMs: 2000 });
      const k = `tls:${uniqueSuffix()}`;
      expect(await cache.set(k, "over tls", { ttlSeconds: 60 })).toBe(true);
      expect(await cache.get(k)).toBe("over tls");
      expect(sockets.size).toBeGreaterThan(0);
    } finally {
      await closeServer(proxy, sockets);
    }
  });
});
