import "server-only";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import type { DbHandle } from "./client";
import { queryRows } from "./execute";

export const migrationsFolder = join(process.cwd(), "drizzle");

// Any number of instances may start at once: one applies migrations, the others wait for it.
const MIGRATION_LOCK_ID = 7_412_031;

/** Applies every pending migration in drizzle/ with whichever driver the handle uses. */
export async function runMigrations(handle: DbHandle): Promise<void> {
  if (handle.driver === "pglite") {
    // biome-ignore lint/suspicious/noExplicitAny: the migrator wants its own driver's type
    await migratePglite(handle.db as any, { migrationsFolder });
    return;
  }
  const client = postgres(handle.databaseUrl ?? "", {
    max: 1,
    ssl: handle.ssl ?? false,
    onnotice: () => {},
  });
  try {
    await client`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
    await migratePostgres(drizzle(client), { migrationsFolder });
  } finally {
    await client`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`.catch(() => {});
    await client.end({ timeout: 5 });
  }
}

type Journal = { entries: { idx: number; tag: string; when: number }[] };

export function readJournal(): Journal {
  return JSON.parse(readFileSync(join(migrationsFolder, "meta", "_journal.json"), "utf8"));
}

/** How many migrations the code ships and how many the database has applied. */
export async function migrationStatus(
  handle: DbHandle,
): Promise<{ expected: number; applied: number; current: boolean }> {
  const expected = readJournal().entries.length;
  let applied = 0;
  try {
    const rows = await queryRows<{ count: number | string }>(
      handle.db,
      sql`select count(*)::int as count from drizzle.__drizzle_migrations`,
    );
    applied = Number(rows[0]?.count ?? 0);
  } catch {
    applied = 0;
  }
  return { expected, applied, current: applied >= expected };
}
