import type { Config } from "@/lib/config";

export type CacheChoice =
  | { kind: "upstash"; url: string; token: string; notice?: string }
  | { kind: "redis"; url: string }
  | { kind: "postgres" }
  | { kind: "memory" };

/**
 * Which cache the settings ask for: Upstash when both its variables are set, else REDIS_URL, else
 * Postgres once DATABASE_URL lets several instances share one, else this process's memory.
 * Pure, so the order is tested without touching the environment.
 */
export function chooseCache(
  config: Pick<Config, "upstash" | "redisUrl" | "databaseUrl">,
): CacheChoice {
  if (config.upstash) {
    return {
      kind: "upstash",
      url: config.upstash.url,
      token: config.upstash.token,
      ...(config.redisUrl
        ? {
            notice:
              "cache: both UPSTASH_REDIS_REST_URL and REDIS_URL are set; using Upstash, REDIS_URL is ignored",
          }
        : {}),
    };
  }
  if (config.redisUrl) return { kind: "redis", url: config.redisUrl };
  if (config.databaseUrl) return { kind: "postgres" };
  return { kind: "memory" };
}
