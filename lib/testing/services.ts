// Which real services this test run has, and what a suite does when one is missing: print why it
// skips, or fail under CI=true, where every service is expected.
import IORedis from "ioredis";
import { testEnvironment } from "@/lib/config";

export type Service = "postgres" | "redis";

const settingFor: Record<Service, string> = { postgres: "DATABASE_URL", redis: "REDIS_URL" };

export function serviceUrl(service: Service): string | undefined {
  const env = testEnvironment();
  return service === "postgres" ? env.databaseUrl : env.redisUrl;
}

/**
 * Returns true when the suite can run. When the service is missing it prints the reason and
 * returns false, except under CI=true, where it throws, unless this pass declared it runs without
 * that service on purpose (CI's PGlite pass sets TEST_DB=pglite; its Postgres pass runs those suites).
 */
export function requireService(service: Service, suite: string): boolean {
  if (serviceUrl(service)) return true;
  const { ci, testDb } = testEnvironment();
  const reason = `${suite}: skipped, ${settingFor[service]} is not set (this suite needs a real ${service}).`;
  if (ci && !(service === "postgres" && testDb === "pglite")) {
    throw new Error(`${reason} CI=true requires it.`);
  }
  process.stdout.write(`${reason}\n`);
  return false;
}

export type LocalRedis = {
  /** REDIS_URL, else the local default that CI starts. */
  url: string;
  /** Whether it answered PING; when not, the reason was printed (or thrown under CI=true). */
  up: boolean;
  /** A connection of the test's own, for setting up and cleaning keys; the suite quits it. */
  side: IORedis;
};

/** The machine's Redis for `suite`: a side connection, and whether the suite can run on it. */
export async function localRedis(suite: string): Promise<LocalRedis> {
  const url = serviceUrl("redis") ?? "redis://127.0.0.1:6379";
  const side = new IORedis(url, {
    lazyConnect: true,
    connectTimeout: 2000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  side.on("error", () => {});
  const up = await side.ping().then(
    () => true,
    () => false,
  );
  if (!up) {
    const reason = `${suite}: skipped, no Redis answers at ${new URL(url).host} (set REDIS_URL, or start redis-server on 127.0.0.1:6379).`;
    if (testEnvironment().ci) throw new Error(`${reason} CI=true requires it.`);
    process.stdout.write(`${reason}\n`);
  }
  return { url, up, side };
}
