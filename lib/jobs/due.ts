// Asks for a job to run at the next tick instead of at its interval (e.g. evaluate-rules right
// after new error events were stored). Imports nothing from the registry: ingest may call it.
import { sql } from "drizzle-orm";
import type { Executor } from "@/lib/db/client";

export async function requestJobSoon(db: Executor, name: string, at: Date): Promise<void> {
  await db.execute(
    sql`update jobs set next_run_at = least(next_run_at, ${at.toISOString()}::timestamptz) where name = ${name}`,
  );
}
