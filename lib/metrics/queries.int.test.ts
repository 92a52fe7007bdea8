import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installDbHandle } from "@/lib/db/client";
import { queryRows } from "@/lib/db/execute";
import { apps } from "@/lib/db/schema";
import type { SampleRow } from "@/lib/ingest/classify";
import { pruneRetention } from "@/lib/ingest/retention";
import { storeLines } from "@/lib/ingest/store";
import { upsertSamples } from "@/lib/ingest/write-batch";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { uniqueSuffix } from "@/lib/testing/factories";
import { RANGES, rangeWindow, type TimeWindow } from "./buckets";
import {
  type DynoSeries,
  getErrorTimeline,
  getLoadSeries,
  getMarkers,
  getMemorySeries,
  getRequestSeries,
  type MemorySeries,
  planDynoRead,
  type SeriesPoint,
} from "./queries";

let database: TestDatabase;
let appId: string;
let otherAppId: string;

async function createApp(): Promise<string> {
  const now = new Date();
  const [row] = await database.db
    .insert(apps)
    .values({
      herokuId: `test-${uniqueSuffix()}`,
      name: `app-${uniqueSuffix()}`,
      firstSeenAt: now,
      lastSyncedAt: now,
    })
    .returning({ id: apps.id });
  if (!row) throw new Error("no app");
  return row.id;
}

const at = (hhmmss: string, micros = "000000") => `2025-03-04T${hhmmss}.${micros}+00:00`;
let requestId = 0;
function router(ts: string, dyno: string, serviceMs: number, status: number): string {
  requestId++;
  return `${ts} heroku[router]: at=info method=GET path="/api/orders" host=acme.herokuapp.com request_id=r${requestId} fwd="203.0.113.42" dyno=${dyno} connect=0ms service=${serviceMs}ms status=${status} bytes=512 protocol=https`;
}
function runtimeMetrics(
  ts: string,
  dyno: string,
  load: number,
  rss: number,
  swap: number,
): string[] {
  return [
    `${ts} heroku[${dyno}]: source=${dyno} dyno=heroku.187733219.5c6f0e1a sample#load_avg_1m=${load.toFixed(2)} sample#load_avg_5m=0.31 sample#load_avg_15m=0.27`,
    `${ts} heroku[${dyno}]: source=${dyno} dyno=heroku.187733219.5c6f0e1a sample#memory_total=${(rss + swap).toFixed(2)}MB sample#memory_rss=${rss.toFixed(2)}MB sample#memory_cache=10.00MB sample#memory_swap=${swap.toFixed(2)}MB sample#memory_pgpgin=214406pages sample#memory_pgpgout=116350pages sample#memory_quota=512.00MB`,
  ];
}

function scenario(): string[] {
  const lines: string[] = [];
  // 09:41: three fast requests and an H12 timeout
  lines.push(router(at("09:41:01"), "web.1", 10, 200));
  lines.push(router(at("09:41:02"), "web.2", 40, 200));
  lines.push(router(at("09:41:03"), "web.1", 87, 200));
  lines.push(
    `${at("09:41:40", "912877")} heroku[router]: at=error code=H12 desc="Request timeout" method=POST path="/api/reports/export" host=acme.herokuapp.com request_id=h12 fwd="198.51.100.23" dyno=web.2 connect=0ms service=30000ms status=503 bytes=0 protocol=https`,
  );
  // 09:42: 10 requests, one slow 500 → p95 is the slow one's bucket
  for (let i = 0; i < 9; i++) lines.push(router(at(`09:42:${String(10 + i)}`), "web.1", 45, 200));
  lines.push(router(at("09:42:30"), "web.2", 900, 500));
  // 09:43: 20 requests, one slow → p95 stays in the fast bucket
  for (let i = 0; i < 19; i++) lines.push(router(at(`09:43:${String(10 + i)}`), "web.1", 45, 200));
  lines.push(router(at("09:43:40"), "web.2", 900, 404));
  // runtime metrics every 20 s, web.1 leaking past its 512 MB quota
  for (let i = 0; i < 15; i++) {
    const seconds = 40 * 60 + i * 20;
    const ts = at(
      `09:${String(Math.floor(seconds / 60)).padStart(2, "0")}:${String(seconds % 60).padStart(2, "0")}`,
      "096521",
    );
    const rss = 400 + 15 * i;
    lines.push(
      ...runtimeMetrics(ts, "web.1", 0.5 + 0.1 * i, Math.min(rss, 512), Math.max(0, rss - 512)),
    );
    lines.push(...runtimeMetrics(ts, "web.2", 0.2, 200 + 2 * i, 0));
  }
  // R14 twice as web.1 crosses its quota
  for (const ts of [at("09:43:30", "774512"), at("09:44:30", "774512")]) {
    lines.push(`${ts} heroku[web.1]: Process running mem=590M(115.2%)`);
    lines.push(
      `${ts.replace("774512", "776093")} heroku[web.1]: Error R14 (Memory quota exceeded)`,
    );
  }
  // a restart of both web dynos
  for (const dyno of ["web.1", "web.2"]) {
    lines.push(`${at("09:45:00", "100000")} heroku[${dyno}]: Restarting`);
    lines.push(`${at("09:45:00", "200000")} heroku[${dyno}]: State changed from up to starting`);
    lines.push(`${at("09:45:01", "000000")} heroku[${dyno}]: Stopping all processes with SIGTERM`);
    lines.push(`${at("09:45:02", "000000")} heroku[${dyno}]: Process exited with status 143`);
    lines.push(
      `${at("09:45:05", "000000")} heroku[${dyno}]: Starting process with command \`bundle exec puma -C config/puma.rb\``,
    );
    lines.push(`${at("09:45:08", "000000")} heroku[${dyno}]: State changed from starting to up`);
  }
  // a deploy and its release
  lines.push(`${at("09:46:00", "118720")} app[api]: Deploy 3f9e2c71 by user dev@acme.io`);
  lines.push(`${at("09:46:00", "218720")} app[api]: Release v143 created by user dev@acme.io`);
  // the worker crashes; a request then meets H10
  lines.push(`${at("09:47:00", "188764")} heroku[worker.1]: State changed from up to crashed`);
  lines.push(
    `${at("09:47:05", "000000")} heroku[router]: at=error code=H10 desc="App crashed" method=GET path="/" host=acme.herokuapp.com request_id=h10 fwd="203.0.113.42" dyno= connect= service= status=503 bytes= protocol=https`,
  );
  return lines;
}

const now = new Date("2025-03-04T10:00:30Z");
const hour = rangeWindow("1h", now);
const sixHours = rangeWindow("6h", now);
const minute = (hhmm: string) => Date.parse(`2025-03-04T${hhmm}:00Z`);

beforeAll(async () => {
  database = await createTestDatabase();
  installDbHandle(database);
  appId = await createApp();
  otherAppId = await createApp();
  await storeLines(database.db, { appId, lines: scenario() });
  // another app's data must never show up in this one's charts
  await storeLines(database.db, {
    appId: otherAppId,
    lines: [
      router(at("09:41:05"), "web.1", 10, 500),
      `${at("09:43:00", "000001")} heroku[web.1]: Error R15 (Memory quota vastly exceeded)`,
      `${at("09:45:00", "000001")} heroku[web.1]: Restarting`,
      ...runtimeMetrics(at("09:42:00", "000001"), "web.1", 9, 999, 0),
    ],
  });
});
afterAll(async () => {
  installDbHandle(undefined);
  await database.close();
});

describe("getErrorTimeline", () => {
  it("counts codes per bucket, every bucket of the window present", async () => {
    const timeline = await getErrorTimeline(appId, hour);
    expect(timeline.codes).toEqual(["H10", "H12", "R14", "crashed"]);
    expect(timeline.totals).toEqual({ H10: 1, H12: 1, R14: 2, crashed: 1 });
    expect(timeline.explain.R14?.description).toBe("Memory quota exceeded (swap in use)");
    expect(timeline.points).toHaveLength(60);
    const point = (hhmm: string) => timeline.points.find((p) => p.t === minute(hhmm));
    expect(point("09:41")).toEqual({ t: minute("09:41"), H10: 0, H12: 1, R14: 0, crashed: 0 });
    expect(point("09:43")).toMatchObject({ R14: 1 });
    expect(point("09:44")).toMatchObject({ R14: 1 });
    expect(point("09:47")).toMatchObject({ H10: 1, crashed: 1 });
    expect(point("09:50")).toEqual({ t: minute("09:50"), H10: 0, H12: 0, R14: 0, crashed: 0 });
  });

  it("merges minutes into wider buckets and filters by dyno type", async () => {
    const wide = await getErrorTimeline(appId, sixHours);
    expect(wide.points).toHaveLength(72);
    expect(wide.points.find((p) => p.t === minute("09:40"))).toMatchObject({ H12: 1, R14: 2 });
    expect(wide.points.find((p) => p.t === minute("09:45"))).toMatchObject({ H10: 1, crashed: 1 });

    const worker = await getErrorTimeline(appId, hour, { dynoType: "worker" });
    expect(worker.codes).toEqual(["crashed"]);
    const web = await getErrorTimeline(appId, hour, { dynoType: "web" });
    expect(web.totals).toEqual({ H12: 1, R14: 2 });
  });

  it("is empty outside the window", async () => {
    const later = await getErrorTimeline(
      appId,
      rangeWindow("1h", new Date("2025-03-04T12:00:00Z")),
    );
    expect(later.codes).toEqual([]);
    expect(later.points.every((p) => Object.keys(p).length === 1)).toBe(true);
  });
});

describe("getMemorySeries", () => {
  it("gives max RSS and swap per dyno and bucket, with the quota, per dyno type", async () => {
    const series = await getMemorySeries(appId, hour);
    expect(series).toHaveLength(1);
    const [web] = series;
    expect(web?.dynoType).toBe("web");
    expect(web?.dynos).toEqual(["web.1", "web.2"]);
    expect(web?.quotaMb).toBe(512);
    expect(web?.points.map((p) => p.t)).toEqual(
      ["09:40", "09:41", "09:42", "09:43", "09:44"].map(minute),
    );
    // 09:40 holds samples 0..2 (rss 400, 415, 430); 09:44 holds 12..14 (rss capped at 512, swap 98)
    expect(web?.points[0]).toMatchObject({
      "web.1": 430,
      "web.1:swap": 0,
      "web.2": 204,
      "web.2:swap": 0,
    });
    expect(web?.points[4]).toMatchObject({ "web.1": 512, "web.1:swap": 98, "web.2": 228 });
  });

  it("says nothing for a type without samples", async () => {
    expect(await getMemorySeries(appId, hour, { dynoType: "worker" })).toEqual([]);
  });
});

describe("getLoadSeries", () => {
  it("gives max load_1m per dyno and bucket", async () => {
    const [web] = await getLoadSeries(appId, hour);
    expect(web?.dynos).toEqual(["web.1", "web.2"]);
    expect(web?.points).toHaveLength(5);
    expect(web?.points[0]?.["web.1"]).toBeCloseTo(0.7, 5);
    expect(web?.points[4]?.["web.1"]).toBeCloseTo(1.9, 5);
    expect(web?.points[4]?.["web.2"]).toBeCloseTo(0.2, 5);
    expect(web).not.toHaveProperty("quotaMb");
  });
});

describe("getRequestSeries", () => {
  it("sums requests and 5xx per bucket and takes p95 from the summed histograms", async () => {
    const series = await getRequestSeries(appId, hour);
    expect(series.points).toHaveLength(60);
    // H10 has no service time but is a request; H12 counts as a 503
    expect(series.totals).toEqual({ requests: 35, errors5xx: 3 });
    const point = (hhmm: string) => series.points.find((p) => p.t === minute(hhmm));
    expect(point("09:41")).toMatchObject({
      requests: 4,
      errors5xx: 1,
      routerErrors: 1,
      p95Ms: 30_000,
      perMin: 4,
    });
    expect(point("09:42")).toMatchObject({
      requests: 10,
      errors5xx: 1,
      p50Ms: 50,
      p95Ms: 900,
      maxMs: 900,
    });
    expect(point("09:43")).toMatchObject({ requests: 20, errors5xx: 0, p50Ms: 50, p95Ms: 50 });
    expect(point("09:50")).toMatchObject({ requests: 0, p95Ms: null, maxMs: null, perMin: 0 });
  });

  it("merges minutes into a 5-minute bucket with req/min scaled", async () => {
    const series = await getRequestSeries(appId, sixHours);
    const bucket = series.points.find((p) => p.t === minute("09:40"));
    // 34 requests: 19+9+1 at ≤50 ms, 1 at 10, 1 at 87, 2 at ≤1000 and one at 30 s → p95 (rank 33) ≤ 1000
    expect(bucket).toMatchObject({
      requests: 34,
      errors5xx: 2,
      perMin: 6.8,
      p95Ms: 1000,
      maxMs: 30_000,
    });
  });
});

describe("getMarkers", () => {
  it("marks the restart, the release and the crash, one per kind and bucket", async () => {
    const markers = await getMarkers(appId, hour);
    expect(markers).toEqual([
      {
        t: Date.parse("2025-03-04T09:45:00.100Z"),
        kind: "restart",
        label: "restart web.1, restart web.2",
      },
      {
        t: Date.parse("2025-03-04T09:46:00.118Z"),
        kind: "release",
        label: "deploy 3f9e2c7, release v143",
      },
      { t: Date.parse("2025-03-04T09:47:00.188Z"), kind: "crash", label: "crash worker.1" },
    ]);
  });

  it("has none outside the window", async () => {
    expect(await getMarkers(appId, rangeWindow("1h", new Date("2025-03-04T09:30:00Z")))).toEqual(
      [],
    );
  });
});

// Rollups: a second app with 8½ days of samples (sparse, then every 20 s for the last 7 hours),
// written through upsertSamples the way both ingestion paths write them: some samples whole, some
// as a load row and a memory row in separate calls (a drain batch may split a sample's two lines).
describe("memory and load series over rollups", () => {
  const rollupNow = new Date("2025-02-09T13:47:12Z");
  const first = Date.parse("2025-02-01T00:00:00Z");
  const denseFrom = rollupNow.getTime() - 7 * 3_600_000;
  const dynos = ["web.1", "web.2", "worker.1"];
  let rollupAppId: string;
  let stored: SampleRow[];
  let calls: SampleRow[][];

  let seed = 42;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const cents = (min: number, max: number) =>
    Math.round((min + random() * (max - min)) * 100) / 100;

  function sampleRow(dyno: string, atMs: number): SampleRow {
    const web = dyno.startsWith("web");
    const micros = String(Math.floor(random() * 1_000_000)).padStart(6, "0");
    return {
      app_id: rollupAppId,
      dyno,
      dyno_type: dyno.split(".")[0] ?? dyno,
      ts: `${new Date(atMs).toISOString().slice(0, 19)}.${micros}+00:00`,
      instance: null,
      size: null,
      load_1m: cents(0, 4),
      load_5m: null,
      load_15m: null,
      memory_total_mb: null,
      memory_rss_mb: cents(100, web ? 600 : 1100),
      memory_cache_mb: null,
      memory_swap_mb: random() < 0.8 ? 0 : cents(0, 90),
      memory_quota_mb: web ? 512 : 1024,
      memory_pgpgin: null,
      memory_pgpgout: null,
    };
  }

  const loadOnly = (row: SampleRow): SampleRow => ({
    ...row,
    memory_rss_mb: null,
    memory_swap_mb: null,
    memory_quota_mb: null,
  });
  const memoryOnly = (row: SampleRow): SampleRow => ({ ...row, load_1m: null });

  const round2 = (value: number) => Math.round(value * 100) / 100;

  /** What the raw query gives: max per dyno type, dyno and epoch-aligned bucket, computed here. */
  function expectedSeries(
    window: TimeWindow,
    metric: "memory" | "load",
    dynoType?: string,
  ): MemorySeries[] {
    const types = new Map<
      string,
      { dynos: Set<string>; points: Map<number, SeriesPoint>; quota: number | null }
    >();
    const stepMs = window.stepSeconds * 1000;
    for (const row of stored) {
      const at = Date.parse(row.ts);
      if (at < window.from.getTime() || at >= window.to.getTime()) continue;
      if (dynoType && row.dyno_type !== dynoType) continue;
      const value = metric === "memory" ? row.memory_rss_mb : row.load_1m;
      if (value === null) continue;
      const entry = types.get(row.dyno_type) ?? {
        dynos: new Set(),
        points: new Map(),
        quota: null,
      };
      types.set(row.dyno_type, entry);
      entry.dynos.add(row.dyno);
      const t = Math.floor(at / stepMs) * stepMs;
      const point = entry.points.get(t) ?? { t };
      entry.points.set(t, point);
      // metric_samples holds reals: compare at their precision, rounded as the query rounds
      const max = (key: string, v: number | null) => {
        if (v === null) return;
        const previous = point[key];
        point[key] = Math.max(previous ?? -Infinity, round2(Math.fround(v)));
      };
      max(row.dyno, value);
      if (metric === "memory") {
        max(`${row.dyno}:swap`, row.memory_swap_mb);
        if (row.memory_quota_mb !== null)
          entry.quota = Math.max(entry.quota ?? 0, Math.fround(row.memory_quota_mb));
      }
    }
    const byName = (a: string, b: string) => a.localeCompare(b, undefined, { numeric: true });
    return [...types.entries()]
      .sort(([a], [b]) => byName(a, b))
      .map(([type, entry]) => ({
        dynoType: type,
        dynos: [...entry.dynos].sort(byName),
        points: [...entry.points.values()].sort((a, b) => a.t - b.t),
        quotaMb: entry.quota,
      }));
  }
  const expectedLoad = (window: TimeWindow, dynoType?: string): DynoSeries[] =>
    expectedSeries(window, "load", dynoType).map(({ quotaMb: _quota, ...series }) => series);

  const rollupRows = (appId: string) =>
    queryRows(
      database.db,
      sql`select dyno, dyno_type, step_seconds, bucket::text as bucket, memory_rss_max,
                 memory_swap_max, memory_quota_max, load_1m_max
          from metric_rollups where app_id = ${appId}
          order by dyno, step_seconds, bucket`,
    );

  beforeAll(async () => {
    rollupAppId = await createApp();
    const byKey = new Map<string, SampleRow>();
    for (const dyno of dynos) {
      for (let at = first; at < denseFrom; at += 420_000) {
        const row = sampleRow(dyno, at + Math.floor(random() * 60) * 1000);
        byKey.set(`${dyno} ${row.ts.slice(0, 19)}`, row);
      }
      for (let at = denseFrom; at <= rollupNow.getTime(); at += 20_000) {
        const row = sampleRow(dyno, at);
        byKey.set(`${dyno} ${row.ts.slice(0, 19)}`, row);
      }
    }
    stored = [];
    const whole: SampleRow[] = [];
    const loads: SampleRow[] = [];
    const memories: SampleRow[] = [];
    for (const row of byKey.values()) {
      const pick = random();
      if (pick < 0.1) {
        // a dyno that reported load only (its memory line never came)
        stored.push(loadOnly(row));
        whole.push(loadOnly(row));
      } else if (pick < 0.4) {
        stored.push(row);
        loads.push(loadOnly(row));
        memories.push(memoryOnly(row));
      } else {
        stored.push(row);
        whole.push(row);
      }
    }
    calls = [whole, memories, loads];
    for (const call of calls) await upsertSamples(database.db, call);
  });

  it("reads rollups of the widest step dividing the window's step, raw samples otherwise", () => {
    expect(planDynoRead(rangeWindow("1h", rollupNow)).rollup).toBeNull();
    for (const [range, step] of [
      ["6h", 300],
      ["24h", 300],
      ["7d", 3600],
      ["30d", 3600],
    ] as const) {
      const plan = planDynoRead(rangeWindow(range, rollupNow));
      expect(plan.rollup?.stepSeconds).toBe(step);
      expect(plan.raw).toEqual([]);
    }
    const ragged = planDynoRead({
      from: new Date("2025-02-03T10:17:31Z"),
      to: new Date("2025-02-09T12:03:05Z"),
      stepSeconds: 7200,
    });
    expect(ragged).toEqual({
      rollup: {
        stepSeconds: 3600,
        from: new Date("2025-02-03T11:00:00Z"),
        to: new Date("2025-02-09T12:00:00Z"),
      },
      raw: [
        { from: new Date("2025-02-03T10:17:31Z"), to: new Date("2025-02-03T11:00:00Z") },
        { from: new Date("2025-02-09T12:00:00Z"), to: new Date("2025-02-09T12:03:05Z") },
      ],
    });
  });

  it.each(RANGES)("gives the raw samples' maxima for the %s range", async (range) => {
    const window = rangeWindow(range, rollupNow);
    const memory = await getMemorySeries(rollupAppId, window);
    expect(memory.map((s) => s.dynoType)).toEqual(["web", "worker"]);
    expect(memory.every((s) => s.points.length > 0)).toBe(true);
    expect(memory).toEqual(expectedSeries(window, "memory"));
    expect(await getLoadSeries(rollupAppId, window)).toEqual(expectedLoad(window));
    for (const dynoType of ["web", "worker"]) {
      expect(await getMemorySeries(rollupAppId, window, { dynoType })).toEqual(
        expectedSeries(window, "memory", dynoType),
      );
      expect(await getLoadSeries(rollupAppId, window, { dynoType })).toEqual(
        expectedLoad(window, dynoType),
      );
    }
  });

  it.each([
    ["2025-02-03T10:17:31Z", "2025-02-09T12:03:05Z", 3600],
    ["2025-02-03T10:17:31Z", "2025-02-09T12:03:05Z", 7200],
    ["2025-02-08T22:03:05Z", "2025-02-09T13:41:50Z", 900],
    ["2025-02-09T13:02:10Z", "2025-02-09T13:41:50Z", 600],
    ["2025-02-09T13:01:10Z", "2025-02-09T13:04:50Z", 300],
  ])(
    "gives the raw samples' maxima for an export from %s to %s by %i s",
    async (from, to, step) => {
      const window = { from: new Date(from), to: new Date(to), stepSeconds: step };
      const memory = await getMemorySeries(rollupAppId, window);
      expect(memory.length).toBeGreaterThan(0);
      expect(memory).toEqual(expectedSeries(window, "memory"));
      expect(await getLoadSeries(rollupAppId, window)).toEqual(expectedLoad(window));
    },
  );

  it("holds the maxima of the stored samples, unchanged when the same samples come again", async () => {
    const before = await rollupRows(rollupAppId);
    // both steps for every dyno and bucket that has a sample
    expect(before.length).toBeGreaterThan(2 * dynos.length * 8 * 24);
    const fromSamples = await queryRows(
      database.db,
      sql`select dyno, min(dyno_type) as dyno_type, step as step_seconds,
                 to_timestamp(floor(extract(epoch from ts) / step) * step)::text as bucket,
                 max(memory_rss_mb) as memory_rss_max,
                 max(memory_swap_mb) filter (where memory_rss_mb is not null) as memory_swap_max,
                 max(memory_quota_mb) filter (where memory_rss_mb is not null) as memory_quota_max,
                 max(load_1m) as load_1m_max
          from metric_samples cross join (values (300), (3600)) as steps(step)
          where app_id = ${rollupAppId}
          group by dyno, step, 4
          order by dyno, step, 4`,
    );
    expect(before).toEqual(fromSamples);

    // replays: the same calls in reverse, then every row at once
    for (const call of [...calls].reverse()) await upsertSamples(database.db, call);
    await upsertSamples(database.db, stored);
    expect(await rollupRows(rollupAppId)).toEqual(before);
    const week = rangeWindow("7d", rollupNow);
    expect(await getMemorySeries(rollupAppId, week)).toEqual(expectedSeries(week, "memory"));
  });
});

describe("pruneRetention on rollups", () => {
  it("removes rollups whose bucket ends by the cutoff and keeps the one still holding samples", async () => {
    const appId = await createApp();
    const start = Date.parse("2024-06-01T00:00:00Z");
    const rows: SampleRow[] = [];
    for (let at = start; at < start + 3 * 3_600_000; at += 60_000) {
      rows.push({
        app_id: appId,
        dyno: "web.1",
        dyno_type: "web",
        ts: new Date(at).toISOString(),
        instance: null,
        size: null,
        load_1m: 1,
        load_5m: null,
        load_15m: null,
        memory_total_mb: null,
        memory_rss_mb: 300,
        memory_cache_mb: null,
        memory_swap_mb: 0,
        memory_quota_mb: 512,
        memory_pgpgin: null,
        memory_pgpgout: null,
      });
    }
    await upsertSamples(database.db, rows);
    const buckets = async () =>
      (
        await queryRows<{ step_seconds: number; bucket: string }>(
          database.db,
          sql`select step_seconds, to_char(bucket at time zone 'UTC', 'HH24:MI') as bucket
              from metric_rollups where app_id = ${appId} order by step_seconds, bucket`,
        )
      ).map((r) => `${r.step_seconds} ${r.bucket}`);
    expect(await buckets()).toHaveLength(36 + 3);

    // the cutoff, 30 days before `now`, is 2024-06-01 01:32
    const now = new Date(Date.parse("2024-06-01T01:32:00Z") + 30 * 86_400_000);
    const removed = await pruneRetention(database.db, { now, retentionDays: 30 });
    expect(removed.samples).toBe(92);
    expect(removed.rollups).toBe(18 + 1);
    const kept = await buckets();
    expect(kept.filter((b) => b.startsWith("300 "))[0]).toBe("300 01:30");
    expect(kept.filter((b) => b.startsWith("300 "))).toHaveLength(36 - 18);
    expect(kept.filter((b) => b.startsWith("3600 "))).toEqual(["3600 01:00", "3600 02:00"]);
  });
});
