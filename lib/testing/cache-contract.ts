// The behaviour every Cache implementation shares; each implementation runs this suite.
import { expect, it } from "vitest";
import type { Cache } from "@/lib/cache/types";
import { uniqueSuffix } from "@/lib/testing/factories";

export type CacheUnderTest = {
  cache: Cache;
  /**
   * Lets `ms` pass for this cache's keys: a manual clock's advance for the caches that take a
   * clock; for Redis-backed ones every key's expiry is brought `ms` closer (PEXPIRE through a side
   * connection), since a real Redis expires keys in real time.
   */
  advance: (ms: number) => void | Promise<void>;
};

export function cacheContract(make: () => CacheUnderTest) {
  const key = (name: string) => `test:${name}:${uniqueSuffix()}`;

  it("stores and reads a value, and deletes it", async () => {
    const { cache } = make();
    const k = key("plain");
    expect(await cache.get(k)).toBeNull();
    expect(await cache.set(k, "one")).toBe(true);
    expect(await cache.get(k)).toBe("one");
    await cache.delete(k);
    expect(await cache.get(k)).toBeNull();
  });

  it("lets only the first onlyIfAbsent writer win until the key expires", async () => {
    const { cache, advance } = make();
    const k = key("nx");
    expect(await cache.set(k, "first", { onlyIfAbsent: true, ttlSeconds: 60 })).toBe(true);
    expect(await cache.set(k, "second", { onlyIfAbsent: true, ttlSeconds: 60 })).toBe(false);
    expect(await cache.get(k)).toBe("first");
    await advance(61_000);
    expect(await cache.get(k)).toBeNull();
    expect(await cache.set(k, "third", { onlyIfAbsent: true, ttlSeconds: 60 })).toBe(true);
    expect(await cache.get(k)).toBe("third");
  });

  it("lets exactly one of two concurrent onlyIfAbsent writers win", async () => {
    const { cache } = make();
    const k = key("race");
    const results = await Promise.all([
      cache.set(k, "a", { onlyIfAbsent: true, ttlSeconds: 60 }),
      cache.set(k, "b", { onlyIfAbsent: true, ttlSeconds: 60 }),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await cache.get(k)).toBe(results[0] ? "a" : "b");
  });

  it("reports the remaining time to live", async () => {
    const { cache, advance } = make();
    const k = key("ttl");
    await cache.set(k, "v", { ttlSeconds: 120 });
    await advance(30_000);
    expect(await cache.ttl(k)).toBe(90);
    expect(await cache.ttl(key("absent"))).toBeNull();
  });

  it("counts within a fixed window and starts again after it", async () => {
    const { cache, advance } = make();
    const k = key("count");
    expect(await cache.increment(k, 60)).toBe(1);
    expect(await cache.increment(k, 60)).toBe(2);
    await advance(30_000);
    expect(await cache.increment(k, 60)).toBe(3);
    await advance(31_000);
    expect(await cache.increment(k, 60)).toBe(1);
  });
}
