import "server-only";
import { getConfig } from "@/lib/config";
import { type Executor, getDb } from "@/lib/db/client";
import { log } from "@/lib/log";
import { type CacheChoice, chooseCache } from "./choose";
import { createFailoverCache } from "./failover";
import { createMemoryCache } from "./memory";
import { createPostgresCache } from "./postgres";
import { createRedisCache } from "./redis";
import type { Cache } from "./types";
import { createUpstashCache } from "./upstash";

export { type CacheChoice, chooseCache } from "./choose";
export { CacheUnavailableError } from "./errors";
export type { Cache, SetOptions } from "./types";

const globalKey = Symbol.for("dyno-monitor.cache");
type GlobalWithCache = typeof globalThis & { [globalKey]?: Cache };

/**
 * The cache `choice` names, on `db`: one per process in production (getCache); tests open several
 * to play several instances. Redis or Upstash get the database behind them: when they are
 * unreachable Postgres (or PGlite) answers, so cooling periods still hold.
 */
export function openCache(
  choice: CacheChoice,
  db: Executor,
  options: { keyPrefix?: string } = {},
): Cache & { close?: () => Promise<void> } {
  switch (choice.kind) {
    case "upstash":
      return createFailoverCache({
        primary: createUpstashCache({ url: choice.url, token: choice.token, ...options }),
        fallback: createPostgresCache(db),
      });
    case "redis":
      return createFailoverCache({
        primary: createRedisCache({ url: choice.url, ...options }),
        fallback: createPostgresCache(db),
      });
    case "postgres":
      return createPostgresCache(db);
    case "memory":
      return createMemoryCache();
  }
}

function createCache(): Cache {
  const choice = chooseCache(getConfig());
  if (choice.kind === "upstash" && choice.notice) log.info(choice.notice);
  return openCache(choice, getDb());
}

/**
 * The process's cache, created once from the settings (see chooseCache): Upstash or a Redis
 * server when one is configured (with the database standing in while it is unreachable, see
 * failover.ts), Postgres once DATABASE_URL lets several instances run, in memory on the embedded
 * defaults (PGlite means one process).
 */
export function getCache(): Cache {
  const store = globalThis as GlobalWithCache;
  store[globalKey] ??= createCache();
  return store[globalKey];
}
