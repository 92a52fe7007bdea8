// The behaviour every Cache implementation shares; each implementation runs this suite.
import { expect, it } from "vitest";
import type { Cache } from "@/lib/cache/types";
import type { manualClock } from "@/lib/clock";
import { uniqueSuffix } from "@/lib/testing/factories";

export function cacheContract(make: () => { cache: Cache; clock: ReturnType<typeof manualClock> }) {
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
    const { cache, clock } = make();
    const k = key("nx");
    expect(await cache.set(k, "first", { onlyIfAbsent: true, ttlSeconds: 60 })).toBe(true);
    expect(await cache.set(k, "second", { onlyIfAbsent: true, ttlSeconds: 60 })).toBe(false);
    expect(await cache.get(k)).toBe("first");
    clock.advance(61_000);
    expect(await cache.get(k)).toBeNull();
    expect(await cache.set(k, "third", { onlyIfAbsent: true, ttlSeconds: 60 })).toBe(true);
    expect(await cache.get(k)).toBe("third");
  });

  it("reports the remaining time to live", async () => {
    const { cache, clock } = make();
    const k = key("ttl");
    await cache.set(k, "v", { ttlSeconds: 120 });
    clock.advance(30_000);
    expect(await cache.ttl(k)).toBe(90);
    expect(await cache.ttl(key("absent"))).toBeNull();
  });

  it("counts within a fixed window and starts again after it", async () => {
    const { cache, clock } = make();
    const k = key("count");
    expect(await cache.increment(k, 60)).toBe(1);
    expect(await cache.increment(k, 60)).toBe(2);
    clock.advance(30_000);
    expect(await cache.increment(k, 60)).toBe(3);
    clock.advance(31_000);
    expect(await cache.increment(k, 60)).toBe(1);
  });
}
