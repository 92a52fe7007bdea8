// lib/db owns the connection (postgres-js with DATABASE_URL, PGlite under .data/ otherwise), the
// schema and the migrator. It holds no business rules.
import "server-only";
import { existsSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { type DatabaseSslMode, getConfig } from "@/lib/config";
import * as schema from "./schema";

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Anything that runs queries: the database handle or an open transaction. */
export type Executor = Db | Tx;

/** postgres-js's `ssl` option: off, TLS when the server offers it, or TLS with or without CA checks. */
export type PostgresSsl = false | "prefer" | { rejectUnauthorized: boolean };

/**
 * TLS for a Postgres URL. `sslmode` in the URL decides (disable; allow/prefer: TLS when offered;
 * require/no-verify: TLS without checking the certificate, as Heroku Postgres needs, its
 * certificate being self-signed; verify-ca/verify-full: checked against the system's CAs).
 * Without sslmode, TLS is on (unchecked) on a Heroku dyno, where Postgres refuses plain
 * connections, and off elsewhere, as before.
 */
export function postgresSsl(databaseUrl: string, options: { onDyno: boolean }): PostgresSsl {
  const mode = new URL(databaseUrl).searchParams.get("sslmode") as DatabaseSslMode | null;
  switch (mode) {
    case "disable":
      return false;
    case "allow":
    case "prefer":
      return "prefer";
    case "require":
    case "no-verify":
      return { rejectUnauthorized: false };
    case "verify-ca":
    case "verify-full":
      return { rejectUnauthorized: true };
    default:
      return options.onDyno ? { rejectUnauthorized: false } : false;
  }
}

export type DbHandle = {
  db: Db;
  driver: "postgres" | "pglite";
  /** Set for Postgres: the migrator opens its own single connection to hold a session lock. */
  databaseUrl?: string;
  /** Set for Postgres: the TLS that connection must use too. */
  ssl?: PostgresSsl;
  close: () => Promise<void>;
};

export class DatabaseLockedError extends Error {
  constructor(dir: string, pid: number) {
    super(
      `The embedded database in ${dir} is already open in process ${pid}. PGlite allows one process ` +
        "per directory (two would silently lose writes). Stop that process, point PGLITE_DIR " +
        "elsewhere, or set DATABASE_URL to use Postgres, which any number of processes can share.",
    );
    this.name = "DatabaseLockedError";
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Claims `<dir>.lock` for this process, or throws DatabaseLockedError naming the owner. */
export function lockPgliteDir(dir: string): () => void {
  const lockFile = `${dir}.lock`;
  mkdirSync(dirname(lockFile), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockFile, String(process.pid), { flag: "wx" });
      const release = () => {
        try {
          if (readFileSync(lockFile, "utf8").trim() === String(process.pid)) unlinkSync(lockFile);
        } catch {
          // already gone
        }
      };
      process.once("exit", release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number.parseInt(readFileSync(lockFile, "utf8").trim(), 10);
      if (owner === process.pid) return () => {};
      if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) {
        throw new DatabaseLockedError(dir, owner);
      }
      unlinkSync(lockFile); // stale: its process is gone
    }
  }
  throw new Error(`Could not lock ${lockFile}`);
}

/** Opens a database: Postgres when a URL is given, else PGlite in `pgliteDir` (or in memory). */
export function openDatabase(options: {
  databaseUrl?: string;
  pgliteDir?: string;
  /** Most connections the pool opens (DATABASE_POOL_MAX); 10 when not given. */
  poolMax?: number;
  /** Running on a Heroku dyno: TLS unless the URL says sslmode=disable. */
  onDyno?: boolean;
}): DbHandle {
  if (options.databaseUrl) {
    const ssl = postgresSsl(options.databaseUrl, { onDyno: options.onDyno ?? false });
    const client = postgres(options.databaseUrl, {
      max: options.poolMax ?? 10,
      ssl,
      // a server that takes the connection but never answers holds a pool slot this long, not
      // postgres-js's default 30 s (queries have no timeout: callers that must answer use
      // lib/db/availability's deadline)
      connect_timeout: 5,
      onnotice: () => {},
      connection: { application_name: "dyno-monitor" },
    });
    return {
      db: drizzlePostgres(client, { schema, casing: "snake_case" }) as unknown as Db,
      driver: "postgres",
      databaseUrl: options.databaseUrl,
      ssl,
      close: () => client.end({ timeout: 5 }),
    };
  }
  const dir = options.pgliteDir;
  let release = () => {};
  if (dir) {
    release = lockPgliteDir(dir);
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
  }
  const client = dir ? new PGlite(dir) : new PGlite();
  return {
    db: drizzlePglite(client, { schema, casing: "snake_case" }) as unknown as Db,
    driver: "pglite",
    close: async () => {
      await client.close();
      release();
    },
  };
}

// Next bundles instrumentation, proxy and each route separately: module state is not shared
// between them, so the process-wide handle lives on globalThis.
const globalKey = Symbol.for("dyno-monitor.db");
type GlobalWithDb = typeof globalThis & { [globalKey]?: DbHandle };

/** The process's database, opened on first use. */
export function getDbHandle(): DbHandle {
  const store = globalThis as GlobalWithDb;
  if (!store[globalKey]) {
    const config = getConfig();
    store[globalKey] = openDatabase(
      config.databaseUrl
        ? {
            databaseUrl: config.databaseUrl,
            poolMax: config.databasePoolMax,
            onDyno: config.onDyno,
          }
        : { pgliteDir: config.pgliteDir },
    );
  }
  return store[globalKey];
}

export function getDb(): Db {
  return getDbHandle().db;
}

/** Closes the process's database (worker shutdown, scripts). */
export async function closeDb(): Promise<void> {
  const store = globalThis as GlobalWithDb;
  const handle = store[globalKey];
  store[globalKey] = undefined;
  await handle?.close();
}

/** Tests: make a test database the process's database, as route handlers and pages see it. */
export function installDbHandle(handle: DbHandle | undefined): void {
  (globalThis as GlobalWithDb)[globalKey] = handle;
}
