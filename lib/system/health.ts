import "server-only";
import { sql } from "drizzle-orm";
import { APP_VERSION } from "@/lib/config";
import { isStoreUp, withinStoreDeadline } from "@/lib/db/availability";
import { getDbHandle } from "@/lib/db/client";
import { migrationStatus } from "@/lib/db/migrate";

export type Health = {
  status: "ok" | "degraded";
  version: string;
  db: { ok: boolean; driver: "postgres" | "pglite"; latencyMs: number; error?: string };
  migrations: { current: boolean; applied: number; expected: number };
};

/** Health answers as fast as the drain does: a database that is down or slow is a 503 at once. */
const HEALTH_DEADLINE_MS = 1_500;

export async function checkHealth(): Promise<Health> {
  const handle = getDbHandle();
  const started = performance.now();
  let migrations: Health["migrations"] = { current: false, applied: 0, expected: 0 };
  let reachable = isStoreUp(handle.db);
  if (reachable) {
    try {
      migrations = await withinStoreDeadline(handle.db, HEALTH_DEADLINE_MS, async () => {
        await handle.db.execute(sql`select 1`);
        return migrationStatus(handle);
      });
    } catch {
      reachable = false;
    }
  }
  const latencyMs = Math.round((performance.now() - started) * 10) / 10;
  return {
    status: reachable && migrations.current ? "ok" : "degraded",
    version: APP_VERSION,
    db: {
      ok: reachable,
      driver: handle.driver,
      latencyMs,
      ...(reachable ? {} : { error: "database unreachable" }),
    },
    migrations,
  };
}
