// A real database per test file: a fresh Postgres database when DATABASE_URL is set, otherwise an
// in-memory PGlite; both migrated from drizzle/ exactly as production is.
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { type DbHandle, openDatabase } from "@/lib/db/client";
import { runMigrations } from "@/lib/db/migrate";
import { serviceUrl } from "./services";

export type TestDatabase = DbHandle & { name: string; url?: string };

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = serviceUrl("postgres");
  if (!serverUrl) {
    const handle = openDatabase({});
    await runMigrations(handle);
    return { ...handle, name: "pglite:memory" };
  }
  const name = `dm_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  await admin.end();
  const url = withDatabase(serverUrl, name);
  const handle = openDatabase({ databaseUrl: url });
  await runMigrations(handle);
  return {
    ...handle,
    name,
    url,
    async close() {
      await handle.close();
      const cleanup = postgres(serverUrl, { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`drop database if exists "${name}" with (force)`);
      await cleanup.end();
    },
  };
}
