// The run-checks job on a real database: due checks claimed under a lease and run for real against
// a loopback HTTP server (and the machine's Redis and Postgres), results and state recorded.
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manualClock } from "@/lib/clock";
import { testEnvironment } from "@/lib/config";
import { type Check, checkResults, checks } from "@/lib/db/schema";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { testCtx, uniqueSuffix } from "@/lib/testing/factories";
import { localRedis, serviceUrl } from "@/lib/testing/services";
import { runPostgresCheck } from "./run";
import { pruneCheckResults, runChecksJob, runDueChecks } from "./runner";
import { createSecretBox } from "./secrets";
import { createCheck, deleteCheck } from "./service";

let database: TestDatabase;
let server: Server;
let base: string;
/** Requests the loopback server saw, by path. */
const hits = new Map<string, number>();
const secrets = createSecretBox(randomBytes(32));

beforeAll(async () => {
  database = await createTestDatabase();
  server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    if (path.startsWith("/down")) {
      res.writeHead(503);
      res.end("maintenance");
    } else if (path.startsWith("/slow")) {
      setTimeout(() => res.end("ok"), 300);
    } else {
      res.end("ok");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await database.close();
});

function ctxAt(clock = manualClock("2026-11-24T12:00:00Z")) {
  return { ctx: testCtx(database.db, { clock }), clock };
}

async function webCheck(
  ctx: ReturnType<typeof ctxAt>["ctx"],
  path: string,
  overrides: Record<string, unknown> = {},
) {
  return createCheck({
    ctx,
    input: { name: `web ${path}`, kind: "web", url: `${base}${path}`, ...overrides },
    secrets,
  });
}

async function resultsOf(id: string) {
  return database.db.select().from(checkResults).where(eq(checkResults.checkId, id));
}

async function rowOf(id: string): Promise<Check> {
  const [row] = await database.db.select().from(checks).where(eq(checks.id, id));
  if (!row) throw new Error("no check");
  return row;
}

/** Disables every check this file made except `keep`, so one test's runs see only its own. */
async function only(...keep: string[]) {
  for (const row of await database.db.select({ id: checks.id }).from(checks)) {
    if (!keep.includes(row.id)) {
      await database.db.update(checks).set({ enabled: false }).where(eq(checks.id, row.id));
    }
  }
}

describe("runDueChecks", () => {
  it("runs a due check, records the result and its state, then waits for its interval", async () => {
    const { ctx, clock } = ctxAt();
    const path = `/up-${uniqueSuffix()}`;
    const check = await webCheck(ctx, path, { intervalSeconds: 30 });
    await only(check.id);

    const first = await runDueChecks(ctx, { owner: "runner-a", secrets });
    expect(first).toMatchObject({ processed: 1, failed: 0 });
    expect(first.detail).toBe("1 checks due: 1 up, 0 down");
    const row = await rowOf(check.id);
    expect(row).toMatchObject({
      lastStatus: "up",
      consecutiveFailures: 0,
      leaseOwner: null,
      leaseUntil: null,
      lastCheckedAt: new Date("2026-11-24T12:00:00Z"),
      nextRunAt: new Date("2026-11-24T12:00:30Z"),
    });
    const [result] = await resultsOf(check.id);
    expect(result).toMatchObject({ ok: true, statusCode: 200, error: null });

    clock.advance(10_000);
    expect(await runDueChecks(ctx, { owner: "runner-a", secrets })).toMatchObject({
      processed: 0,
    });
    clock.advance(20_000);
    expect(await runDueChecks(ctx, { owner: "runner-a", secrets })).toMatchObject({
      processed: 1,
    });
    expect(await resultsOf(check.id)).toHaveLength(2);
    expect(hits.get(path)).toBe(2);
  });

  it("counts consecutive failures with their reason, and starts over on success", async () => {
    const { ctx, clock } = ctxAt();
    const path = `/down-${uniqueSuffix()}`;
    const check = await webCheck(ctx, path, { intervalSeconds: 10, timeoutMs: 2000 });
    await only(check.id);
    for (let i = 0; i < 3; i++) {
      await runDueChecks(ctx, { owner: "runner-a", secrets });
      clock.advance(10_000);
    }
    expect(await rowOf(check.id)).toMatchObject({ lastStatus: "down", consecutiveFailures: 3 });
    const results = await resultsOf(check.id);
    expect(results.map((r) => r.error)).toEqual(
      Array(3).fill("wrong status: 503 (expected 200-399)"),
    );
    expect(results[0]?.detail).toMatchObject({ reason: "wrong status" });

    await database.db
      .update(checks)
      .set({ config: { url: `${base}/up-again`, method: "GET", expectedStatus: "200-399" } })
      .where(eq(checks.id, check.id));
    await runDueChecks(ctx, { owner: "runner-a", secrets });
    expect(await rowOf(check.id)).toMatchObject({ lastStatus: "up", consecutiveFailures: 0 });
  });

  it("runs each due check once when two runners claim at the same time", async () => {
    const { ctx } = ctxAt();
    const prefix = `/lease-${uniqueSuffix()}`;
    const created = [];
    for (let i = 0; i < 8; i++) created.push(await webCheck(ctx, `${prefix}-${i}`));
    await only(...created.map((c) => c.id));

    const [a, b] = await Promise.all([
      runDueChecks(ctx, { owner: "runner-a", secrets, concurrency: 2 }),
      runDueChecks(ctx, { owner: "runner-b", secrets, concurrency: 2 }),
    ]);
    expect((a?.processed ?? 0) + (b?.processed ?? 0)).toBe(8);
    for (let i = 0; i < 8; i++) expect(hits.get(`${prefix}-${i}`), `check ${i}`).toBe(1);
    for (const check of created) expect(await resultsOf(check.id)).toHaveLength(1);
  });

  it("leaves a check another runner holds alone until its lease expires", async () => {
    const { ctx, clock } = ctxAt();
    const path = `/held-${uniqueSuffix()}`;
    const check = await webCheck(ctx, path, { timeoutMs: 5000 });
    await only(check.id);
    await database.db
      .update(checks)
      .set({ leaseOwner: "crashed-runner", leaseUntil: new Date("2026-11-24T12:01:00Z") })
      .where(eq(checks.id, check.id));
    expect(await runDueChecks(ctx, { owner: "runner-a", secrets })).toMatchObject({
      processed: 0,
    });
    clock.advance(61_000);
    expect(await runDueChecks(ctx, { owner: "runner-a", secrets })).toMatchObject({
      processed: 1,
    });
    expect(hits.get(path)).toBe(1);
  });

  it("does not run disabled checks, nor start one whose timeout passes the deadline", async () => {
    const { ctx } = ctxAt();
    const check = await webCheck(ctx, `/late-${uniqueSuffix()}`, { timeoutMs: 5000 });
    const disabled = await webCheck(ctx, `/off-${uniqueSuffix()}`, { enabled: false });
    await only(check.id);
    const summary = await runDueChecks(ctx, {
      owner: "runner-a",
      secrets,
      deadline: new Date("2026-11-24T12:00:02Z"),
    });
    expect(summary).toMatchObject({ processed: 0, skipped: 1 });
    // released for the next run, still due
    expect(await rowOf(check.id)).toMatchObject({ leaseOwner: null, lastStatus: "unknown" });
    expect(await resultsOf(disabled.id)).toHaveLength(0);
    expect(await runDueChecks(ctx, { owner: "runner-a", secrets })).toMatchObject({
      processed: 1,
    });
  });

  it("records an unreadable secret as a failure of that check, and runs the others", async () => {
    const { ctx } = ctxAt();
    const web = await webCheck(ctx, `/fine-${uniqueSuffix()}`);
    const redis = await createCheck({
      ctx,
      input: { name: "queue", kind: "redis", url: "redis://:pw@127.0.0.1:6379/0" },
      secrets: createSecretBox(randomBytes(32)), // another key: what a changed SECRETS_KEY does
    });
    await only(web.id, redis.id);
    const summary = await runDueChecks(ctx, { owner: "runner-a", secrets });
    expect(summary).toMatchObject({ processed: 2, failed: 0 });
    const [failure] = await resultsOf(redis.id);
    expect(failure?.ok).toBe(false);
    expect(failure?.error).toMatch(/^error: The stored credentials cannot be decrypted/);
    expect(await rowOf(web.id)).toMatchObject({ lastStatus: "up" });
  });

  it("drops the result of a check deleted while it ran", async () => {
    const { ctx } = ctxAt();
    const path = `/slow-${uniqueSuffix()}`;
    const check = await webCheck(ctx, path);
    await only(check.id);
    const running = runDueChecks(ctx, { owner: "runner-a", secrets });
    while (!hits.get(path)) await new Promise((resolve) => setTimeout(resolve, 10));
    await deleteCheck({ ctx, id: check.id });
    expect(await running).toMatchObject({ processed: 0, skipped: 1, failed: 0 });
    expect(await resultsOf(check.id)).toHaveLength(0);
  });
});

describe("pruneCheckResults and the run-checks job", () => {
  it("removes results older than the retention, once an hour", async () => {
    const { ctx, clock } = ctxAt(manualClock("2026-11-24T12:00:00Z"));
    const check = await webCheck(ctx, `/old-${uniqueSuffix()}`);
    await only();
    await database.db.insert(checkResults).values([
      {
        checkId: check.id,
        at: new Date("2026-10-20T00:00:00Z"),
        ok: true,
        latencyMs: 5,
        detail: {},
      },
      {
        checkId: check.id,
        at: new Date("2026-11-20T00:00:00Z"),
        ok: true,
        latencyMs: 5,
        detail: {},
      },
    ]);
    const first = await runChecksJob(ctx, { owner: "runner-a", secrets, retentionDays: 30 });
    expect(first.detail).toMatch(/1 old results removed$/);
    expect((await resultsOf(check.id)).map((r) => r.at)).toEqual([
      new Date("2026-11-20T00:00:00Z"),
    ]);
    clock.advance(60_000);
    const next = await runChecksJob(ctx, { owner: "runner-a", secrets, retentionDays: 30 });
    expect(next.detail).not.toMatch(/old results removed/);
    expect(
      await pruneCheckResults(ctx, { now: new Date("2026-12-20T00:00:01Z"), retentionDays: 30 }),
    ).toBe(1);
  });
});

// Redis and Postgres checks through the job: the URL stored encrypted, decrypted for the run.
const { url: redisUrl, up: redisUp, side } = await localRedis("run-checks on Redis");

describe.runIf(redisUp)("a Redis check through the job", () => {
  const list = `dm-test:runner-queue:${process.pid}-${uniqueSuffix()}`;
  afterAll(async () => {
    await side.del(list);
    side.disconnect();
  });

  it("goes down when the queue backs up past its threshold, and up when it drains", async () => {
    const { ctx, clock } = ctxAt();
    const check = await createCheck({
      ctx,
      input: {
        name: "jobs queue",
        kind: "redis",
        url: redisUrl,
        intervalSeconds: 10,
        timeoutMs: 3000,
        config: { listName: list, listThreshold: 5 },
      },
      secrets,
    });
    await only(check.id);
    await side.rpush(list, ...Array.from({ length: 8 }, (_, i) => `job-${i}`));
    await runDueChecks(ctx, { owner: "runner-a", secrets });
    expect(await rowOf(check.id)).toMatchObject({ lastStatus: "down", consecutiveFailures: 1 });
    const [backedUp] = await resultsOf(check.id);
    expect(backedUp).toMatchObject({
      ok: false,
      error: `list too long: ${list} has 8 items (8 > 5)`,
      detail: { listLength: 8 },
    });

    await side.ltrim(list, 0, 1);
    clock.advance(10_000);
    await runDueChecks(ctx, { owner: "runner-a", secrets });
    expect(await rowOf(check.id)).toMatchObject({ lastStatus: "up", consecutiveFailures: 0 });
  });
});

const postgresUrl = serviceUrl("postgres") ?? "postgres://postgres@127.0.0.1:5432/test";
const postgresUp = await runPostgresCheck(postgresUrl, { table: null }, { timeoutMs: 2000 }).then(
  (outcome) => outcome.ok,
);
if (!postgresUp) {
  const reason = `run-checks on Postgres: skipped, no Postgres answers at ${new URL(postgresUrl).host}.`;
  if (testEnvironment().ci) throw new Error(`${reason} CI=true requires it.`);
  process.stdout.write(`${reason}\n`);
}

describe.runIf(postgresUp)("a Postgres check through the job", () => {
  it("is up while its table exists, down with the reason when it does not", async () => {
    const { ctx, clock } = ctxAt();
    const check = await createCheck({
      ctx,
      input: {
        name: "shop db",
        kind: "postgres",
        url: postgresUrl,
        intervalSeconds: 10,
        timeoutMs: 3000,
        config: { table: "pg_catalog.pg_class" },
      },
      secrets,
    });
    await only(check.id);
    await runDueChecks(ctx, { owner: "runner-a", secrets });
    expect(await rowOf(check.id)).toMatchObject({ lastStatus: "up" });
    const missing = `public.dm_missing_${uniqueSuffix()}`;
    await database.db
      .update(checks)
      .set({ config: { table: missing } })
      .where(eq(checks.id, check.id));
    clock.advance(10_000);
    await runDueChecks(ctx, { owner: "runner-a", secrets });
    expect(await rowOf(check.id)).toMatchObject({ lastStatus: "down" });
    const results = await resultsOf(check.id);
    expect(results.map((r) => r.error)).toContain(`table missing: ${missing} does not exist`);
  });
});
