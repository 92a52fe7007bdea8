import "server-only";
import { Redis } from "@upstash/redis";
import { CacheUnavailableError } from "./errors";
import { DEFAULT_KEY_PREFIX, expirySeconds } from "./redis";
import type { Cache, SetOptions } from "./types";

export type UpstashCacheOptions = {
  /** UPSTASH_REDIS_REST_URL */
  url: string;
  /** UPSTASH_REDIS_REST_TOKEN; never part of a message. */
  token: string;
  /** Put before every key, so a database shared with other apps keeps our keys apart. */
  keyPrefix?: string;
  /** How long one call may take, the SDK's retries included. */
  timeoutMs?: number;
};

/** Upstash Redis over its REST API (serverless hosts such as Vercel, where TCP pools don't fit). */
export function createUpstashCache(options: UpstashCacheOptions): Cache {
  const prefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
  const timeoutMs = options.timeoutMs ?? 5000;
  const origin = new URL(options.url).origin;
  const redis = new Redis({
    url: options.url,
    token: options.token,
    // Values are our own strings: never JSON.parse them ("1" would come back as the number 1).
    automaticDeserialization: false,
    enableTelemetry: false,
    retry: { retries: 2, backoff: (attempt) => 100 * 2 ** attempt },
    // A function: the SDK then throws on timeout instead of answering "Aborted" as a result.
    signal: () => AbortSignal.timeout(timeoutMs),
  });

  const failure = (operation: string, error: unknown): CacheUnavailableError => {
    // The SDK appends ", command was: [...]" (our keys and values): not needed to fix anything.
    const reason = (error instanceof Error ? error.message : String(error)).replace(
      /, command was:[\s\S]*$/,
      "",
    );
    const name = error instanceof Error ? error.name : "";
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : "";
    let message: string;
    if (/unauthori[sz]ed|wrongpass|noauth/i.test(reason)) {
      message = `Upstash cache (UPSTASH_REDIS_REST_URL, ${origin}) refused UPSTASH_REDIS_REST_TOKEN: ${reason}; copy the REST token from the Upstash console`;
    } else if (name === "TimeoutError" || name === "AbortError") {
      message = `Upstash cache (UPSTASH_REDIS_REST_URL, ${origin}) did not answer ${operation} within ${timeoutMs} ms`;
    } else if (error instanceof TypeError && reason === "fetch failed") {
      message = `Upstash cache (UPSTASH_REDIS_REST_URL, ${origin}) is unreachable: ${cause || reason}`;
    } else {
      message = `Upstash cache (UPSTASH_REDIS_REST_URL, ${origin}) failed on ${operation}: ${reason}`;
    }
    return new CacheUnavailableError(message, { cause: error });
  };
  const run = async <T>(operation: string, command: () => Promise<T>): Promise<T> => {
    try {
      return await command();
    } catch (error) {
      throw failure(operation, error);
    }
  };

  return {
    kind: "upstash",
    get(key) {
      return run("GET", () => redis.get<string>(prefix + key));
    },
    set(key, value, options: SetOptions = {}) {
      return run("SET", async () => {
        const k = prefix + key;
        const nx = options.onlyIfAbsent === true;
        let reply: string | null;
        if (options.ttlSeconds === undefined) {
          reply = nx ? await redis.set(k, value, { nx }) : await redis.set(k, value);
        } else {
          const ex = expirySeconds(options.ttlSeconds);
          reply = nx ? await redis.set(k, value, { nx, ex }) : await redis.set(k, value, { ex });
        }
        return reply === "OK";
      });
    },
    increment(key, ttlSeconds) {
      // One transaction (/multi-exec): SET NX EX creates the window with its expiry, INCR counts;
      // an existing window keeps its TTL (a fixed window, never extended).
      return run("INCR", async () => {
        const [, count] = await redis
          .multi()
          .set(prefix + key, "0", { nx: true, ex: expirySeconds(ttlSeconds) })
          .incr(prefix + key)
          .exec<[string | null, number]>();
        return Number(count);
      });
    },
    ttl(key) {
      return run("PTTL", async () => {
        const ms = await redis.pttl(prefix + key);
        return ms < 0 ? null : Math.ceil(ms / 1000);
      });
    },
    delete(key) {
      return run("DEL", async () => {
        await redis.del(prefix + key);
      });
    },
  };
}
