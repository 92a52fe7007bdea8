// The two ingestion paths side by side: the same simulated traffic, at the demo's rate, read by the
// poll path into one database and pushed through the drain into another. Both must store the same
// events, the same router counts per minute and the same metric samples, each once.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST } from "@/app/api/drains/[token]/route";
import { discoverApps } from "@/lib/apps/discover";
import { installDbHandle } from "@/lib/db/client";
import { queryRows } from "@/lib/db/execute";
import { apps, drains, logSources } from "@/lib/db/schema";
import { HerokuClient } from "@/lib/heroku/client";
import { type RunningSimulator, startSimulator } from "@/lib/heroku/simulator";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { testCtx } from "@/lib/testing/factories";
import { enableDrain } from "./drains-service";
import { pollLogSources } from "./poll";

const APP = "shop-prod";
const START = new Date("2026-11-24T12:00:30Z");
/** Simulated seconds since START (the simulator's manual clock). */
let elapsed = 0;
const simNow = () => new Date(START.getTime() + elapsed * 1000);

let polled: TestDatabase;
let pushed: TestDatabase;
let sim: RunningSimulator;
let client: HerokuClient;
let server: Server;
let baseUrl: string;

type Handler = (req: Request, ctx: { params: Promise<{ token: string }> }) => Promise<Response>;

beforeAll(async () => {
  [polled, pushed, sim] = await Promise.all([
    createTestDatabase(),
    createTestDatabase(),
    startSimulator({ clock: "manual", seed: 21, startAt: START }),
  ]);
  // the drain route stores through the process's database handle
  installDbHandle(pushed);
  client = new HerokuClient({ apiKey: sim.apiKey, baseUrl: sim.url, sleep: async () => {} });
  for (const database of [polled, pushed]) {
    await discoverApps({
      ctx: testCtx(database.db),
      input: { client, apiUrl: sim.url, demo: true },
    });
  }
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
      res.writeHead(response.status);
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
  await Promise.all([polled.close(), pushed.close()]);
});

async function appIdIn(database: TestDatabase): Promise<string> {
  const [row] = await database.db.select({ id: apps.id }).from(apps).where(eq(apps.name, APP));
  return row?.id ?? "";
}

/** One poll run whose tail stays open while the simulator produces `seconds` of traffic. */
async function pollWhile(seconds: number): Promise<void> {
  await polled.db.update(logSources).set({ nextPollAt: new Date(0) });
  const run = pollLogSources({
    ctx: testCtx(polled.db),
    options: { client, owner: "test", tailSeconds: 1, intervalSeconds: 60 },
  });
  await new Promise((resolve) => setTimeout(resolve, 300));
  await sim.advance(seconds);
  elapsed += seconds;
  const result = await run;
  expect(result.failed).toBe(0);
}

async function drainSettled(drainAppId: string): Promise<number> {
  let lines = -1;
  let stable = 0;
  for (let i = 0; i < 200 && stable < 5; i++) {
    const [row] = await pushed.db.select().from(drains).where(eq(drains.appId, drainAppId));
    const now = row?.lines ?? 0;
    stable = now === lines ? stable + 1 : 0;
    lines = now;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return lines;
}

type Stored = {
  events: string[];
  minutes: Map<number, string>;
  samples: string[];
};

async function stored(database: TestDatabase, appId: string, from: Date): Promise<Stored> {
  const events = await queryRows<{ f: string }>(
    database.db,
    // fingerprints include the app's id, which differs between the two databases
    sql`select concat_ws(' ', ts, source, proc, kind, code, message) as f from log_events where app_id = ${appId} and ts >= ${from.toISOString()}::timestamptz order by 1`,
  );
  const minutes = await queryRows<{ m: string | Date; row: string }>(
    database.db,
    sql`select minute as m, concat_ws(' ', dyno_type, requests, status_2xx, status_4xx, status_5xx,
               router_errors, service_ms_sum, service_ms_max, array_to_string(service_hist, ',')) as row
        from request_stats where app_id = ${appId} and minute >= ${from.toISOString()}::timestamptz`,
  );
  const samples = await queryRows<{ s: string }>(
    database.db,
    sql`select concat_ws(' ', dyno, ts, load_1m, memory_rss_mb, memory_quota_mb) as s
        from metric_samples where app_id = ${appId} and ts >= ${from.toISOString()}::timestamptz order by 1`,
  );
  const byMinute = new Map<number, string>();
  for (const row of minutes) {
    const t = new Date(row.m).getTime();
    byMinute.set(t, [byMinute.get(t), row.row].filter(Boolean).sort().join(" | "));
  }
  return { events: events.map((e) => e.f), minutes: byMinute, samples: samples.map((s) => s.s) };
}

describe("poll path and drain path", () => {
  it("store the same events, router minutes and samples for the same traffic, once each", async () => {
    const drainAppId = await appIdIn(pushed);
    await enableDrain({
      ctx: testCtx(pushed.db),
      client,
      input: { appId: drainAppId, appName: APP, appUrl: baseUrl },
    });
    // the drain sees traffic from this instant on; compare whole minutes after it
    const added = simNow();
    const from = new Date((Math.floor(added.getTime() / 60_000) + 1) * 60_000);
    // memory samples and R14s too, not only router lines
    const scenario = await fetch(`${sim.url}/__sim/scenarios`, {
      method: "POST",
      headers: { Authorization: `Bearer ${sim.scenarioToken}`, "Content-Type": "application/json" },
      body: JSON.stringify({
        app: APP,
        dyno: "web.1",
        name: "memory-leak",
        params: { percentPerMinute: 60 },
      }),
    });
    expect(scenario.status).toBe(201);

    for (let round = 0; round < 6; round++) await pollWhile(30);
    // a last short run reads what the previous tail closed on
    await pollWhile(0);
    const delivered = await drainSettled(drainAppId);
    expect(delivered).toBeGreaterThan(0);
    // the last minute may still be filling: compare up to the start of the current minute
    const until = Math.floor(simNow().getTime() / 60_000) * 60_000;

    const viaPoll = await stored(polled, await appIdIn(polled), from);
    const viaDrain = await stored(pushed, drainAppId, from);
    const fullMinutes = (m: Map<number, string>) =>
      new Map([...m].filter(([t]) => t < until).sort(([a], [b]) => a - b));

    expect(viaDrain.events.length).toBeGreaterThan(0);
    expect(viaDrain.samples.length).toBeGreaterThan(0);
    expect(fullMinutes(viaDrain.minutes).size).toBeGreaterThanOrEqual(2);
    expect(viaPoll.events).toEqual(viaDrain.events);
    expect(fullMinutes(viaPoll.minutes)).toEqual(fullMinutes(viaDrain.minutes));
    expect(viaPoll.samples).toEqual(viaDrain.samples);
    process.stdout.write(
      `poll vs drain, ${APP} from ${from.toISOString()}: ${viaDrain.events.length} events, ${fullMinutes(viaDrain.minutes).size} router minutes, ${viaDrain.samples.length} samples — identical\n`,
    );
  });
});
