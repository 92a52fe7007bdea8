import "server-only";
import { and, eq, isNotNull, lte, sql } from "drizzle-orm";
import type { Clock } from "@/lib/clock";
import { systemClock } from "@/lib/clock";
import type { Executor } from "@/lib/db/client";
import { queryRows } from "@/lib/db/execute";
import { cacheEntries } from "@/lib/db/schema";
import type { Cache, SetOptions } from "./types";

/** Shared by every instance on one Postgres; the fallback when no Redis is configured. */
export function createPostgresCache(db: Executor, clock: Clock = systemClock): Cache {
  const expiry = (ttlSeconds?: number) =>
    ttlSeconds === undefined ? null : new Date(clock.now().getTime() + ttlSeconds * 1000);
  const nowIso = () => clock.now().toISOString();

  return {
    kind: "postgres",
    async get(key) {
      const rows = await queryRows<{ value: string }>(
        db,
        sql`select value from cache_entries
            where key = ${key} and (expires_at is null or expires_at > ${nowIso()}::timestamptz)`,
      );
      return rows[0]?.value ?? null;
    },
    async set(key, value, options: SetOptions = {}) {
      const expiresAt = expiry(options.ttlSeconds)?.toISOString() ?? null;
      if (!options.onlyIfAbsent) {
        await db.execute(sql`
          insert into cache_entries (key, value, expires_at)
          values (${key}, ${value}, ${expiresAt}::timestamptz)
          on conflict (key) do update set value = excluded.value, expires_at = excluded.expires_at`);
        return true;
      }
      // Only an expired holder may be replaced: the conditional upsert is atomic.
      const rows = await queryRows<{ key: string }>(
        db,
        sql`insert into cache_entries (key, value, expires_at)
            values (${key}, ${value}, ${expiresAt}::timestamptz)
            on conflict (key) do update set value = excluded.value, expires_at = excluded.expires_at
            where cache_entries.expires_at is not null
              and cache_entries.expires_at <= ${nowIso()}::timestamptz
            returning key`,
      );
      return rows.length === 1;
    },
    async increment(key, ttlSeconds) {
      const expiresAt = expiry(ttlSeconds)?.toISOString() ?? null;
      const rows = await queryRows<{ value: string }>(
        db,
        sql`insert into cache_entries (key, value, expires_at)
            values (${key}, '1', ${expiresAt}::timestamptz)
            on conflict (key) do update set
              value = case
                when cache_entries.expires_at is not null
                  and cache_entries.expires_at <= ${nowIso()}::timestamptz then '1'
                else (coalesce(nullif(cache_entries.value, ''), '0')::bigint + 1)::text end,
              expires_at = case
                when cache_entries.expires_at is not null
                  and cache_entries.expires_at <= ${nowIso()}::timestamptz then excluded.expires_at
                else cache_entries.expires_at end
            returning value`,
      );
      return Number(rows[0]?.value ?? 1);
    },
    async ttl(key) {
      const rows = await queryRows<{ expires_at: string | Date | null }>(
        db,
        sql`select expires_at from cache_entries
            where key = ${key} and (expires_at is null or expires_at > ${nowIso()}::timestamptz)`,
      );
      const at = rows[0]?.expires_at;
      if (!at) return null;
      return Math.ceil((new Date(at).getTime() - clock.now().getTime()) / 1000);
    },
    async delete(key) {
      await db.delete(cacheEntries).where(eq(cacheEntries.key, key));
    },
  };
}

/** Removes expired entries; returns how many. */
export async function sweepExpiredCacheEntries(db: Executor, now: Date): Promise<number> {
  const removed = await db
    .delete(cacheEntries)
    .where(and(isNotNull(cacheEntries.expiresAt), lte(cacheEntries.expiresAt, now)))
    .returning({ key: cacheEntries.key });
  return removed.length;
}
