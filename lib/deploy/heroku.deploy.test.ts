// The Heroku path a Deploy-button user takes, on a slug made as the Node buildpack makes it (npm ci,
// the build script, npm prune --omit=dev): the Procfile's release against a fresh database, then its
// web and worker processes with the settings app.json's required variables give (generated
// secrets, ADMIN_EMAIL/ADMIN_PASSWORD, a HEROKU_API_KEY for the account to watch), PORT and a
// DATABASE_URL in Heroku's form. Once on the shared Postgres (no TLS), once on a private Postgres
// that, like Heroku Postgres, takes TLS only with a self-signed certificate (DYNO set: TLS on).
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testEnvironment } from "@/lib/config";
import { frame } from "@/lib/heroku/simulator/drain-sender";
import { newDrainSecret } from "@/lib/ingest/drain";
import { prepareSlug, runRelease, type SlugProcess, startProcess } from "@/lib/testing/deploy-slug";
import { LOG_DIR, type PlantedSecret, writePlanted } from "@/lib/testing/log-scan";
import { startTlsPostgres, type TlsPostgres } from "@/lib/testing/tls-postgres";

const WEB_PORT = 3400;
const SIMULATOR_PORT = 3401;
/** Heroku's R10: a web dyno binds $PORT within 60 s of starting or is killed. */
const R10_MS = 60_000;
/** Heroku sends SIGKILL 30 s after SIGTERM. */
const SIGKILL_AFTER_MS = 30_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** What app.json's `generator: "secret"` gives (64 hex characters): keys are derived from it. */
const generatedSecret = () => randomBytes(32).toString("hex");

type Simulator = { url: string; apiKey: string; stop(): Promise<void> };

/** The standalone Heroku simulator, a test tool run from the repo (tsx is fine here). */
async function startSimulator(apiKey: string): Promise<Simulator> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "",
    SIMULATOR_PORT: String(SIMULATOR_PORT),
    HEROKU_API_KEY: apiKey,
    SIMULATOR_APPS: "3",
  };
  const child: ChildProcess = spawn(
    process.execPath,
    ["--conditions=react-server", "--import", "tsx", "scripts/simulator.ts"],
    {
      cwd: process.cwd(),
      // Next's types insist on NODE_ENV
      env: env as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on("data", () => {});
  const until = Date.now() + 60_000;
  while (!/SIMULATOR_URL=(\S+)/.test(out)) {
    if (child.exitCode !== null) throw new Error(`the simulator exited (${child.exitCode})`);
    if (Date.now() > until) throw new Error("the simulator did not start within 60 s");
    await sleep(100);
  }
  const url = /SIMULATOR_URL=(\S+)/.exec(out)?.[1] ?? "";
  return {
    url,
    apiKey,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

type Database = { url: string; stop(): Promise<void> };

/** A fresh, empty database on the shared Postgres, reached with a URL in Heroku's form. */
async function sharedDatabase(serverUrl: string): Promise<Database> {
  const name = `dm_deploy_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  await admin.end();
  const server = new URL(serverUrl);
  // the shared server trusts local connections: any password works, as Heroku's URLs carry one
  const url = `postgres://${server.username || "postgres"}:${randomBytes(12).toString("hex")}@${server.hostname}:${server.port || 5432}/${name}`;
  return {
    url,
    async stop() {
      const cleanup = postgres(serverUrl, { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`drop database if exists "${name}" with (force)`);
      await cleanup.end();
    },
  };
}

/** The test's own view of the store (TLS unchecked, as Heroku Postgres needs). */
function storeClient(url: string, tls: boolean) {
  return postgres(url, {
    max: 2,
    onnotice: () => {},
    ssl: tls ? { rejectUnauthorized: false } : false,
  });
}

/** Signs in through Auth.js's credentials callback as the sign-in form does; the session cookie. */
async function signIn(base: string, email: string, password: string): Promise<string | null> {
  const csrf = await fetch(`${base}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const jar = csrf.headers.getSetCookie().map((cookie) => cookie.split(";")[0]);
  const answer = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: jar.join("; ") },
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl: base }).toString(),
  });
  await answer.arrayBuffer();
  const session = answer.headers
    .getSetCookie()
    .map((cookie) => cookie.split(";")[0] ?? "")
    .find((cookie) => cookie.startsWith("authjs.session-token="));
  return session ?? null;
}

/** The pids of a process group (the processes of one "dyno"). */
function groupPids(pgid: number): number[] {
  try {
    return execFileSync("ps", ["-o", "pid=", "-g", String(pgid)], { encoding: "utf8" })
      .split("\n")
      .map((line) => Number(line.trim()))
      .filter((pid) => pid > 0);
  } catch {
    return [];
  }
}

type Story = { name: string; database: Database; tls: boolean; dyno: boolean };

async function deployStory(slug: string, simulator: Simulator, story: Story): Promise<void> {
  const secrets = {
    AUTH_SECRET: generatedSecret(),
    SECRETS_KEY: generatedSecret(),
    CRON_SECRET: generatedSecret(),
    ADMIN_PASSWORD: `pw-${randomBytes(12).toString("base64url")}`,
  };
  const env: Record<string, string> = {
    ...secrets,
    ADMIN_EMAIL: `admin-${story.name}@example.com`,
    HEROKU_API_KEY: simulator.apiKey,
    HEROKU_API_URL: simulator.url,
    DATABASE_URL: story.database.url,
    // the Node buildpack's default at run time
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    SCHEDULER_INTERVAL_SECONDS: "5",
  };
  const dyno = (name: string): Record<string, string> => (story.dyno ? { DYNO: name } : {});
  const logFile = (type: string) => join(LOG_DIR, `deploy-heroku-${story.name}-${type}.log`);
  const planted: PlantedSecret[] = [
    ...Object.entries(secrets).map(([name, value]) => ({ name, value })),
    { name: "HEROKU_API_KEY", value: simulator.apiKey },
    { name: "DATABASE_URL", value: story.database.url },
  ];
  for (const type of ["release", "web", "worker"]) writePlanted(logFile(type), planted);

  const release = await runRelease(
    slug,
    { ...env, ...dyno(`release.${Math.floor(Math.random() * 9000) + 1000}`) },
    { logFile: logFile("release") },
  );
  expect(release.output, "the release log says what it did").toMatch(/Migrations applied/);
  expect(release.code).toBe(0);

  const processes: SlugProcess[] = [];
  const sql = storeClient(story.database.url, story.tls);
  try {
    const web = startProcess(
      slug,
      "web",
      { ...env, ...dyno("web.1"), PORT: String(WEB_PORT) },
      { logFile: logFile("web") },
    );
    processes.push(web);
    const worker = startProcess(
      slug,
      "worker",
      { ...env, ...dyno("worker.1") },
      { logFile: logFile("worker") },
    );
    processes.push(worker);

    const bootMs = await web.waitForHealth(WEB_PORT, R10_MS);
    process.stdout.write(`DEPLOY boot_to_health_ms ${bootMs} (${story.name})\n`);
    expect(bootMs).toBeLessThan(R10_MS);

    const base = `http://localhost:${WEB_PORT}`;
    const session = await signIn(base, env.ADMIN_EMAIL ?? "", secrets.ADMIN_PASSWORD);
    expect(session, "sign-in with ADMIN_EMAIL/ADMIN_PASSWORD sets a session").not.toBeNull();
    const me = await fetch(`${base}/api/me`, { headers: { Cookie: session ?? "" } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { email?: string }).email).toBe(env.ADMIN_EMAIL);

    // one worker tick: discovery (the worker's run) finds the simulated account's apps
    const workerPids = () => groupPids(worker.pid);
    let workerRuns = 0;
    for (const until = Date.now() + 90_000; Date.now() < until && workerRuns === 0; ) {
      const runs = await sql<{ owner: string; outcome: string }[]>`
        select owner, outcome from job_runs where outcome <> 'running'`;
      const pids = new Set(workerPids());
      workerRuns = runs.filter((run) => pids.has(Number(run.owner.split(":").at(-2)))).length;
      if (workerRuns === 0) await sleep(1000);
    }
    expect(workerRuns, "the worker ran a job (job_runs)").toBeGreaterThan(0);
    const apps = await sql<{ id: string; name: string }[]>`select id, name from apps order by name`;
    expect(apps.length, "discovery found the watched account's apps").toBeGreaterThan(0);

    // a drain batch, posted as Logplex posts it to the URL the console gives (Basic credentials)
    const app = apps[0];
    if (!app) throw new Error("no app");
    const { secret, hash } = newDrainSecret();
    const [drain] = await sql<{ id: string }[]>`
      insert into drains (app_id, token_hash) values (${app.id}, ${hash}) returning id`;
    planted.push({ name: "drain secret", value: secret });
    for (const type of ["web", "worker"]) writePlanted(logFile(type), planted);
    const lines = [0, 1].map((i) =>
      frame({
        source: "heroku",
        proc: "web.1",
        at: Date.now() * 1000 + i,
        text: `at=info deploy ${i}`,
      }),
    );
    const posted = await fetch(`${base}/api/drains/${drain?.id}`, {
      method: "POST",
      headers: {
        "Content-Type": "application/logplex-1",
        "Logplex-Msg-Count": String(lines.length),
        "Logplex-Frame-Id": randomUUID().replace(/-/g, "").toUpperCase(),
        Authorization: `Basic ${Buffer.from(`drain:${secret}`).toString("base64")}`,
      },
      body: lines.join(""),
    });
    expect(posted.status).toBe(204);
    const [stored] = await sql<{ lines: number }[]>`
      select lines::int as lines from drains where id = ${drain?.id ?? ""}`;
    expect(stored?.lines).toBe(lines.length);

    // SIGTERM, as Heroku stops every dyno (deploys, daily restarts): clean exits within 30 s
    const [webStop, workerStop] = await Promise.all([
      web.stop("SIGTERM", SIGKILL_AFTER_MS + 5000),
      worker.stop("SIGTERM", SIGKILL_AFTER_MS + 5000),
    ]);
    process.stdout.write(
      `DEPLOY sigterm_ms web ${webStop.ms} (code ${webStop.code}) worker ${workerStop.ms} (code ${workerStop.code}) (${story.name})\n`,
    );
    expect([0, 143]).toContain(webStop.code);
    expect([0, 143]).toContain(workerStop.code);
    expect(webStop.ms).toBeLessThan(SIGKILL_AFTER_MS);
    expect(workerStop.ms).toBeLessThan(SIGKILL_AFTER_MS);
    const held = await sql<{ name: string }[]>`select name from jobs where lease_owner is not null`;
    expect(held, "no lease outlives its process").toEqual([]);
  } finally {
    await Promise.all(processes.map((p) => (p.alive() ? p.stop("SIGKILL") : undefined)));
    await sql.end();
  }
}

const serverUrl = testEnvironment().databaseUrl ?? "postgres://postgres@127.0.0.1:5432/postgres";

describe("Heroku-like deploy (buildpack slug, Procfile release/web/worker)", () => {
  let slug = "";
  let simulator: Simulator | undefined;

  beforeAll(async () => {
    slug = await prepareSlug();
    // what the buildpack prunes: the run below proves the runtime does without them
    for (const dev of ["typescript", "tsx", "esbuild", "vitest"]) {
      expect(existsSync(join(slug, "node_modules", dev)), `${dev} pruned`).toBe(false);
    }
    simulator = await startSimulator(`HRKU-${randomUUID()}`);
  }, 600_000);
  afterAll(async () => {
    await simulator?.stop();
  });

  it("deploys on Postgres: release, health within R10, sign-in, drain, worker tick, SIGTERM", async () => {
    const database = await sharedDatabase(serverUrl);
    try {
      await deployStory(slug, simulator as Simulator, {
        name: "shared-pg",
        database,
        tls: false,
        dyno: false,
      });
    } finally {
      await database.stop();
    }
  });

  it("deploys on a TLS-only Postgres with a self-signed certificate (DYNO set)", async () => {
    let database: TlsPostgres | undefined;
    try {
      database = await startTlsPostgres();
      await deployStory(slug, simulator as Simulator, {
        name: "tls-pg",
        database,
        tls: true,
        dyno: true,
      });
    } finally {
      await database?.stop();
    }
  });
});
