// Check CRUD and the Checks page's reads on a real database. The Redis/Postgres URL goes in and
// never comes back out: not in views, not in audit rows, not in clear in the table.
import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAuditEvents } from "@/lib/audit";
import { manualClock } from "@/lib/clock";
import { apps, checkResults, checks } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { testCtx, uniqueSuffix } from "@/lib/testing/factories";
import { getCheckDetail, listCheckRows } from "./queries";
import { createSecretBox } from "./secrets";
import { createCheck, deleteCheck, getCheck, listCheckResults, updateCheck } from "./service";

let database: TestDatabase;
const secrets = createSecretBox(randomBytes(32));
const PASSWORD = "s3cr3t-hunter2";
const REDIS = `redis://:${PASSWORD}@redis.internal:6379/0`;
const POSTGRES = `postgres://shop:${PASSWORD}@db.internal:5432/shop`;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});

const ctx = () => testCtx(database.db, { clock: manualClock("2026-11-24T12:00:00Z") });

/** Rejects with the AppError's field errors (or fails the test). */
async function fieldsOf(promise: Promise<unknown>): Promise<Record<string, string[]>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError && error.code === "validation") return error.fields ?? {};
    throw error;
  }
  throw new Error("expected a validation error");
}

async function storedRow(id: string) {
  const [row] = await database.db.select().from(checks).where(eq(checks.id, id));
  if (!row) throw new Error("no row");
  return row;
}

describe("createCheck", () => {
  it("stores a web check with its defaults, audited, due at once", async () => {
    const view = await createCheck({
      ctx: ctx(),
      input: { name: "Shop health", kind: "web", url: "https://shop.example.com/health" },
      secrets,
    });
    expect(view).toMatchObject({
      name: "Shop health",
      kind: "web",
      url: "https://shop.example.com/health",
      secretHint: null,
      app: null,
      enabled: true,
      intervalSeconds: 60,
      timeoutMs: 10_000,
      config: { method: "GET", expectedStatus: "200-399", bodyText: null, followRedirects: false },
      lastStatus: "unknown",
      lastCheckedAt: null,
      consecutiveFailures: 0,
      nextRunAt: "2026-11-24T12:00:00.000Z",
    });
    const audit = await listAuditEvents(database.db, { action: "check.create" });
    expect(audit.some((e) => (e.detail as { id?: string }).id === view.id)).toBe(true);
  });

  it("encrypts a Redis URL and shows only its masked hint", async () => {
    const view = await createCheck({
      ctx: ctx(),
      input: {
        name: "Jobs queue",
        kind: "redis",
        url: REDIS,
        config: { listName: "jobs", listThreshold: 100 },
      },
      secrets,
    });
    expect(view).toMatchObject({
      url: null,
      secretHint: "redis://•••@redis.internal:6379/•••",
      config: { listName: "jobs", listThreshold: 100 },
    });
    expect(JSON.stringify(view)).not.toContain(PASSWORD);
    const row = await storedRow(view.id);
    expect(row.secretCiphertext).not.toContain(PASSWORD);
    expect(JSON.stringify(row.config)).not.toContain(PASSWORD);
    expect(secrets.decrypt(row.secretCiphertext ?? "", view.id)).toBe(REDIS);
    const audit = await listAuditEvents(database.db, { action: "check.create" });
    expect(JSON.stringify(audit)).not.toContain(PASSWORD);
  });

  it("links the check to an app by name, and refuses an unknown app on that field", async () => {
    const name = `app-${uniqueSuffix()}`;
    const now = new Date("2026-11-24T12:00:00Z");
    await database.db
      .insert(apps)
      .values({ herokuId: `h-${name}`, name, firstSeenAt: now, lastSyncedAt: now });
    const view = await createCheck({
      ctx: ctx(),
      input: { name: "DB", kind: "postgres", url: POSTGRES, app: name },
      secrets,
    });
    expect(view).toMatchObject({ app: name, appId: expect.any(String) });
    expect(
      await fieldsOf(
        createCheck({
          ctx: ctx(),
          input: { name: "DB", kind: "postgres", url: POSTGRES, app: "no-such-app" },
          secrets,
        }),
      ),
    ).toEqual({ app: ["No app named no-such-app in this account."] });
  });

  it("answers invalid input with one message per field", async () => {
    expect(
      await fieldsOf(
        createCheck({
          ctx: ctx(),
          input: { name: "", kind: "redis", intervalSeconds: 5, timeoutMs: 70_000 },
          secrets,
        }),
      ),
    ).toEqual({
      name: ["Name the check."],
      url: ["Enter the URL, like redis://:password@host:6379/0."],
      intervalSeconds: ["The interval must be at least 10"],
      timeoutMs: ["The timeout must be at most 60000"],
    });
    expect(
      await fieldsOf(createCheck({ ctx: ctx(), input: { name: "x", kind: "ftp" }, secrets })),
    ).toEqual({ kind: ["kind must be one of web, redis, postgres."] });
  });
});

describe("updateCheck", () => {
  it("keeps the stored secret when the URL is left out, replaces it when sent", async () => {
    const created = await createCheck({
      ctx: ctx(),
      input: { name: "Queue", kind: "redis", url: REDIS },
      secrets,
    });
    const before = await storedRow(created.id);
    const renamed = await updateCheck({
      ctx: ctx(),
      id: created.id,
      patch: { name: "Queue (renamed)", config: { listName: "jobs", listThreshold: 5 } },
      secrets,
    });
    expect(renamed).toMatchObject({
      name: "Queue (renamed)",
      secretHint: "redis://•••@redis.internal:6379/•••",
      config: { listName: "jobs", listThreshold: 5 },
    });
    expect((await storedRow(created.id)).secretCiphertext).toBe(before.secretCiphertext);

    const moved = await updateCheck({
      ctx: ctx(),
      id: created.id,
      patch: { url: "rediss://:other-pass@redis2.internal:6380" },
      secrets,
    });
    expect(moved.secretHint).toBe("rediss://•••@redis2.internal:6380");
    expect(moved.config).toEqual({ listName: "jobs", listThreshold: 5 });
    const row = await storedRow(created.id);
    expect(secrets.decrypt(row.secretCiphertext ?? "", created.id)).toBe(
      "rediss://:other-pass@redis2.internal:6380",
    );
    const audit = await listAuditEvents(database.db, { action: "check.update" });
    const changes = audit
      .filter((e) => (e.detail as { id?: string }).id === created.id)
      .map((e) => (e.detail as { changed: string[] }).changed);
    expect(changes).toEqual(expect.arrayContaining([["config", "name"], ["url"]]));
    expect(JSON.stringify(audit)).not.toContain("other-pass");
  });

  it("wants a URL of the new kind when the kind changes", async () => {
    const created = await createCheck({
      ctx: ctx(),
      input: { name: "Site", kind: "web", url: "https://example.com" },
      secrets,
    });
    expect(
      await fieldsOf(
        updateCheck({ ctx: ctx(), id: created.id, patch: { kind: "postgres" }, secrets }),
      ),
    ).toEqual({
      url: ["Enter the URL, like postgres://user:password@host:5432/db."],
    });
    const changed = await updateCheck({
      ctx: ctx(),
      id: created.id,
      patch: { kind: "postgres", url: POSTGRES, config: { table: "orders" } },
      secrets,
    });
    expect(changed).toMatchObject({
      kind: "postgres",
      url: null,
      secretHint: "postgres://•••@db.internal:5432/•••",
      config: { table: "orders" },
    });
    const back = await updateCheck({
      ctx: ctx(),
      id: created.id,
      patch: { kind: "web", url: "https://example.com/up" },
      secrets,
    });
    expect(back).toMatchObject({ url: "https://example.com/up", secretHint: null });
    expect((await storedRow(created.id)).secretCiphertext).toBeNull();
  });

  it("starts the state over when the target changes, not for a rename", async () => {
    const created = await createCheck({
      ctx: ctx(),
      input: { name: "Site", kind: "web", url: "https://example.com" },
      secrets,
    });
    await database.db
      .update(checks)
      .set({ lastStatus: "down", consecutiveFailures: 4 })
      .where(eq(checks.id, created.id));
    const renamed = await updateCheck({
      ctx: ctx(),
      id: created.id,
      patch: { name: "Site 2" },
      secrets,
    });
    expect(renamed).toMatchObject({ lastStatus: "down", consecutiveFailures: 4 });
    const retargeted = await updateCheck({
      ctx: ctx(),
      id: created.id,
      patch: { url: "https://example.com/other" },
      secrets,
    });
    expect(retargeted).toMatchObject({ lastStatus: "unknown", consecutiveFailures: 0 });
  });

  it("answers an unknown id, or one that is not a UUID, with not_found", async () => {
    for (const id of ["00000000-0000-4000-8000-000000000000", "nope"]) {
      await expect(getCheck(ctx(), id)).rejects.toMatchObject({ code: "not_found" });
      await expect(updateCheck({ ctx: ctx(), id, patch: {}, secrets })).rejects.toMatchObject({
        code: "not_found",
      });
      await expect(deleteCheck({ ctx: ctx(), id })).rejects.toMatchObject({ code: "not_found" });
    }
  });
});

describe("results and the Checks page's reads", () => {
  async function withResults() {
    const check = await createCheck({
      ctx: ctx(),
      input: { name: `Reads ${uniqueSuffix()}`, kind: "web", url: "https://example.com" },
      secrets,
    });
    const at = (iso: string) => new Date(iso);
    await database.db.insert(checkResults).values([
      // within 24 h: 3 ok, 1 down
      { checkId: check.id, at: at("2026-11-24T11:50:00Z"), ok: true, latencyMs: 100, detail: {} },
      { checkId: check.id, at: at("2026-11-24T11:40:00Z"), ok: true, latencyMs: 300, detail: {} },
      { checkId: check.id, at: at("2026-11-24T10:10:00Z"), ok: true, latencyMs: 50, detail: {} },
      {
        checkId: check.id,
        at: at("2026-11-24T11:45:00Z"),
        ok: false,
        latencyMs: 5000,
        statusCode: null,
        detail: { reason: "timeout" },
        error: "timeout: no answer within 5000 ms",
      },
      // 3 days ago: down; 20 days ago: ok; 40 days ago: outside every window
      {
        checkId: check.id,
        at: at("2026-11-21T12:00:00Z"),
        ok: false,
        latencyMs: 20,
        statusCode: 500,
        detail: { reason: "wrong status" },
        error: "wrong status: 500 (expected 200-399)",
      },
      { checkId: check.id, at: at("2026-11-04T12:00:00Z"), ok: true, latencyMs: 80, detail: {} },
      {
        checkId: check.id,
        at: at("2026-10-15T12:00:00Z"),
        ok: false,
        latencyMs: 1,
        detail: {},
        error: "x",
      },
    ]);
    return check;
  }

  it("lists a check's results in a window, newest first, with a limit", async () => {
    const check = await withResults();
    const all = await listCheckResults(ctx(), check.id, {});
    expect(all.results).toHaveLength(7);
    expect(all.results[0]).toEqual({
      at: "2026-11-24T11:50:00.000Z",
      ok: true,
      latencyMs: 100,
      statusCode: null,
      detail: {},
      error: null,
    });
    const window = await listCheckResults(ctx(), check.id, {
      from: "2026-11-24T11:40:00Z",
      to: "2026-11-24T11:50:00Z",
      limit: "5",
    });
    expect(window.results.map((r) => r.at)).toEqual([
      "2026-11-24T11:45:00.000Z",
      "2026-11-24T11:40:00.000Z",
    ]);
    expect((await listCheckResults(ctx(), check.id, { limit: "2" })).results).toHaveLength(2);
    expect(
      await fieldsOf(listCheckResults(ctx(), check.id, { from: "yesterday", limit: "0" })),
    ).toEqual({
      from: ["Give an ISO 8601 time, like 2026-11-24T12:00:00Z."],
      limit: ["limit must be at least 1"],
    });
    await expect(
      listCheckResults(ctx(), "00000000-0000-4000-8000-000000000000", {}),
    ).rejects.toMatchObject({ code: "not_found" });
  });

  it("gives each check its uptime over 24 h / 7 d / 30 d, last result, recent times and failures", async () => {
    const check = await withResults();
    const overview = await listCheckRows(database.db, new Date("2026-11-24T12:00:00Z"));
    const row = overview.checks.find((c) => c.id === check.id);
    expect(row?.uptime).toEqual({ h24: 75, d7: 60, d30: 66.67 });
    expect(row?.lastResult).toMatchObject({ at: "2026-11-24T11:50:00.000Z", ok: true });
    // answered runs, oldest first: the wrong status counts (the server answered), the timeout
    // and the run without a reason do not
    expect(row?.recent).toEqual([80, 20, 50, 300, 100]);
    const mine = overview.failures.filter((f) => f.checkId === check.id);
    expect(mine.map((f) => f.error)).toEqual([
      "timeout: no answer within 5000 ms",
      "wrong status: 500 (expected 200-399)",
    ]);

    const detail = await getCheckDetail(database.db, {
      id: check.id,
      range: "24h",
      now: new Date("2026-11-24T12:00:00Z"),
    });
    expect(detail.window.stepMs).toBe(15 * 60_000);
    const buckets = detail.points.filter((p) => p.ok + p.failed > 0);
    expect(buckets).toEqual([
      {
        t: Date.parse("2026-11-24T10:00:00Z"),
        avgMs: 50,
        maxMs: 50,
        ok: 1,
        failed: 0,
      },
      { t: Date.parse("2026-11-24T11:30:00Z"), avgMs: 300, maxMs: 300, ok: 1, failed: 0 },
      // the timeout counts as a failure, not as a 5000 ms response time
      { t: Date.parse("2026-11-24T11:45:00Z"), avgMs: 100, maxMs: 100, ok: 1, failed: 1 },
    ]);
    expect(detail.failures).toHaveLength(2);
  });

  it("deletes a check with its results, audited", async () => {
    const check = await withResults();
    await deleteCheck({ ctx: ctx(), id: check.id });
    const left = await database.db
      .select()
      .from(checkResults)
      .where(eq(checkResults.checkId, check.id));
    expect(left).toHaveLength(0);
    const audit = await listAuditEvents(database.db, { action: "check.delete" });
    expect(audit.some((e) => (e.detail as { id?: string }).id === check.id)).toBe(true);
  });
});
