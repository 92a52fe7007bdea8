// Real checks against real local servers: an HTTP(S) server on loopback, the machine's Redis and
// Postgres (REDIS_URL / DATABASE_URL, else their default local ports), a closed port, a server that
// accepts and never answers. Redis and Postgres suites skip with a reason locally when nothing
// answers; under CI=true they must run.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { type AddressInfo, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testEnvironment } from "@/lib/config";
import { uniqueSuffix } from "@/lib/testing/factories";
import { localRedis, serviceUrl } from "@/lib/testing/services";
import { runPostgresCheck, runRedisCheck, runWebCheck } from "./run";
import { configSchemas } from "./schema";

const web = (config: Record<string, unknown> = {}) => configSchemas.web.parse(config);
const redisConfig = (config: Record<string, unknown> = {}) => configSchemas.redis.parse(config);
const pgConfig = (config: Record<string, unknown> = {}) => configSchemas.postgres.parse(config);

function listen(server: Server | HttpServer): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
}

/** A port nothing listens on: bound once, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Accepts connections and never says a word: every client hangs until its timeout. */
let silent: Server;
let silentPort: number;
const silentSockets = new Set<Socket>();
let http: HttpServer;
let base: string;
const httpSockets = new Set<Socket>();

beforeAll(async () => {
  silent = createServer((socket) => {
    silentSockets.add(socket);
    socket.on("error", () => {});
  });
  silentPort = await listen(silent);
  http = createHttpServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname === "/health") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"status":"ok","db":"up"}');
    } else if (url.pathname === "/broken") {
      res.writeHead(500, { "content-type": "text/plain" });
      res.end("internal error");
    } else if (url.pathname === "/slow") {
      // answers long after any check's timeout; the socket is destroyed in afterAll
      setTimeout(() => res.end("late"), 30_000).unref();
    } else if (url.pathname === "/moved") {
      res.writeHead(302, { location: "/health" });
      res.end();
    } else {
      res.writeHead(404);
      res.end("no such page");
    }
  });
  http.on("connection", (socket) => httpSockets.add(socket));
  base = `http://127.0.0.1:${await listen(http)}`;
});

afterAll(async () => {
  for (const socket of [...silentSockets, ...httpSockets]) socket.destroy();
  await Promise.all([
    new Promise((resolve) => silent.close(resolve)),
    new Promise((resolve) => http.close(resolve)),
  ]);
});

describe("runWebCheck", () => {
  it("is up on a 200 and records the status code and response time", async () => {
    const outcome = await runWebCheck(`${base}/health`, web(), { timeoutMs: 5000 });
    expect(outcome).toMatchObject({ ok: true, statusCode: 200 });
    expect(outcome.latencyMs).toBeGreaterThan(0);
    expect(outcome.error).toBeUndefined();
  });

  it("is down on a 500: wrong status", async () => {
    const outcome = await runWebCheck(`${base}/broken`, web(), { timeoutMs: 5000 });
    expect(outcome).toMatchObject({
      ok: false,
      statusCode: 500,
      reason: "wrong status",
      error: "wrong status: 500 (expected 200-399)",
    });
  });

  it("takes the expected statuses from the check (a 404 can be what is wanted)", async () => {
    const outcome = await runWebCheck(`${base}/missing`, web({ expectedStatus: "404" }), {
      timeoutMs: 5000,
    });
    expect(outcome).toMatchObject({ ok: true, statusCode: 404 });
  });

  it("cuts a hanging answer at the timeout and says so", async () => {
    const outcome = await runWebCheck(`${base}/slow`, web(), { timeoutMs: 300 });
    expect(outcome).toMatchObject({
      ok: false,
      reason: "timeout",
      error: "timeout: no answer within 300 ms",
    });
    expect(outcome.statusCode).toBeUndefined();
  });

  it("is down when the body lacks the required text, up when it has it", async () => {
    const missing = await runWebCheck(`${base}/health`, web({ bodyText: '"db":"down"' }), {
      timeoutMs: 5000,
    });
    expect(missing).toMatchObject({ ok: false, statusCode: 200, reason: "missing text" });
    expect(missing.error).toBe('missing text: the body does not contain “"db":"down"”');
    const found = await runWebCheck(`${base}/health`, web({ bodyText: '"db":"up"' }), {
      timeoutMs: 5000,
    });
    expect(found).toMatchObject({ ok: true, statusCode: 200 });
  });

  it("judges a redirect as it is, or follows it when asked", async () => {
    const kept = await runWebCheck(`${base}/moved`, web(), { timeoutMs: 5000 });
    expect(kept).toMatchObject({ ok: true, statusCode: 302, detail: { location: "/health" } });
    const strict = await runWebCheck(`${base}/moved`, web({ expectedStatus: "200" }), {
      timeoutMs: 5000,
    });
    expect(strict).toMatchObject({ ok: false, reason: "wrong status" });
    const followed = await runWebCheck(`${base}/moved`, web({ followRedirects: true }), {
      timeoutMs: 5000,
    });
    expect(followed).toMatchObject({ ok: true, statusCode: 200 });
  });

  it("says connection refused for a closed port", async () => {
    const port = await closedPort();
    const outcome = await runWebCheck(`http://127.0.0.1:${port}/`, web(), { timeoutMs: 5000 });
    expect(outcome).toMatchObject({
      ok: false,
      reason: "connection refused",
      error: `connection refused: 127.0.0.1:${port}`,
    });
  });

  it("says DNS for a host that does not resolve", async () => {
    const outcome = await runWebCheck("http://no-such-host.invalid/", web(), { timeoutMs: 5000 });
    expect(outcome).toMatchObject({
      ok: false,
      reason: "DNS",
      error: "DNS: no-such-host.invalid could not be resolved",
    });
  });

  it("says timeout for a server that accepts and never answers", async () => {
    const outcome = await runWebCheck(`http://127.0.0.1:${silentPort}/`, web(), {
      timeoutMs: 300,
    });
    expect(outcome).toMatchObject({ ok: false, reason: "timeout" });
  });

  it("reads the TLS certificate's expiry of an https URL, and refuses an untrusted one", async (context) => {
    let dir: string | undefined;
    try {
      dir = mkdtempSync(join(tmpdir(), "dm-check-tls-"));
      execFileSync(
        "openssl",
        [
          "req",
          "-x509",
          "-newkey",
          "rsa:2048",
          "-nodes",
          "-days",
          "10",
          "-subj",
          "/CN=localhost",
          "-keyout",
          join(dir, "key.pem"),
          "-out",
          join(dir, "cert.pem"),
        ],
        { stdio: "ignore" },
      );
    } catch {
      if (dir) rmSync(dir, { recursive: true, force: true });
      process.stdout.write("https check test: skipped, openssl could not make a certificate.\n");
      context.skip();
      return;
    }
    const server = createHttpsServer(
      { key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) },
      (_req, res) => res.end("ok"),
    );
    try {
      const port = await listen(server);
      const outcome = await runWebCheck(`https://localhost:${port}/`, web(), { timeoutMs: 5000 });
      // a self-signed certificate is not trusted: down, with the reason, and its expiry recorded
      expect(outcome).toMatchObject({ ok: false, reason: "TLS" });
      expect(outcome.detail.tlsDaysLeft).toBeGreaterThanOrEqual(9);
      expect(outcome.detail.tlsDaysLeft).toBeLessThanOrEqual(10);
      expect(Date.parse(String(outcome.detail.tlsExpiresAt))).toBeGreaterThan(Date.now());
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

async function answers(check: () => Promise<unknown>): Promise<boolean> {
  return check().then(
    () => true,
    () => false,
  );
}

function skipUnless(up: boolean, reason: string): boolean {
  if (up) return true;
  if (testEnvironment().ci) throw new Error(`${reason} CI=true requires it.`);
  process.stdout.write(`${reason}\n`);
  return false;
}

const { url: redisUrl, up: redisUp, side } = await localRedis("Redis checks");

describe.runIf(redisUp)("runRedisCheck on the machine's Redis", () => {
  const list = `dm-test:check-queue:${process.pid}-${uniqueSuffix()}`;
  beforeAll(async () => {
    await side.rpush(list, ...Array.from({ length: 12 }, (_, i) => `job-${i}`));
  });
  afterAll(async () => {
    await side.del(list);
    side.disconnect();
  });

  it("is up when Redis answers PING", async () => {
    const outcome = await runRedisCheck(redisUrl, redisConfig(), { timeoutMs: 3000 });
    expect(outcome).toMatchObject({ ok: true, detail: {} });
    expect(outcome.latencyMs).toBeGreaterThan(0);
  });

  it("records the list's length, and is down once it is past the threshold", async () => {
    const under = await runRedisCheck(
      redisUrl,
      redisConfig({ listName: list, listThreshold: 20 }),
      { timeoutMs: 3000 },
    );
    expect(under).toMatchObject({ ok: true, detail: { list, listLength: 12 } });
    const over = await runRedisCheck(redisUrl, redisConfig({ listName: list, listThreshold: 10 }), {
      timeoutMs: 3000,
    });
    expect(over).toMatchObject({
      ok: false,
      reason: "list too long",
      detail: { list, listLength: 12, reason: "list too long" },
    });
    expect(over.error).toBe(`list too long: ${list} has 12 items (12 > 10)`);
  });

  it("says connection refused for a closed port, timeout for a server that never answers", async () => {
    const port = await closedPort();
    const refused = await runRedisCheck(`redis://127.0.0.1:${port}`, redisConfig(), {
      timeoutMs: 2000,
    });
    expect(refused).toMatchObject({
      ok: false,
      reason: "connection refused",
      error: `connection refused: 127.0.0.1:${port}`,
    });
    const hung = await runRedisCheck(`redis://127.0.0.1:${silentPort}`, redisConfig(), {
      timeoutMs: 300,
    });
    expect(hung).toMatchObject({ ok: false, reason: "timeout" });
  });
});

// The machine's Postgres: DATABASE_URL's server when set, else the local default that CI starts.
const postgresUrl = serviceUrl("postgres") ?? "postgres://postgres@127.0.0.1:5432/test";
const admin = postgres(postgresUrl, {
  max: 1,
  connect_timeout: 2,
  onnotice: () => {},
});
const postgresUp = skipUnless(
  await answers(() => admin`select 1`),
  `Postgres checks: skipped, no Postgres answers at ${new URL(postgresUrl).host} (set DATABASE_URL, or start Postgres on 127.0.0.1:5432).`,
);
if (!postgresUp) await admin.end({ timeout: 0 });

describe.runIf(postgresUp)("runPostgresCheck on the machine's Postgres", () => {
  const table = `dm_check_target_${uniqueSuffix()}`;
  beforeAll(async () => {
    await admin.unsafe(`create table "${table}" (id int)`);
  });
  afterAll(async () => {
    await admin.unsafe(`drop table if exists "${table}"`);
    await admin.end({ timeout: 1 });
  });

  it("is up when select 1 answers, and when the table exists", async () => {
    const plain = await runPostgresCheck(postgresUrl, pgConfig(), { timeoutMs: 3000 });
    expect(plain).toMatchObject({ ok: true });
    const withTable = await runPostgresCheck(postgresUrl, pgConfig({ table }), {
      timeoutMs: 3000,
    });
    expect(withTable).toMatchObject({ ok: true, detail: { table, tableFound: true } });
  });

  it("is down with table missing once the table is dropped", async () => {
    await admin.unsafe(`drop table "${table}"`);
    const outcome = await runPostgresCheck(postgresUrl, pgConfig({ table }), { timeoutMs: 3000 });
    expect(outcome).toMatchObject({
      ok: false,
      reason: "table missing",
      error: `table missing: ${table} does not exist`,
      detail: { table, tableFound: false },
    });
  });

  it("says connection refused for a closed port, timeout for a server that never answers", async () => {
    const port = await closedPort();
    const refused = await runPostgresCheck(
      `postgres://postgres@127.0.0.1:${port}/test`,
      pgConfig(),
      { timeoutMs: 2000 },
    );
    expect(refused).toMatchObject({
      ok: false,
      reason: "connection refused",
      error: `connection refused: 127.0.0.1:${port}`,
    });
    const hung = await runPostgresCheck(
      `postgres://postgres@127.0.0.1:${silentPort}/test`,
      pgConfig(),
      { timeoutMs: 300 },
    );
    expect(hung).toMatchObject({ ok: false, reason: "timeout" });
  });

  it("says auth failed for a role the server refuses, without the password", async () => {
    const url = new URL(postgresUrl);
    url.username = `no_such_role_${uniqueSuffix()}`;
    url.password = "hunter2-secret";
    const outcome = await runPostgresCheck(url.toString(), pgConfig(), { timeoutMs: 3000 });
    expect(outcome).toMatchObject({ ok: false, reason: "auth failed" });
    expect(outcome.error).not.toContain("hunter2-secret");
  });
});
