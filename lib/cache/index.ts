import "server-only";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { log } from "@/lib/log";
import { chooseCache } from "./choose";
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

function createCache(): Cache {
  const choice = chooseCache(getConfig());
  // Redis or Upstash unreachable: Postgres (or PGlite) answers, so cooling periods still hold
  switch (choice.kind) {
    case "upstash":
      if (choice.notice) log.info(choice.notice);
      return createFailoverCache({
        primary: createUpstashCache({ url: choice.url, token: choice.token }),
        fallback: createPostgresCache(getDb()),
      });
    case "redis":
      return createFailoverCache({
        primary: createRedisCache({ url: choice.url }),
        fallback: createPostgresCache(getDb()),
      });
    case "postgres":
      return createPostgresCache(getDb());
    case "memory":
      return createMemoryCache();
  }
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
