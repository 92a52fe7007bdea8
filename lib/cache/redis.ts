import "server-only";
import IORedis from "ioredis";
import { log } from "@/lib/log";
import { CacheUnavailableError, describeTarget } from "./errors";
import type { Cache, SetOptions } from "./types";

export type RedisCacheOptions = {
  /** redis:// or rediss:// (REDIS_URL); a path like /2 picks the database number. */
  url: string;
  /** Put before every key, so a Redis shared with other apps keeps our keys apart. */
  keyPrefix?: string;
  /** How long one connection attempt may take. */
  connectTimeoutMs?: number;
  /** How long a command may wait for its answer, queued while connecting included. */
  commandTimeoutMs?: number;
};

export type RedisCache = Cache & { close(): Promise<void> };

export const DEFAULT_KEY_PREFIX = "dyno-monitor:";

/** Whole seconds for EX: Redis wants a positive integer. */
export const expirySeconds = (ttlSeconds: number) => Math.max(1, Math.ceil(ttlSeconds));

/**
 * A Redis server over TCP (Heroku's Redis add-on, any self-hosted Redis). One connection per
 * process, opened on first use and re-opened in the background after a failure; while Redis is
 * away every call rejects with a CacheUnavailableError within the timeouts instead of waiting.
 */
export function createRedisCache(options: RedisCacheOptions): RedisCache {
  const prefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
  const connectTimeoutMs = options.connectTimeoutMs ?? 5000;
  const commandTimeoutMs = options.commandTimeoutMs ?? 5000;
  const target = `REDIS_URL, ${describeTarget(options.url)}`;
  const tls = options.url.startsWith("rediss:");

  const client = new IORedis(options.url, {
    lazyConnect: true,
    connectTimeout: connectTimeoutMs,
    commandTimeout: commandTimeoutMs,
    // A command queued while disconnected fails after one reconnection attempt instead of 20.
    maxRetriesPerRequest: 1,
    // Keep reconnecting in the background (every call needs Redis back), at most every 5 s.
    retryStrategy: (attempt) => Math.min(attempt * 250, 5000),
    // Heroku Redis serves TLS with a self-signed certificate that no CA vouches for, and Heroku
    // documents turning verification off for it; the connection is still encrypted.
    ...(tls ? { tls: { rejectUnauthorized: false } } : {}),
  });

  let lastConnectionError: Error | undefined;
  let reported = false;
  // Without a listener ioredis prints every failed reconnection; one line per outage is enough.
  client.on("error", (error: Error) => {
    lastConnectionError = error;
    if (reported) return;
    reported = true;
    log.warn("cache: Redis connection failed, reconnecting in the background", {
      target: describeTarget(options.url),
      error: error.message,
    });
  });
  client.on("ready", () => {
    if (reported)
      log.info("cache: Redis connection restored", { target: describeTarget(options.url) });
    reported = false;
    lastConnectionError = undefined;
  });

  const failure = (operation: string, error: unknown): CacheUnavailableError => {
    const reason = error instanceof Error ? error.message : String(error);
    const connection = lastConnectionError?.message;
    if (error instanceof Error && error.name === "MaxRetriesPerRequestError") {
      return new CacheUnavailableError(
        `Redis cache (${target}) is unreachable: ${connection ?? reason}`,
        { cause: error },
      );
    }
    if (/command timed out/i.test(reason)) {
      return new CacheUnavailableError(
        `Redis cache (${target}) did not answer ${operation} within ${commandTimeoutMs} ms${connection ? ` (${connection})` : ""}`,
        { cause: error },
      );
    }
    return new CacheUnavailableError(`Redis cache (${target}) failed on ${operation}: ${reason}`, {
      cause: error,
    });
  };
  const run = async <T>(operation: string, command: () => Promise<T>): Promise<T> => {
    try {
      return await command();
    } catch (error) {
      throw failure(operation, error);
    }
  };

  return {
    kind: "redis",
    get(key) {
      return run("GET", () => client.get(prefix + key));
    },
    set(key, value, options: SetOptions = {}) {
      return run("SET", async () => {
        const args: (string | number)[] = [];
        if (options.ttlSeconds !== undefined) args.push("EX", expirySeconds(options.ttlSeconds));
        if (options.onlyIfAbsent) args.push("NX");
        const reply = await client.call("SET", prefix + key, value, ...args);
        return reply === "OK";
      });
    },
    increment(key, ttlSeconds) {
      // SET NX EX creates the window with its expiry, INCR counts; MULTI keeps the pair atomic,
      // and only the SET that creates the key sets the TTL (a fixed window, never extended).
      return run("INCR", async () => {
        const replies = await client
          .multi()
          .set(prefix + key, "0", "EX", expirySeconds(ttlSeconds), "NX")
          .incr(prefix + key)
          .exec();
        const counted = replies?.[1];
        if (!counted) throw new Error("the transaction was discarded");
        if (counted[0]) throw counted[0];
        return Number(counted[1]);
      });
    },
    ttl(key) {
      return run("PTTL", async () => {
        const ms = await client.pttl(prefix + key);
        return ms < 0 ? null : Math.ceil(ms / 1000);
      });
    },
    delete(key) {
      return run("DEL", async () => {
        await client.del(prefix + key);
      });
    },
    async close() {
      if (client.status === "ready") await client.quit().catch(() => client.disconnect());
      else client.disconnect();
    },
  };
}
