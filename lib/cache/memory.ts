import type { Clock } from "@/lib/clock";
import { systemClock } from "@/lib/clock";
import type { Cache, SetOptions } from "./types";

type Entry = { value: string; expiresAt: number | null };

/** One process only (the embedded default, PGlite): several instances need a shared cache. */
export function createMemoryCache(clock: Clock = systemClock): Cache {
  const entries = new Map<string, Entry>();
  const live = (key: string): Entry | undefined => {
    const entry = entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt !== null && entry.expiresAt <= clock.now().getTime()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };
  const expiry = (ttlSeconds?: number) =>
    ttlSeconds === undefined ? null : clock.now().getTime() + ttlSeconds * 1000;

  return {
    kind: "memory",
    async get(key) {
      return live(key)?.value ?? null;
    },
    async set(key, value, options: SetOptions = {}) {
      if (options.onlyIfAbsent && live(key)) return false;
      entries.set(key, { value, expiresAt: expiry(options.ttlSeconds) });
      return true;
    },
    async increment(key, ttlSeconds) {
      const entry = live(key);
      if (!entry) {
        entries.set(key, { value: "1", expiresAt: expiry(ttlSeconds) });
        return 1;
      }
      const next = (Number.parseInt(entry.value, 10) || 0) + 1;
      entry.value = String(next);
      return next;
    },
    async ttl(key) {
      const entry = live(key);
      if (!entry || entry.expiresAt === null) return null;
      return Math.ceil((entry.expiresAt - clock.now().getTime()) / 1000);
    },
    async delete(key) {
      entries.delete(key);
    },
  };
}
