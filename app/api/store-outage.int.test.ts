// The drain and health routes while Postgres is out, through a TCP proxy in front of the real
// server (the machine's Postgres is shared and never stopped): the store hangs (pause: connections
// open, no answers) or refuses (cut). Heroku gives up on a drain post after ~5 s and retries it
// with the same Logplex-Frame-Id (PLATFORM.md §6.3): posts must answer 503 promptly, and once the
// store is back, the retried batches are stored exactly once, without a restart.
// biome-ignore-all lint/style/noRestrictedImports: a test, not a handler: it sets up its own database
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST } from "@/app/api/drains/[token]/route";
import { GET as health } from "@/app/api/health/route";
import { type DbHandle, installDbHandle, openDatabase } from "@/lib/db/client";
import { queryRows } from "@/lib/db/execute";
import { apps, drains } from "@/lib/db/schema";
import { newDrainSecret } from "@/lib/ingest/drain";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { uniqueSuffix } from "@/lib/testing/factories";
import { requireService } from "@/lib/testing/services";
import { startTcpProxy, type TcpProxy } from "@/lib/testing/tcp-proxy";

/** An answer during an outage may take this long on a loaded machine (2 s on an idle one). */
const BOUND_MS = 10_000;
/** How long the sender keeps retrying a batch, like Logplex (it gives up later than this). */
const RETRY_WINDOW_MS = 60_000;

const enabled = requireService("postgres", "drains and health during a Postgres outage");

let database: TestDatabase;
// each test gets its own proxy, handle and drain: no availability state or cache carries over
let nextPort = 15430;

beforeAll(async () => {
  if (enabled) database = await createTestDatabase();
});
afterAll(async () => {
  installDbHandle(undefined);
  await database?.close();
});

type Outage = { proxy: TcpProxy; handle: DbHandle; token: string; appId: string; drainId: string };

async function throughProxy(): Promise<Outage> {
  const direct = new URL(database.url ?? "");
  const proxy = await startTcpProxy(
    { host: direct.hostname, port: Number(direct.port || 5432) },
    { port: nextPort++ },
  );
  const proxied = new URL(direct);
  proxied.hostname = "127.0.0.1";
  proxied.port = String(proxy.port);
  const handle = openDatabase({ databaseUrl: proxied.toString() });
  installDbHandle(handle);

  const now = new Date();
  const [app] = await database.db
    .insert(apps)
    .values({
      herokuId: `outage-${uniqueSuffix()}`,
      name: `outage-${uniqueSuffix()}`,
      firstSeenAt: now,
      lastSyncedAt: now,
    })
    .returning({ id: apps.id });
  const { secret, hash } = newDrainSecret();
  const [drain] = await database.db
    .insert(drains)
    .values({ appId: app?.id ?? "", tokenHash: hash })
    .returning({ id: drains.id });
  if (!app || !drain) throw new Error("no drain");
  return { proxy, handle, token: `${drain.id}.${secret}`, appId: app.id, drainId: drain.id };
}

async function endOutage({ proxy, handle }: Outage): Promise<void> {
  installDbHandle(undefined);
  await proxy.resume();
  await handle.close();
  await proxy.close();
}

/** Rejects when `promise` has not settled within BOUND_MS. */
async function within<T>(what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what}: no answer within ${BOUND_MS} ms`)),
      BOUND_MS,
    );
  });
  try {
    return await Promise.race([promise, bound]);
  } finally {
    clearTimeout(timer);
  }
}

/** One batch: a router line and an R14 line, both unique to `n` (so each is one stored line). */
function body(n: number): string {
  const at = `2025-03-04T09:41:13.${String(n).padStart(6, "0")}+00:00`;
  const lines = [
    `<158>1 ${at} host heroku router - at=info method=GET path="/" host=a.herokuapp.com request_id=r${n} fwd="1.2.3.4" dyno=web.1 connect=0ms service=5ms status=200 bytes=10 protocol=https\n`,
    `<45>1 ${at} host heroku web.1 - Error R14 (Memory quota exceeded)\n`,
  ];
  return lines.map((line) => `${Buffer.byteLength(line)} ${line}`).join("");
}

type Answer = { status: number; retryAfter: string | null; ms: number };

async function post(outage: Outage, frameId: string, n: number): Promise<Answer> {
  const started = performance.now();
  const response = await within(
    `drain post ${frameId}`,
    POST(
      new Request(`http://localhost/api/drains/${outage.token}`, {
        method: "POST",
        headers: {
          "Content-Type": "application/logplex-1",
          "Logplex-Frame-Id": frameId,
          "Logplex-Msg-Count": "2",
        },
        body: body(n),
      }),
      { params: Promise.resolve({ token: outage.token }) },
    ),
  );
  await response.arrayBuffer();
  return {
    status: response.status,
    retryAfter: response.headers.get("retry-after"),
    ms: performance.now() - started,
  };
}

/** Like Logplex: the same frame id again after a 5xx, until a 2xx or the window closes. */
async function deliver(outage: Outage, frameId: string, n: number): Promise<Answer[]> {
  const answers: Answer[] = [];
  const until = performance.now() + RETRY_WINDOW_MS;
  for (;;) {
    const answer = await post(outage, frameId, n);
    answers.push(answer);
    if (answer.status < 500 || performance.now() > until) return answers;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function healthStatus(): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  const response = await within(
    "health",
    health(new Request("http://localhost/api/health"), { params: Promise.resolve({}) }),
  );
  await response.arrayBuffer();
  return { status: response.status, ms: performance.now() - started };
}

async function storedFrames(drainId: string): Promise<string[]> {
  const rows = await queryRows<{ frame_id: string }>(
    database.db,
    sql`select frame_id from drain_frames where drain_id = ${drainId} order by frame_id`,
  );
  return rows.map((row) => row.frame_id);
}

/** What the store holds for the app, read past the proxy. */
async function stored(outage: Outage) {
  const [row] = await queryRows<{
    events: number;
    requests: number;
    batches: number;
    lines: number;
  }>(
    database.db,
    sql`select
      (select count(*)::int from log_events where app_id = ${outage.appId}) as events,
      (select coalesce(sum(requests), 0)::int from request_stats where app_id = ${outage.appId}) as requests,
      (select batches::int from drains where id = ${outage.drainId}) as batches,
      (select lines::int from drains where id = ${outage.drainId}) as lines`,
  );
  return row;
}

function expectRefusedPromptly(answers: Answer[]) {
  for (const answer of answers) {
    expect(answer.status).toBe(503);
    expect(answer.retryAfter).toMatch(/^\d+$/);
  }
}

const p99 = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.ceil(values.length * 0.99) - 1] ?? 0;

describe.runIf(enabled)("drains and health while Postgres is out", () => {
  it("hangs (pause): posts and health answer 503 within the bound, batches still queued are dropped, retries are stored once after it answers again", async () => {
    const outage = await throughProxy();
    try {
      // warm: the drain's row and dyno sizes are cached, as in a steady stream
      expect((await deliver(outage, "W", 0)).at(-1)?.status).toBe(204);

      outage.proxy.pause();
      // A's write starts and hangs; B..F wait behind it in the write queue
      const first = post(outage, "A", 1);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const during = await Promise.all([
        first,
        ...["B", "C", "D", "E", "F"].map((id, i) => post(outage, id, i + 2)),
        post(outage, "G", 7).then(async (a) => [a, await post(outage, "H", 8)]),
      ]);
      const answers = during.flat();
      expectRefusedPromptly(answers);
      const down = await healthStatus();
      expect(down.status).toBe(503);
      // once it is known to be down, a post is answered without waiting
      expectRefusedPromptly([await post(outage, "I", 9)]);

      await outage.proxy.resume();
      const resumed = performance.now();
      // A's write was already on the wire: it commits now. B..I were still queued when their
      // requests got 503: none of them may be written until Heroku sends it again
      await expect
        .poll(() => storedFrames(outage.drainId), { timeout: 30_000, interval: 100 })
        .toContain("A");
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await storedFrames(outage.drainId)).toEqual(["A", "W"]);

      const retried = await Promise.all(
        ["A", "B", "C", "D", "E", "F", "G", "H", "I"].map((id, i) => deliver(outage, id, i + 1)),
      );
      const recoveredMs = performance.now() - resumed;
      for (const tries of retried) expect(tries.at(-1)?.status).toBe(204);
      // every batch once: 10 frames, 10 R14 events, 10 router lines; A's retry was a duplicate
      expect(await storedFrames(outage.drainId)).toHaveLength(10);
      expect(await stored(outage)).toEqual({ events: 10, requests: 10, batches: 10, lines: 20 });
      await expect.poll(async () => (await healthStatus()).status, { timeout: 30_000 }).toBe(200);
      process.stdout.write(
        `store hung: ${answers.length + 1} posts answered 503 (p99 ${Math.round(p99(answers.map((a) => a.ms)))} ms), health 503 in ${Math.round(down.ms)} ms; all stored once ${Math.round(recoveredMs)} ms after it answered again\n`,
      );
    } finally {
      await endOutage(outage);
    }
  }, 120_000);

  it("a write stuck on a connection the network dropped does not hold back the batches after it", async () => {
    const outage = await throughProxy();
    try {
      expect((await deliver(outage, "W", 0)).at(-1)?.status).toBe(204);

      // the pooled connection goes dead under A's write; new connections still work
      outage.proxy.pause({ openOnly: true });
      expectRefusedPromptly([await post(outage, "A", 1)]);
      const started = performance.now();
      const tries = await deliver(outage, "B", 2);
      expect(tries.at(-1)?.status).toBe(204);
      expect(await storedFrames(outage.drainId)).toEqual(["B", "W"]);

      // the dead connection comes back: A's write commits late, Heroku's retry is a duplicate
      await outage.proxy.resume();
      await expect
        .poll(() => storedFrames(outage.drainId), { timeout: 30_000, interval: 100 })
        .toContain("A");
      expect((await deliver(outage, "A", 1)).at(-1)?.status).toBe(204);
      expect(await stored(outage)).toEqual({ events: 3, requests: 3, batches: 3, lines: 6 });
      process.stdout.write(
        `connection dropped under a write: the next batch was stored after ${tries.length} tries, ${Math.round(performance.now() - started)} ms\n`,
      );
    } finally {
      await endOutage(outage);
    }
  }, 120_000);

  it("refuses (cut): posts and health answer 503 within the bound, and the retried batches are stored once when it is back", async () => {
    const outage = await throughProxy();
    try {
      expect((await deliver(outage, "W", 0)).at(-1)?.status).toBe(204);

      await outage.proxy.cut();
      const answers = await Promise.all(
        ["A", "B", "C", "D", "E"].map((id, i) => post(outage, id, i + 1)),
      );
      expectRefusedPromptly(answers);
      const down = await healthStatus();
      expect(down.status).toBe(503);
      expectRefusedPromptly([await post(outage, "F", 6)]);
      expect(await storedFrames(outage.drainId)).toEqual(["W"]);

      await outage.proxy.resume();
      const resumed = performance.now();
      const retried = await Promise.all(
        ["A", "B", "C", "D", "E", "F"].map((id, i) => deliver(outage, id, i + 1)),
      );
      const recoveredMs = performance.now() - resumed;
      for (const tries of retried) expect(tries.at(-1)?.status).toBe(204);
      expect(await stored(outage)).toEqual({ events: 7, requests: 7, batches: 7, lines: 14 });
      await expect.poll(async () => (await healthStatus()).status, { timeout: 30_000 }).toBe(200);
      process.stdout.write(
        `store refused: ${answers.length + 1} posts answered 503 (p99 ${Math.round(p99(answers.map((a) => a.ms)))} ms), health 503 in ${Math.round(down.ms)} ms; all stored once ${Math.round(recoveredMs)} ms after it was back\n`,
      );
    } finally {
      await endOutage(outage);
    }
  }, 120_000);
});
