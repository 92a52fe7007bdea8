import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/lib/db/execute";
import { apps, logEvents, metricSamples } from "@/lib/db/schema";
import { parseLogLine } from "@/lib/logs/parse-line";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { uniqueSuffix } from "@/lib/testing/factories";
import { storeLines } from "./store";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});

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

const lines = [
  '2025-03-04T09:41:12.337781+00:00 heroku[router]: at=info method=GET path="/api/orders?page=2" host=acme.herokuapp.com request_id=2f5b1c0e fwd="203.0.113.42" dyno=web.1 connect=0ms service=87ms status=200 bytes=5123 protocol=https',
  '2025-03-04T09:41:13.004512+00:00 heroku[router]: at=info method=POST path="/webhooks/stripe" host=api.acme.io request_id=9d8c7b6a fwd="54.187.174.169" dyno=web.2 connect=1ms service=412ms status=201 bytes=310 protocol=http1.1 tls=true tls_version=tls1.3',
  '2025-03-04T09:41:40.912877+00:00 heroku[router]: at=error code=H12 desc="Request timeout" method=POST path="/api/reports/export" host=api.acme.io request_id=1b2c3d4e fwd="198.51.100.23" dyno=web.2 connect=0ms service=30000ms status=503 bytes=0 protocol=http1.1 tls=true tls_version=tls1.3',
  '2025-03-04T09:42:02.441902+00:00 heroku[router]: at=info method=GET path="/" host=acme.herokuapp.com request_id=0a1b2c3d fwd="203.0.113.42" dyno=web.1 connect=0ms service=12ms status=500 bytes=20 protocol=https',
  "2025-03-04T09:42:21.096375+00:00 heroku[web.1]: source=web.1 dyno=heroku.187733219.5c6f0e1a sample#load_avg_1m=0.42 sample#load_avg_5m=0.31 sample#load_avg_15m=0.27",
  "2025-03-04T09:42:21.096521+00:00 heroku[web.1]: source=web.1 dyno=heroku.187733219.5c6f0e1a sample#memory_total=398.13MB sample#memory_rss=381.77MB sample#memory_cache=16.36MB sample#memory_swap=0.00MB sample#memory_pgpgin=214406pages sample#memory_pgpgout=116350pages sample#memory_quota=512.00MB",
  "2025-03-04T09:42:30.774512+00:00 heroku[web.1]: Process running mem=612M(119.5%)",
  "2025-03-04T09:42:30.776093+00:00 heroku[web.1]: Error R14 (Memory quota exceeded)",
  "2025-03-04T09:42:31.188764+00:00 heroku[worker.1]: State changed from up to crashed",
  "2025-03-04T09:42:32.118720+00:00 app[api]: Release v142 created by user dev@acme.io",
  "2025-03-04T09:42:33.000000+00:00 app[web.1]: GET /health 200 (an app line: not stored)",
  "not a log line at all",
];

describe("storeLines", () => {
  it("stores events, merges the two metric lines of a sample and aggregates router lines per minute", async () => {
    const appId = await createApp();
    const result = await storeLines(database.db, { appId, lines });
    expect(result).toMatchObject({
      read: 12,
      unparsed: 1,
      duplicates: 0,
      events: 5,
      samples: 1,
      requests: 4,
    });

    const events = await database.db.select().from(logEvents).where(eq(logEvents.appId, appId));
    expect(events.map((e) => e.kind).sort()).toEqual([
      "api",
      "memory_report",
      "router_error",
      "runtime_error",
      "state_change",
    ]);
    const byKind = Object.fromEntries(events.map((e) => [e.kind, e]));
    expect(byKind.runtime_error).toMatchObject({ code: "R14", dyno: "web.1", dynoType: "web" });
    expect(byKind.router_error).toMatchObject({ code: "H12", dynoType: "web" });
    expect(byKind.state_change).toMatchObject({ code: "crashed", dynoType: "worker" });
    expect(byKind.api).toMatchObject({ code: "release" });
    expect(byKind.runtime_error?.ts.toISOString()).toBe("2025-03-04T09:42:30.776Z");

    const samples = await database.db
      .select()
      .from(metricSamples)
      .where(eq(metricSamples.appId, appId));
    expect(samples).toHaveLength(1);
    expect(samples[0]).toMatchObject({
      dyno: "web.1",
      load1m: 0.42,
      memoryQuotaMb: 512,
      memoryPgpgin: 214406,
    });
    expect(samples[0]?.memoryRssMb).toBeCloseTo(381.77, 2);

    const stats = await queryRows<{
      minute: Date | string;
      requests: number;
      status_5xx: number;
      router_errors: number;
      service_ms_max: number;
      hist_total: number;
    }>(
      database.db,
      sql`select minute, requests, status_5xx, router_errors, service_ms_max,
            (select sum(v)::int from unnest(service_hist) v) as hist_total
          from request_stats where app_id = ${appId} order by minute`,
    );
    expect(
      stats.map((s) => [
        new Date(s.minute).toISOString(),
        s.requests,
        s.status_5xx,
        s.router_errors,
      ]),
    ).toEqual([
      ["2025-03-04T09:41:00.000Z", 3, 1, 1],
      ["2025-03-04T09:42:00.000Z", 1, 1, 0],
    ]);
    expect(stats[0]?.service_ms_max).toBe(30_000);
    expect(stats[0]?.hist_total).toBe(3);
  });

  it("stores nothing twice: the same lines again add no events, and the high-water mark skips them", async () => {
    const appId = await createApp();
    const first = await storeLines(database.db, { appId, lines });
    const again = await storeLines(database.db, { appId, lines, hwm: first.hwm });
    expect(again).toMatchObject({ read: 12, events: 0, samples: 0, requests: 0 });
    expect(again.duplicates).toBe(11); // all but the unparsable line
    const [count] = await queryRows<{ n: number }>(
      database.db,
      sql`select sum(requests)::int as n from request_stats where app_id = ${appId}`,
    );
    expect(count?.n).toBe(4);
    // without a mark (a drain retry that slipped past its frame id), events still dedupe by fingerprint
    const replay = await storeLines(database.db, { appId, lines: lines.slice(6, 10) });
    expect(replay.events).toBe(0);
  });

  it("keeps new lines that share the mark's instant, and drops the ones seen at it", async () => {
    const appId = await createApp();
    const instant = "2025-03-04T10:00:00.000001+00:00";
    const a = `${instant} heroku[web.1]: Error R14 (Memory quota exceeded)`;
    const b = `${instant} heroku[web.2]: Error R14 (Memory quota exceeded)`;
    const first = await storeLines(database.db, { appId, lines: [a] });
    const second = await storeLines(database.db, { appId, lines: [a, b], hwm: first.hwm });
    expect(second).toMatchObject({ duplicates: 1, events: 1 });
    expect(second.hwm?.fingerprints).toHaveLength(2);
  });

  it("never loses a batch to one bad line", async () => {
    const appId = await createApp();
    const noisy = [
      "\u0000\u0001garbage",
      lines[7] ?? "",
      "2025-13-45T99:99:99+00:00 heroku[web.1]: Error R15 (Memory quota vastly exceeded)",
      "x".repeat(20_000),
    ];
    const result = await storeLines(database.db, { appId, lines: noisy });
    expect(result.events).toBeGreaterThanOrEqual(1);
    expect(parseLogLine(noisy[0] ?? "").kind).toBe("unknown");
  });

  it("stores lines holding NUL or a lone surrogate, replaced and counted (issue 12, item 3)", async () => {
    const appId = await createApp();
    const bad = [
      "2025-03-04T09:43:30.776093+00:00 heroku[web.1]: Error R14 (Memory\u0000quota exceeded)",
      "2025-03-04T09:43:31.188764+00:00 heroku[worker.1\u0000]: State changed from up to crashed",
      "2025-03-04T09:43:32.000000+00:00 heroku[web.1]: Error R10 (Boot \uD800timeout) -> gave up",
      "2025-03-04T09:43:33.096375+00:00 heroku[web.1]: source=web.1\u0000 dyno=heroku.187733219.5c6f0e1a sample#load_avg_1m=0.42",
    ];
    const result = await storeLines(database.db, { appId, lines: bad });
    expect(result).toMatchObject({ read: 4, repaired: 4, events: 3, samples: 1 });
    const stored = await database.db
      .select({ message: logEvents.message, detail: logEvents.detail, proc: logEvents.proc })
      .from(logEvents)
      .where(eq(logEvents.appId, appId));
    expect(stored.map((row) => row.message).sort()).toEqual([
      "Error R10 (Boot \uFFFDtimeout) -> gave up",
      "Error R14 (Memory\uFFFDquota exceeded)",
      "State changed from up to crashed",
    ]);
    expect(stored.map((row) => row.proc)).toContain("worker.1\uFFFD");
    expect(JSON.stringify(stored)).not.toContain("\\u0000");
  });
});
