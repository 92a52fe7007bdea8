import type { Clock } from "@/lib/clock";
import { systemClock } from "@/lib/clock";
import { log } from "@/lib/log";
import { CacheUnavailableError } from "./errors";
import type { Cache, SetOptions } from "./types";

export type FailoverCacheOptions = {
  /** Redis or Upstash: answers every call while it is reachable. */
  primary: Cache & { close?: () => Promise<void> };
  /** The Postgres cache: answers while the primary is away, and keeps a copy of held keys. */
  fallback: Cache;
  /** A primary call that has not answered after this long is answered by the fallback. */
  deadlineMs?: number;
  /** While the primary is down, a call probes it (in the background) at most this often. */
  downForMs?: number;
  clock?: Clock;
};

export type FailoverCache = Cache & {
  /** Which store answers calls right now. */
  active(): "primary" | "fallback";
  /** Closes the primary's connection, when it holds one (Redis). */
  close(): Promise<void>;
};

export const DEFAULT_DEADLINE_MS = 2000;
export const DEFAULT_DOWN_FOR_MS = 5000;
const PROBE_KEY = "failover:probe";

class DeadlineMissed extends Error {
  constructor(operation: string, ms: number) {
    super(`did not answer ${operation} within ${ms} ms`);
    this.name = "DeadlineMissed";
  }
}

function withDeadline<T>(work: Promise<T>, ms: number, operation: string): Promise<T> {
  // the primary call cannot be cancelled: a late answer or failure is dropped, never unhandled
  work.catch(() => {});
  let timer: NodeJS.Timeout | undefined;
  const missed = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineMissed(operation, ms)), ms);
  });
  return Promise.race([work, missed]).finally(() => clearTimeout(timer));
}

/**
 * Redis (or Upstash) with Postgres behind it. A call the primary cannot answer (unreachable, or
 * no answer within `deadlineMs`) is answered by Postgres, and so is every call after it until a
 * probe, sent beside the calls every `downForMs`, finds the primary answering again.
 * Keys held with onlyIfAbsent and a TTL (cooling periods, "first one wins") stay exclusive across
 * the switch both ways: a key won on the primary is copied to Postgres, and while the primary is
 * up a key still held in Postgres (won during an outage) keeps winning against it. Counters and
 * plain values are not copied: they start again at the switch.
 */
export function createFailoverCache(options: FailoverCacheOptions): FailoverCache {
  const { primary, fallback } = options;
  const deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
  const downForMs = options.downForMs ?? DEFAULT_DOWN_FOR_MS;
  const clock = options.clock ?? systemClock;
  let down = false;
  let downUntil = 0;
  let probing = false;

  const isCacheFailure = (error: unknown): error is Error =>
    error instanceof CacheUnavailableError || error instanceof DeadlineMissed;

  function markDown(operation: string, error: Error): void {
    downUntil = clock.now().getTime() + downForMs;
    if (down) return;
    down = true;
    log.warn("cache: the primary failed; Postgres answers until it is back", {
      cache: primary.kind,
      operation,
      error: error.message,
      retryInMs: downForMs,
    });
  }

  // While down, callers never wait for the primary: one probe at a time runs beside them.
  function probe(): void {
    if (probing || clock.now().getTime() < downUntil) return;
    probing = true;
    withDeadline(primary.get(PROBE_KEY), deadlineMs, "GET")
      .then(
        () => {
          down = false;
          log.info("cache: the primary answers again; Postgres no longer stands in", {
            cache: primary.kind,
          });
        },
        (error: unknown) => {
          if (isCacheFailure(error)) markDown("probe", error);
          else log.error("cache: probing the primary failed", { error });
        },
      )
      .finally(() => {
        probing = false;
      });
  }

  /** The primary's answer, or undefined when it is down or has just failed (then marked down). */
  async function tryPrimary<T>(
    operation: string,
    call: (cache: Cache) => Promise<T>,
  ): Promise<{ value: T } | undefined> {
    if (down) {
      probe();
      return undefined;
    }
    try {
      return { value: await withDeadline(call(primary), deadlineMs, operation) };
    } catch (error) {
      if (!isCacheFailure(error)) throw error;
      markDown(operation, error);
      return undefined;
    }
  }

  /** A Postgres call beside the primary's: it must not fail a call the primary answers. */
  async function quietly<T>(call: () => Promise<T>, otherwise: T): Promise<T> {
    try {
      return await call();
    } catch (error) {
      log.warn("cache: Postgres failed beside the primary (a held key's copy)", { error });
      return otherwise;
    }
  }

  async function setHeld(key: string, value: string, options: SetOptions): Promise<boolean> {
    // won in Postgres during an outage and not yet expired: still held
    if (!down && (await quietly(() => fallback.get(key), null)) !== null) return false;
    const won = await tryPrimary("SET", (cache) => cache.set(key, value, options));
    if (!won) return fallback.set(key, value, options);
    // a copy, so that an outage starting now still sees the key held
    if (won.value)
      await quietly(() => fallback.set(key, value, { ttlSeconds: options.ttlSeconds }), true);
    return won.value;
  }

  return {
    kind: primary.kind,
    active: () => (down ? "fallback" : "primary"),
    close: async () => {
      await primary.close?.();
    },
    async get(key) {
      const answered = await tryPrimary("GET", (cache) => cache.get(key));
      return answered ? answered.value : fallback.get(key);
    },
    set(key, value, setOptions: SetOptions = {}) {
      if (setOptions.onlyIfAbsent && setOptions.ttlSeconds !== undefined) {
        return setHeld(key, value, setOptions);
      }
      return tryPrimary("SET", (cache) => cache.set(key, value, setOptions)).then(
        (answered) => answered?.value ?? fallback.set(key, value, setOptions),
      );
    },
    async increment(key, ttlSeconds) {
      const answered = await tryPrimary("INCR", (cache) => cache.increment(key, ttlSeconds));
      return answered ? answered.value : fallback.increment(key, ttlSeconds);
    },
    async ttl(key) {
      const answered = await tryPrimary("PTTL", (cache) => cache.ttl(key));
      if (!answered) return fallback.ttl(key);
      return answered.value ?? (await quietly(() => fallback.ttl(key), null));
    },
    async delete(key) {
      const answered = await tryPrimary("DEL", (cache) => cache.delete(key));
      if (!answered) return fallback.delete(key);
      await quietly(() => fallback.delete(key), undefined);
    },
  };
}
