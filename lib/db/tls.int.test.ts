import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import { serviceUrl } from "@/lib/testing/services";
import { findPostgresBin, startTlsPostgres, type TlsPostgres } from "@/lib/testing/tls-postgres";
import { openDatabase, postgresSsl } from "./client";
import { queryRows } from "./execute";
import { runMigrations } from "./migrate";

/** The environment a Heroku dyno gives the console (secrets as the `secret` generator makes them). */
function dynoEnv(databaseUrl: string, extra: Record<string, string> = {}) {
  return {
    DATABASE_URL: databaseUrl,
    DYNO: "web.1",
    AUTH_SECRET: randomBytes(32).toString("hex"),
    SECRETS_KEY: randomBytes(32).toString("hex"),
    DEMO_MODE: "on",
    ...extra,
  };
}

/** Opens the database the way getDbHandle does for this environment. */
function openFor(env: Record<string, string>) {
  const config = parseConfig(env);
  if (!config.databaseUrl) throw new Error("the test environment has no DATABASE_URL");
  return openDatabase({
    databaseUrl: config.databaseUrl,
    poolMax: config.databasePoolMax,
    onDyno: config.onDyno,
  });
}

async function sslInUse(handle: ReturnType<typeof openDatabase>): Promise<boolean> {
  const rows = await queryRows<{ ssl: boolean }>(
    handle.db,
    sql`select ssl from pg_stat_ssl where pid = pg_backend_pid()`,
  );
  return rows[0]?.ssl === true;
}

/** Why `select 1` fails: drizzle wraps the driver's error, whose message says what went wrong. */
async function failureOf(handle: ReturnType<typeof openDatabase>): Promise<string> {
  try {
    await handle.db.execute(sql`select 1`);
    return "connected";
  } catch (error) {
    const cause = error instanceof Error ? error.cause : undefined;
    return cause instanceof Error ? cause.message : String(error);
  }
}

function withParam(url: string, name: string, value: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set(name, value);
  return parsed.toString();
}

describe("postgresSsl", () => {
  it.each([
    ["postgres://u:p@h/db", false, false],
    ["postgres://u:p@h/db", true, { rejectUnauthorized: false }],
    ["postgres://u:p@h/db?sslmode=disable", true, false],
    ["postgres://u:p@h/db?sslmode=require", false, { rejectUnauthorized: false }],
    ["postgres://u:p@h/db?sslmode=no-verify", false, { rejectUnauthorized: false }],
    ["postgres://u:p@h/db?sslmode=prefer", false, "prefer"],
    ["postgres://u:p@h/db?sslmode=verify-full", true, { rejectUnauthorized: true }],
  ])("%s on a dyno: %s gives %j", (url, onDyno, expected) => {
    expect(postgresSsl(url, { onDyno })).toEqual(expected);
  });
});

const bin = findPostgresBin();
if (!bin) {
  process.stdout.write(
    "Heroku-like TLS Postgres: skipped, no Postgres server under /usr/lib/postgresql/*/bin\n",
  );
}

describe.runIf(bin)("a Heroku-like Postgres (TLS only, self-signed certificate)", () => {
  let server: TlsPostgres;
  beforeAll(async () => {
    server = await startTlsPostgres();
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  }, 60_000);

  it("on a dyno, with the URL exactly as Heroku sets it: migrations run over TLS and a query works", async () => {
    const handle = openFor(dynoEnv(server.url));
    try {
      await runMigrations(handle);
      await handle.db.execute(sql`insert into app_settings (key, value) values ('probe', 'tls')`);
      const rows = await queryRows<{ value: string }>(
        handle.db,
        sql`select value from app_settings where key = 'probe'`,
      );
      expect(rows[0]?.value).toBe("tls");
      expect(await sslInUse(handle)).toBe(true);
    } finally {
      await handle.close();
    }
  });

  it("off a dyno, with ?sslmode=require: migrations run over TLS and a query works", async () => {
    const env = dynoEnv(withParam(server.url, "sslmode", "require"));
    const { DYNO: _dyno, ...offDyno } = env;
    const handle = openFor(offDyno);
    try {
      await runMigrations(handle); // already applied by the test above: a no-op that must connect
      expect(await sslInUse(handle)).toBe(true);
    } finally {
      await handle.close();
    }
  });

  it("on a dyno with ?sslmode=require too", async () => {
    const handle = openFor(dynoEnv(withParam(server.url, "sslmode", "require")));
    try {
      expect(await sslInUse(handle)).toBe(true);
    } finally {
      await handle.close();
    }
  });

  it("opens no more than DATABASE_POOL_MAX connections however many queries wait", async () => {
    const handle = openFor(dynoEnv(server.url, { DATABASE_POOL_MAX: "2" }));
    try {
      const pids = await Promise.all(
        Array.from({ length: 6 }, () =>
          queryRows<{ pid: number }>(
            handle.db,
            sql`select pg_backend_pid() as pid, pg_sleep(0.2)::text as slept`,
          ),
        ),
      );
      expect(new Set(pids.map((rows) => rows[0]?.pid)).size).toBe(2);
    } finally {
      await handle.close();
    }
  });

  it("refuses a client without TLS (the server takes TLS only, as Heroku's does)", async () => {
    const { DYNO: _dyno, ...offDyno } = dynoEnv(server.url);
    const handle = openFor(offDyno);
    try {
      expect(await failureOf(handle)).toMatch(/no encryption/);
    } finally {
      await handle.close();
    }
  });

  it("with sslmode=verify-full, refuses the self-signed certificate", async () => {
    const handle = openFor(dynoEnv(withParam(server.url, "sslmode", "verify-full")));
    try {
      expect(await failureOf(handle)).toMatch(/certificate/i);
    } finally {
      await handle.close();
    }
  });
});

const plainUrl = serviceUrl("postgres");
if (!plainUrl) {
  process.stdout.write(
    "a dyno on a Postgres without TLS: skipped, DATABASE_URL is not set (it needs the shared Postgres)\n",
  );
}

describe.runIf(plainUrl)("a dyno on a Postgres without TLS (the machine's shared server)", () => {
  const url = plainUrl ?? "";

  it("is refused when the URL says nothing: on a dyno TLS is on", async () => {
    const handle = openFor(dynoEnv(url));
    try {
      expect(await failureOf(handle)).toMatch(/SSL|TLS/i);
    } finally {
      await handle.close();
    }
  });

  it("connects with ?sslmode=disable", async () => {
    const handle = openFor(dynoEnv(withParam(url, "sslmode", "disable")));
    try {
      expect(await sslInUse(handle)).toBe(false);
    } finally {
      await handle.close();
    }
  });
});

describe("DATABASE_POOL_MAX", () => {
  it("defaults to 10 connections per process and takes a smaller pool", () => {
    const base = dynoEnv("postgres://u:p@127.0.0.1:5432/db");
    expect(parseConfig(base).databasePoolMax).toBe(10);
    expect(parseConfig({ ...base, DATABASE_POOL_MAX: "4" }).databasePoolMax).toBe(4);
    expect(() => parseConfig({ ...base, DATABASE_POOL_MAX: "0" })).toThrow(/DATABASE_POOL_MAX/);
  });

  it("refuses an sslmode the client does not know, naming DATABASE_URL", () => {
    expect(() =>
      parseConfig(dynoEnv("postgres://u:p@127.0.0.1:5432/db?sslmode=sometimes")),
    ).toThrow(/DATABASE_URL has sslmode="sometimes"/);
  });
});
