// One fault scenario's world: a fresh migrated Postgres database reached through a TCP proxy the
// test can pause and cut, the production console on it with known secrets (written to a manifest
// for the log scan), and calls that make the console walk its error paths.
import { createHash, randomBytes } from "node:crypto";
import { join } from "node:path";
import postgres, { type Sql } from "postgres";
import { frame } from "@/lib/heroku/simulator/drain-sender";
import { newDrainSecret } from "@/lib/ingest/drain";
import { type ConsoleProcess, startConsole, stopConsole } from "./console-process";
import { createTestDatabase, type TestDatabase } from "./db";
import { LOG_DIR, type PlantedSecret, writePlanted } from "./log-scan";
import { startTcpProxy, type TcpProxy } from "./tcp-proxy";

/** Where nothing listens: the console's Heroku API and a check's database, so calls fail fast. */
const DEAD_API_PORT = 15499;
const DEAD_CHECK_PORT = 15498;

export type Drain = { appId: string; drainId: string; secret: string };

export type FaultSecrets = {
  authSecret: string;
  secretsKey: string;
  cronSecret: string;
  herokuApiKey: string;
  adminEmail: string;
  adminPassword: string;
  checkPassword: string;
};

export type FaultWorld = {
  name: string;
  database: TestDatabase;
  /** Straight to Postgres, never through the proxy: the test's own view of the store. */
  sql: Sql;
  proxy: TcpProxy;
  secrets: FaultSecrets;
  port: number;
  logFile: string;
  env: Record<string, string>;
  server: ConsoleProcess;
  /** An API token of the admin, made here (`dm_…`). */
  apiToken: string;
  addDrain(appName: string): Promise<Drain>;
  /** Starts the console again after a kill, on the same port, database and log file. */
  restart(): Promise<ConsoleProcess>;
  close(): Promise<void>;
};

const secret = (bytes = 24) => randomBytes(bytes).toString("base64url");

function viaProxy(url: string, port: number): string {
  const parsed = new URL(url);
  parsed.hostname = "127.0.0.1";
  parsed.port = String(port);
  return parsed.toString();
}

export const drainPath = (drain: Drain) => `/api/drains/${drain.drainId}.${drain.secret}`;

/** The new drain URL form: the secret as URL credentials, sent by Logplex as Basic auth. */
export const drainBasicUrl = (base: string, drain: Drain) => {
  const url = new URL(`/api/drains/${drain.drainId}`, base);
  url.username = "drain";
  url.password = drain.secret;
  return url.toString();
};

export async function startFaultWorld(options: {
  name: string;
  port: number;
  /** Where the TCP proxy in front of Postgres listens. */
  proxyPort: number;
  scheduler: "on" | "off";
}): Promise<FaultWorld> {
  const database = await createTestDatabase();
  if (!database.url) throw new Error("the fault suite needs Postgres: set DATABASE_URL");
  const sql = postgres(database.url, { max: 2, onnotice: () => {} });
  const target = new URL(database.url);
  const proxy = await startTcpProxy(
    { host: target.hostname, port: Number(target.port || 5432) },
    { port: options.proxyPort },
  );
  const secrets: FaultSecrets = {
    authSecret: secret(32),
    secretsKey: randomBytes(32).toString("base64"),
    cronSecret: secret(24),
    herokuApiKey: `hk-${secret(18)}`,
    adminEmail: "fault-admin@example.com",
    adminPassword: `pw-${secret(12)}`,
    checkPassword: `ck-${secret(12)}`,
  };
  const logFile = join(LOG_DIR, `faults-${options.name}.log`);
  const env = {
    DATABASE_URL: viaProxy(database.url, proxy.port),
    APP_URL: `http://127.0.0.1:${options.port}`,
    AUTH_SECRET: secrets.authSecret,
    SECRETS_KEY: secrets.secretsKey,
    CRON_SECRET: secrets.cronSecret,
    ADMIN_EMAIL: secrets.adminEmail,
    ADMIN_PASSWORD: secrets.adminPassword,
    HEROKU_API_KEY: secrets.herokuApiKey,
    HEROKU_API_URL: `http://127.0.0.1:${DEAD_API_PORT}`,
    SCHEDULER: options.scheduler,
    SCHEDULER_INTERVAL_SECONDS: "5",
    LOG_LEVEL: "info",
  };
  const planted: PlantedSecret[] = [
    { name: "AUTH_SECRET", value: secrets.authSecret },
    { name: "SECRETS_KEY", value: secrets.secretsKey },
    { name: "CRON_SECRET", value: secrets.cronSecret },
    { name: "HEROKU_API_KEY", value: secrets.herokuApiKey },
    { name: "admin password", value: secrets.adminPassword },
    { name: "check credential", value: secrets.checkPassword },
  ];
  writePlanted(logFile, planted);

  let server: ConsoleProcess;
  try {
    server = await startConsole({ port: options.port, env, logFile });
  } catch (error) {
    await proxy.close();
    await sql.end();
    await database.close();
    throw error;
  }

  const [admin] = await sql<{ id: string; password_hash: string }[]>`
    select id, password_hash from users where email = ${secrets.adminEmail}`;
  if (!admin) throw new Error("the console did not create the admin from ADMIN_EMAIL");
  const apiToken = `dm_${randomBytes(32).toString("base64url")}`;
  await sql`insert into api_tokens (user_id, name, token_hash, prefix, created_at)
    values (${admin.id}, 'fault suite', ${createHash("sha256").update(apiToken).digest("hex")},
      ${apiToken.slice(0, 10)}, now())`;
  planted.push(
    { name: "admin password hash", value: admin.password_hash },
    { name: "API token", value: apiToken },
  );
  writePlanted(logFile, planted);

  const world: FaultWorld = {
    name: options.name,
    database,
    sql,
    proxy,
    secrets,
    port: options.port,
    logFile,
    env,
    server,
    apiToken,
    async addDrain(appName) {
      const now = new Date();
      const [app] = await sql<{ id: string }[]>`
        insert into apps (heroku_id, name, first_seen_at, last_synced_at)
        values (${`fault-${appName}`}, ${appName}, ${now}, ${now}) returning id`;
      const { secret: drainSecret, hash } = newDrainSecret();
      const [drain] = await sql<{ id: string }[]>`
        insert into drains (app_id, token_hash) values (${app?.id ?? ""}, ${hash}) returning id`;
      const made = { appId: app?.id ?? "", drainId: drain?.id ?? "", secret: drainSecret };
      planted.push(
        { name: `drain secret of ${appName}`, value: made.secret },
        {
          name: `drain Basic credentials of ${appName}`,
          value: Buffer.from(`drain:${made.secret}`).toString("base64"),
        },
      );
      writePlanted(logFile, planted);
      return made;
    },
    async restart() {
      world.server = await startConsole({ port: options.port, env, logFile });
      return world.server;
    },
    async close() {
      await stopConsole(world.server);
      await proxy.close();
      await sql.end();
      await database.close();
    },
  };
  return world;
}

export type Probe = { label: string; status: number; ms: number };

/** One request with a long timeout; status 0 when there was no answer. */
export async function probe(
  label: string,
  url: string,
  init: RequestInit = {},
  timeoutMs = 30_000,
): Promise<Probe> {
  const started = performance.now();
  try {
    const response = await fetch(url, {
      redirect: "manual",
      ...init,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.arrayBuffer().catch(() => undefined);
    return { label, status: response.status, ms: performance.now() - started };
  } catch {
    return { label, status: 0, ms: performance.now() - started };
  }
}

/** A sign-in through Auth.js's credentials callback, as the sign-in form posts it. */
export async function signIn(base: string, email: string, password: string): Promise<Probe> {
  const started = performance.now();
  try {
    const csrf = await fetch(`${base}/api/auth/csrf`, { signal: AbortSignal.timeout(30_000) });
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const cookie = csrf.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    const answer = await probe(`sign-in ${email}`, `${base}/api/auth/callback/credentials`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie },
      body: new URLSearchParams({ csrfToken, email, password, callbackUrl: base }).toString(),
    });
    return { ...answer, ms: performance.now() - started };
  } catch {
    return { label: `sign-in ${email}`, status: 0, ms: performance.now() - started };
  }
}

/**
 * Calls that reach the store and, while it is down, the console's error paths: sign-ins (right
 * and wrong password), token calls that read and that insert (a check with a credential), the cron
 * tick, and drain posts in both URL forms with a wrong secret.
 */
export async function walkErrorPaths(world: FaultWorld, drain: Drain): Promise<Probe[]> {
  const base = world.server.url;
  const bearer = { Authorization: `Bearer ${world.apiToken}` };
  const batch = frame({
    source: "heroku",
    proc: "web.1",
    at: Date.now() * 1000,
    text: "Error R14 (Memory quota exceeded)",
  });
  const drainHeaders = {
    "Content-Type": "application/logplex-1",
    "Logplex-Msg-Count": "1",
    "Logplex-Frame-Id": randomBytes(16).toString("hex").toUpperCase(),
  };
  const basic = new URL(drainBasicUrl(base, drain));
  const basicAuth = `Basic ${Buffer.from(`drain:${drain.secret}`).toString("base64")}`;
  basic.username = "";
  basic.password = "";
  return Promise.all([
    signIn(base, world.secrets.adminEmail, world.secrets.adminPassword),
    signIn(base, world.secrets.adminEmail, `wrong-${world.secrets.adminPassword}`),
    probe("GET /api/checks (token)", `${base}/api/checks`, { headers: bearer }),
    probe("POST /api/checks (token)", `${base}/api/checks`, {
      method: "POST",
      headers: { ...bearer, "Content-Type": "application/json" },
      body: JSON.stringify({
        kind: "postgres",
        name: `fault check ${randomBytes(3).toString("hex")}`,
        url: `postgres://checker:${world.secrets.checkPassword}@127.0.0.1:${DEAD_CHECK_PORT}/app`,
        intervalSeconds: 10,
        timeoutMs: 2000,
      }),
    }),
    probe("GET /api/cron/tick", `${base}/api/cron/tick`, {
      headers: { Authorization: `Bearer ${world.secrets.cronSecret}` },
    }),
    probe("drain post (Basic)", basic.toString(), {
      method: "POST",
      headers: { ...drainHeaders, Authorization: basicAuth },
      body: batch,
    }),
    probe("drain post (path, wrong secret)", `${base}/api/drains/${drain.drainId}.${secret()}`, {
      method: "POST",
      headers: drainHeaders,
      body: batch,
    }),
  ]);
}
