import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST } from "@/app/api/drains/[token]/route";
import { discoverApps } from "@/lib/apps/discover";
import { installDbHandle } from "@/lib/db/client";
import { queryRows } from "@/lib/db/execute";
import { apps, drains, logEvents } from "@/lib/db/schema";
import { HerokuClient } from "@/lib/heroku/client";
import { readLogSession } from "@/lib/heroku/log-session";
import { type RunningSimulator, startSimulator } from "@/lib/heroku/simulator";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { testCtx } from "@/lib/testing/factories";
import { classifyLines } from "./classify";
import { enableDrain } from "./drains-service";

let database: TestDatabase;
let sim: RunningSimulator;
let server: Server;
let baseUrl: string;
let client: HerokuClient;

type Handler = (req: Request, ctx: { params: Promise<{ token: string }> }) => Promise<Response>;

beforeAll(async () => {
  [database, sim] = await Promise.all([
    createTestDatabase(),
    startSimulator({ clock: "manual", seed: 5 }),
  ]);
  installDbHandle(database);
  client = new HerokuClient({ apiKey: sim.apiKey, baseUrl: sim.url, sleep: async () => {} });
  await discoverApps({ ctx: testCtx(database.db), input: { client, apiUrl: sim.url, demo: true } });
  // a real HTTP endpoint in front of the real route handler
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const token = decodeURIComponent((req.url ?? "").split("/").pop() ?? "");
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers))
        if (typeof v === "string") headers.set(k, v);
      const response = await (POST as Handler)(
        new Request(`http://127.0.0.1${req.url}`, {
          method: "POST",
          headers,
          body: Buffer.concat(chunks),
        }),
        { params: Promise.resolve({ token }) },
      );
      res.writeHead(response.status, Object.fromEntries(response.headers.entries()));
      res.end(Buffer.from(await response.arrayBuffer()));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await sim.close();
  installDbHandle(undefined);
  await database.close();
});

async function appId(name: string): Promise<string> {
  const [row] = await database.db.select({ id: apps.id }).from(apps).where(eq(apps.name, name));
  return row?.id ?? "";
}

async function drainStats(id: string) {
  const [row] = await database.db.select().from(drains).where(eq(drains.appId, id));
  return row;
}

async function waitFor<T>(probe: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await probe();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return probe();
}

/** POSTs to a drain URL as Logplex does: its credentials as Basic auth (fetch refuses them in a URL). */
function post(drainUrl: string, body: string, headers: Record<string, string>) {
  const url = new URL(drainUrl, baseUrl);
  const all: Record<string, string> = { ...headers };
  if (url.username) {
    all.Authorization = `Basic ${Buffer.from(`${url.username}:${url.password}`).toString("base64")}`;
  }
  url.username = "";
  url.password = "";
  return fetch(url, { method: "POST", body, headers: all });
}

describe("the drain path, end to end with the simulator's drain sender", () => {
  it("stores exactly what the log stream carried: every event once, router counts exact", async () => {
    const id = await appId("shop-prod");
    const { url } = await enableDrain({
      ctx: testCtx(database.db),
      client,
      input: { appId: id, appName: "shop-prod", appUrl: baseUrl },
    });
    expect(url).toMatch(/^http:\/\/drain:[\w-]+@127\.0\.0\.1:\d+\/api\/drains\/[0-9a-f-]{36}$/);
    const startScenario = await fetch(`${sim.url}/__sim/scenarios`, {
      method: "POST",
      headers: { Authorization: `Bearer ${sim.scenarioToken}`, "Content-Type": "application/json" },
      body: JSON.stringify({
        app: "shop-prod",
        dyno: "web.1",
        name: "memory-leak",
        params: { percentPerMinute: 60 },
      }),
    });
    expect(startScenario.status).toBe(201);
    await sim.advance(150);

    // what Heroku's stream carried since the drain was added, from a log session
    const session = await client.createLogSession("shop-prod", { lines: 1500, tail: false });
    const history: string[] = [];
    await readLogSession(session.logplex_url, { onLine: (l) => history.push(l) });
    const sent = await waitFor(
      () => drainStats(id),
      (row) => (row?.lines ?? 0) > 0 && (row?.batches ?? 0) > 0,
    );
    // wait until deliveries stop growing (unchanged over half a second)
    let lines = -1;
    let stable = 0;
    for (let i = 0; i < 100 && stable < 5; i++) {
      const now = (await drainStats(id))?.lines ?? 0;
      stable = now === lines ? stable + 1 : 0;
      lines = now;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(sent?.badFrames).toBe(0);

    const delivered = (await drainStats(id))?.lines ?? 0;
    expect(delivered).toBeLessThan(1500); // the whole delivery fits in the session's replay
    const window = history.slice(-delivered);
    const expected = classifyLines({ appId: id, lines: window });
    const stored = await database.db
      .select({ fingerprint: logEvents.fingerprint, code: logEvents.code })
      .from(logEvents)
      .where(eq(logEvents.appId, id));
    expect(new Set(stored.map((e) => e.fingerprint))).toEqual(
      new Set(expected.events.map((e) => e.fingerprint)),
    );
    expect(stored.some((e) => e.code === "R14")).toBe(true);
    const [requests] = await queryRows<{ n: number }>(
      database.db,
      sql`select coalesce(sum(requests), 0)::int as n from request_stats where app_id = ${id}`,
    );
    expect(requests?.n).toBe(expected.requests.reduce((sum, r) => sum + r.requests, 0));
    expect(requests?.n).toBeGreaterThan(0);
    process.stdout.write(
      `drain delivered ${delivered} lines: ${stored.length} events, ${requests?.n} router lines\n`,
    );
  });

  it("stores a batch resent with the same Logplex-Frame-Id once", async () => {
    const id = await appId("billing-api");
    const { url } = await enableDrain({
      ctx: testCtx(database.db),
      client,
      input: { appId: id, appName: "billing-api", appUrl: baseUrl },
    });
    const msg =
      "<45>1 2025-03-04T09:41:13.004512+00:00 host heroku web.1 - Error R14 (Memory quota exceeded)\n";
    const body = `${Buffer.byteLength(msg)} ${msg}`;
    const headers = {
      "Content-Type": "application/logplex-1",
      "Logplex-Frame-Id": "5F0B3D61A2C94E8DB7716E2A0C9F4B13",
      "Logplex-Msg-Count": "1",
    };
    expect((await post(url, body, headers)).status).toBe(204);
    expect((await post(url, body, headers)).status).toBe(204);
    const row = await drainStats(id);
    expect(row).toMatchObject({ duplicateBatches: 1 });
    const events = await database.db.select().from(logEvents).where(eq(logEvents.appId, id));
    expect(
      events.filter(
        (e) =>
          e.message === "Error R14 (Memory quota exceeded)" &&
          e.ts.toISOString() === "2025-03-04T09:41:13.004Z",
      ),
    ).toHaveLength(1);
  });

  it("counts and skips a bad frame, keeping the rest of the batch", async () => {
    const id = await appId("billing-api");
    const { url } = await enableDrain({
      ctx: testCtx(database.db),
      client,
      input: { appId: id, appName: "billing-api", appUrl: baseUrl },
    });
    const good =
      "<45>1 2025-03-04T09:50:00.000001+00:00 host heroku web.2 - Error R10 (Boot timeout) -> Web process failed to bind to $PORT within 60 seconds of launch\n";
    const body = `${Buffer.byteLength(good)} ${good}9999 <45>1 broken frame\n${Buffer.byteLength(good)} ${good.replace("web.2", "web.1")}`;
    const response = await post(url, body, {
      "Content-Type": "application/logplex-1",
      "Logplex-Frame-Id": "AAAA0000",
    });
    expect(response.status).toBe(204);
    const before = (await drainStats(id))?.badFrames ?? 0;
    expect(before).toBeGreaterThanOrEqual(1);
    const events = await database.db.select().from(logEvents).where(eq(logEvents.appId, id));
    expect(
      events
        .filter((e) => e.code === "R10")
        .map((e) => e.dyno)
        .sort(),
    ).toEqual(["web.1", "web.2"]);
  });

  it("stores a line holding NUL with the character replaced, and counts it as repaired", async () => {
    const id = await appId("billing-api");
    const { url } = await enableDrain({
      ctx: testCtx(database.db),
      client,
      input: { appId: id, appName: "billing-api", appUrl: baseUrl },
    });
    const before = (await drainStats(id))?.repairedLines ?? 0;
    const line =
      "<45>1 2025-03-04T09:51:00.000001+00:00 host heroku web.3 - Error R10 (Boot timeout) -> Web process failed to bind \u0000 nul\n";
    const response = await post(url, `${Buffer.byteLength(line)} ${line}`, {
      "Content-Type": "application/logplex-1",
      "Logplex-Frame-Id": "NUL00000",
    });
    expect(response.status).toBe(204);
    expect((await drainStats(id))?.repairedLines).toBe(before + 1);
    const [event] = await database.db
      .select()
      .from(logEvents)
      .where(and(eq(logEvents.appId, id), eq(logEvents.dyno, "web.3"), eq(logEvents.code, "R10")));
    expect(event?.message).toContain("\ufffd nul");
  });

  it("answers 401 for an unknown or wrong token and 415 for another content type", async () => {
    const id = await appId("shop-staging");
    const first = await enableDrain({
      ctx: testCtx(database.db),
      client,
      input: { appId: id, appName: "shop-staging", appUrl: baseUrl },
    });
    const second = await enableDrain({
      ctx: testCtx(database.db),
      client,
      input: { appId: id, appName: "shop-staging", appUrl: baseUrl },
    });
    const headers = { "Content-Type": "application/logplex-1" };
    const wrong = new URL(second.url);
    wrong.password = "wrong";
    expect((await post(wrong.toString(), "", headers)).status).toBe(401);
    expect((await post(new URL(second.url).pathname, "", headers)).status).toBe(401);
    expect((await post("/api/drains/not-a-token", "", headers)).status).toBe(401);
    const wrongType = await post(second.url, "{}", {
      "Content-Type": "application/json",
    });
    expect(wrongType.status).toBe(415);
    expect((await wrongType.json()).error.code).toBe("unsupported_media_type");
    expect((await post(second.url, "", headers)).status).toBe(204);
    // the rotated-out URL keeps working through its grace period (drain-token.int.test.ts)
    expect((await post(first.url, "", headers)).status).toBe(204);
    // rotating removed the old drain on Heroku: one drain of ours left
    expect(await client.listLogDrains("shop-staging")).toHaveLength(1);
  });
});
