import "server-only";
import { sql } from "drizzle-orm";
import { APP_VERSION } from "@/lib/config";
import { getDbHandle } from "@/lib/db/client";
import { migrationStatus } from "@/lib/db/migrate";

export type Health = {
  status: "ok" | "degraded";
  version: string;
  db: { ok: boolean; driver: "postgres" | "pglite"; latencyMs: number; error?: string };
  migrations: { current: boolean; applied: number; expected: number };
};

export async function checkHealth(): Promise<Health> {
  const handle = getDbHandle();
  const started = performance.now();
  let dbError: string | undefined;
  try {
    await handle.db.execute(sql`select 1`);
  } catch (error) {
    dbError = error instanceof Error ? error.message : String(error);
  }
  const latencyMs = Math.round((performance.now() - started) * 10) / 10;
  const migrations = dbError
    ? { current: false, applied: 0, expected: 0 }
    : await migrationStatus(handle);
  const ok = !dbError && migrations.current;
  return {
    status: ok ? "ok" : "degraded",
    version: APP_VERSION,
    db: {
      ok: !dbError,
      driver: handle.driver,
      latencyMs,
      ...(dbError ? { error: "database unreachable" } : {}),
    },
    migrations,
  };
}
