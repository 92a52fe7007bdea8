// Drain tokens through the real route handler: the URL-credentials form and the older path form,
// rotations seen at once by every bundle and instance, the old token's grace and "Revoke now".
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { POST } from "@/app/api/drains/[token]/route";
import { discoverApps } from "@/lib/apps/discover";
import { listAuditEvents } from "@/lib/audit";
import { manualClock } from "@/lib/clock";
import type { Actor } from "@/lib/context";
import { installDbHandle } from "@/lib/db/client";
import { apps, drains } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { HerokuClient } from "@/lib/heroku/client";
import { type RunningSimulator, startSimulator } from "@/lib/heroku/simulator";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { testCtx } from "@/lib/testing/factories";
import { receiveDrainRequest } from "./drain";
import { findDrainByCredentials, forgetDrain, newDrainSecret } from "./drain-token";
import { drainUrl, enableDrain, revokeOldDrainToken } from "./drains-service";
import { getIngestHealth } from "./queries";

const APP_URL = "http://127.0.0.1:9";
let database: TestDatabase;
let sim: RunningSimulator;
let client: HerokuClient;

type Handler = (req: Request, ctx: { params: Promise<{ token: string }> }) => Promise<Response>;

beforeAll(async () => {
  [database, sim] = await Promise.all([
    createTestDatabase(),
    startSimulator({ clock: "manual", seed: 21 }),
  ]);
  installDbHandle(database);
  client = new HerokuClient({ apiKey: sim.apiKey, baseUrl: sim.url, sleep: async () => {} });
  await discoverApps({ ctx: testCtx(database.db), input: { client, apiUrl: sim.url, demo: true } });
});
afterAll(async () => {
  await sim.close();
  installDbHandle(undefined);
  await database.close();
});

async function appId(name: string): Promise<string> {
  const [row] = await database.db.select({ id: apps.id }).from(apps).where(eq(apps.name, name));
  if (!row) throw new Error(`no app ${name}`);
  return row.id;
}

async function rotate(name: string, options: { clock?: ReturnType<typeof manualClock> } = {}) {
  const ctx = testCtx(database.db, options);
  const { url } = await enableDrain({
    ctx,
    client,
    input: { appId: await appId(name), appName: name, appUrl: APP_URL },
  });
  return url;
}

const LINE = "<190>1 2025-03-04T09:41:13.112000+00:00 host app web.1 - Server listening\n";
const BODY = `${Buffer.byteLength(LINE)} ${LINE}`;

/** What Logplex sends for a drain URL: its credentials as Basic auth, the rest as the path. */
function logplexRequest(
  drain: string,
  authorization?: string,
): { request: Request; token: string } {
  const url = new URL(drain);
  const headers: Record<string, string> = { "Content-Type": "application/logplex-1" };
  if (url.username || url.password) {
    headers.Authorization = `Basic ${Buffer.from(
      `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`,
    ).toString("base64")}`;
  }
  if (authorization !== undefined) headers.Authorization = authorization;
  url.username = "";
  url.password = "";
  const token = decodeURIComponent(url.pathname.split("/").pop() ?? "");
  return { request: new Request(url, { method: "POST", headers, body: BODY }), token };
}

/** POSTs one batch to the drain route handler, as Next would call it. */
async function post(url: string, authorization?: string): Promise<number> {
  const { request, token } = logplexRequest(url, authorization);
  const response = await (POST as Handler)(request, { params: Promise.resolve({ token }) });
  return response.status;
}

/** The same batch through receiveDrainRequest with a clock of our own: 204, or the error's status. */
async function postAt(url: string, clock: ReturnType<typeof manualClock>): Promise<number> {
  const { request, token } = logplexRequest(url);
  try {
    await receiveDrainRequest({ ctx: testCtx(database.db, { clock }), token, request });
    return 204;
  } catch (error) {
    if (error instanceof AppError) return error.status;
    throw error;
  }
}

const idOf = (url: string) => new URL(url).pathname.split("/").pop()?.split(".")[0] ?? "";
const secretOf = (url: string) => new URL(url).password;

describe("drain URL forms", () => {
  it("accepts the secret as URL credentials (Basic auth) and the older <id>.<secret> path; refuses a wrong one", async () => {
    const url = await rotate("shop-prod");
    expect(url).toMatch(
      /^http:\/\/drain:[A-Za-z0-9_-]{32}@127\.0\.0\.1:9\/api\/drains\/[0-9a-f-]{36}$/,
    );
    expect(await post(url)).toBe(204);
    // a drain added before URL credentials: the secret in the path, no Authorization
    expect(await post(`${APP_URL}/api/drains/${idOf(url)}.${secretOf(url)}`)).toBe(204);
    const wrong = `Basic ${Buffer.from("drain:wrong").toString("base64")}`;
    expect(await post(url, wrong)).toBe(401);
    expect(await post(`${APP_URL}/api/drains/${idOf(url)}.wrong`)).toBe(401);
  });

  it.each([
    ["no Authorization", ""],
    ["an empty Authorization", "EMPTY"],
    ["a Bearer token", "Bearer abc"],
    ["garbage Basic", "Basic !!!"],
    ["Basic without a password", `Basic ${Buffer.from("drain").toString("base64")}`],
  ])("answers 401 to %s", async (_case, authorization) => {
    const url = await rotate("shop-prod");
    const { request, token } = logplexRequest(url);
    const headers = new Headers(request.headers);
    headers.delete("authorization");
    if (authorization === "EMPTY") headers.set("authorization", "");
    else if (authorization) headers.set("authorization", authorization);
    const response = await (POST as Handler)(
      new Request(request.url, { method: "POST", headers, body: BODY }),
      { params: Promise.resolve({ token }) },
    );
    expect(response.status).toBe(401);
  });

  it.each([
    ["a word", "not-a-token"],
    ["nothing", ""],
    ["a dot", "."],
    ["two dots", ".."],
    ["an unknown id", "00000000-0000-4000-8000-000000000000"],
    ["an unknown id with a secret", "00000000-0000-4000-8000-000000000000.secret"],
    ["undecoded percent-encoding", "%C0%AF"],
    ["a NUL", "\u0000"],
    ["a lone surrogate", "\ud800"],
    ["10,000 characters", "x".repeat(10_000)],
  ])("answers 401, never 5xx, to a path token of %s", async (_case, token) => {
    const authorization = `Basic ${Buffer.from("drain:secret").toString("base64")}`;
    const response = await (POST as Handler)(
      new Request(`${APP_URL}/api/drains/x`, {
        method: "POST",
        headers: { "Content-Type": "application/logplex-1", Authorization: authorization },
        body: BODY,
      }),
      { params: Promise.resolve({ token }) },
    );
    expect(response.status).toBe(401);
  });
});

describe("rotation", () => {
  it("a rotation made in another bundle (its own module instances) is accepted by the drain route at once", async () => {
    const before = await rotate("billing-api");
    expect(await post(before)).toBe(204); // the route now holds the drain row

    // Next bundles server actions apart from the drain route: a second copy of the modules
    vi.resetModules();
    const otherBundle = await import("./drains-service");
    const { url: after } = await otherBundle.enableDrain({
      ctx: testCtx(database.db),
      client,
      input: { appId: await appId("billing-api"), appName: "billing-api", appUrl: APP_URL },
    });
    expect(await post(after)).toBe(204);
  });

  it("a rotation made by another instance (the row changed under our cache) is accepted at once", async () => {
    const url = await rotate("shop-staging");
    expect(await post(url)).toBe(204);
    // another process rotates: it writes the row, nothing here forgets the cached one
    const { secret, hash } = newDrainSecret();
    const id = idOf(url);
    await database.db.update(drains).set({ tokenHash: hash }).where(eq(drains.id, id));
    expect(await post(drainUrl(APP_URL, id, secret))).toBe(204);
  });

  it("keeps the old token working for 10 minutes after a rotation, and not after", async () => {
    const clock = manualClock("2025-03-04T10:00:00Z");
    const old = await rotate("shop-prod", { clock });
    const current = await rotate("shop-prod", { clock });
    clock.advance(10 * 60_000 - 1);
    expect(await postAt(old, clock)).toBe(204);
    expect(await postAt(current, clock)).toBe(204);
    clock.advance(1);
    expect(await postAt(old, clock)).toBe(401);
    expect(await postAt(current, clock)).toBe(204);
  });

  it("keeps only the token the last rotation replaced", async () => {
    const first = await rotate("shop-prod");
    const second = await rotate("shop-prod");
    const third = await rotate("shop-prod");
    expect(await post(first)).toBe(401);
    expect(await post(second)).toBe(204);
    expect(await post(third)).toBe(204);
  });
});

describe("revoke the old token now", () => {
  it("refuses the old token at once, keeps the current one, and is audited", async () => {
    const admin: Actor = {
      type: "user",
      id: crypto.randomUUID(),
      email: "admin@example.com",
      name: "Admin",
      role: "admin",
    };
    const old = await rotate("billing-api");
    const current = await rotate("billing-api");
    expect(await post(old)).toBe(204); // within its grace, and now cached by the route
    const id = await appId("billing-api");
    const until = (await getIngestHealth({ db: database.db })).get(id)?.oldTokenUntil;
    expect(Date.parse(until ?? "") - Date.now()).toBeGreaterThan(9 * 60_000);
    const result = await revokeOldDrainToken({
      ctx: testCtx(database.db, { actor: admin }),
      input: { app: "billing-api" },
    });
    expect(result).toEqual({ revoked: 1 });
    expect(await post(old)).toBe(401);
    expect(await post(current)).toBe(204);
    expect((await getIngestHealth({ db: database.db })).get(id)?.oldTokenUntil).toBeNull();
    const [audit] = await listAuditEvents(database.db, {
      action: "drain.old_token_revoked",
      limit: 1,
    });
    expect(audit).toMatchObject({ actorLabel: "admin@example.com", target: "billing-api" });
    // nothing left to revoke: said so, not audited twice
    await expect(
      revokeOldDrainToken({
        ctx: testCtx(database.db, { actor: admin }),
        input: { app: "billing-api" },
      }),
    ).rejects.toMatchObject({ code: "conflict" });
  });
});

describe("the drain row cache", () => {
  /** A context whose database counts the queries it runs. */
  function countingCtx() {
    let selects = 0;
    const db = new Proxy(database.db, {
      get(target, property, receiver) {
        if (property === "select") selects++;
        return Reflect.get(target, property, receiver);
      },
    });
    return { ctx: { db, clock: testCtx(database.db).clock }, selects: () => selects };
  }

  it("re-reads a drain at most once for a flood of wrong secrets, and caches an unknown id", async () => {
    const url = await rotate("shop-staging");
    const id = idOf(url);
    forgetDrain(id);
    const { ctx, selects } = countingCtx();
    expect(await findDrainByCredentials(ctx, { id, secret: secretOf(url) })).not.toBeNull();
    expect(selects()).toBe(1);
    const wrong = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        findDrainByCredentials(ctx, { id, secret: `wrong-${i}` }),
      ),
    );
    expect(wrong.every((drain) => drain === null)).toBe(true);
    expect(selects()).toBe(2);

    const unknown = "00000000-0000-4000-8000-00000000abcd";
    const refused = await Promise.all(
      Array.from({ length: 50 }, () => findDrainByCredentials(ctx, { id: unknown, secret: "x" })),
    );
    expect(refused.every((drain) => drain === null)).toBe(true);
    expect(selects()).toBe(3);
    expect(await findDrainByCredentials(ctx, { id: unknown, secret: "x" })).toBeNull();
    expect(selects()).toBe(3);
  });
});
