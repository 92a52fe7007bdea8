import "server-only";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { createMemoryCache } from "./memory";
import { createPostgresCache } from "./postgres";
import type { Cache } from "./types";

export type { Cache, SetOptions } from "./types";

const globalKey = Symbol.for("dyno-monitor.cache");
type GlobalWithCache = typeof globalThis & { [globalKey]?: Cache };

/**
 * The process's cache: in memory on the embedded defaults (PGlite means one process), in Postgres
 * once DATABASE_URL lets several instances run.
 */
export function getCache(): Cache {
  const store = globalThis as GlobalWithCache;
  if (!store[globalKey]) {
    store[globalKey] = getConfig().databaseUrl ? createPostgresCache(getDb()) : createMemoryCache();
  }
  return store[globalKey];
}
