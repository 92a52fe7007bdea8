// Which real services this test run has, and what a suite does when one is missing: print why it
// skips, or fail under CI=true, where every service is expected.
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
