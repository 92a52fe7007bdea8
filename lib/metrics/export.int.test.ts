import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installDbHandle } from "@/lib/db/client";
import { apps } from "@/lib/db/schema";
import { storeLines } from "@/lib/ingest/store";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { uniqueSuffix } from "@/lib/testing/factories";
import { exportMetrics, metricsQuerySchema, toCsv } from "./export";

let database: TestDatabase;
const name = `export-${uniqueSuffix()}`;
beforeAll(async () => {
  database = await createTestDatabase();
  installDbHandle(database);
  const now = new Date();
  const [app] = await database.db
    .insert(apps)
    .values({ herokuId: `x-${uniqueSuffix()}`, name, firstSeenAt: now, lastSyncedAt: now })
    .returning();
  const sample = (ts: string, dyno: string, rss: number) =>
    `${ts} heroku[${dyno}]: source=${dyno} dyno=heroku.1.a sample#memory_total=${rss}MB sample#memory_rss=${rss}MB sample#memory_cache=0.00MB sample#memory_swap=0.00MB sample#memory_pgpgin=1pages sample#memory_pgpgout=1pages sample#memory_quota=512.00MB`;
  await storeLines(database.db, {
    appId: app?.id ?? "",
    lines: [
      sample("2026-11-24T10:00:10.000001+00:00", "web.1", 300),
      sample("2026-11-24T10:00:10.000002+00:00", "web.2", 200),
      sample("2026-11-24T10:05:10.000001+00:00", "web.1", 420.5),
      "2026-11-24T10:06:00.000001+00:00 heroku[web.1]: Error R14 (Memory quota exceeded)",
    ],
  });
});
afterAll(async () => {
  installDbHandle(undefined);
  await database.close();
});

const query = (input: Record<string, string>) =>
  metricsQuerySchema.parse({
    from: "2026-11-24T10:00:00Z",
    to: "2026-11-24T10:10:00Z",
    step: "300",
    ...input,
  });

describe("metrics export", () => {
  it("gives memory per dyno and bucket with the quota, as JSON rows and CSV", async () => {
    const table = await exportMetrics(name, query({ series: "memory" }));
    expect(table.columns).toEqual([
      "time",
      "dyno_type",
      "web.1_rss_mb",
      "web.2_rss_mb",
      "quota_mb",
    ]);
    expect(table.rows).toEqual([
      {
        time: "2026-11-24T10:00:00.000Z",
        dyno_type: "web",
        "web.1_rss_mb": 300,
        "web.2_rss_mb": 200,
        quota_mb: 512,
      },
      {
        time: "2026-11-24T10:05:00.000Z",
        dyno_type: "web",
        "web.1_rss_mb": 420.5,
        "web.2_rss_mb": null,
        quota_mb: 512,
      },
    ]);
    expect(toCsv(table)).toBe(
      "time,dyno_type,web.1_rss_mb,web.2_rss_mb,quota_mb\n2026-11-24T10:00:00.000Z,web,300,200,512\n2026-11-24T10:05:00.000Z,web,420.5,,512\n",
    );
  });

  it("gives error counts per code and bucket", async () => {
    const table = await exportMetrics(name, query({ series: "errors" }));
    expect(table.columns).toEqual(["time", "R14"]);
    expect(table.rows.map((r) => r.R14)).toEqual([0, 1]);
  });

  it("names each wrong parameter, and an unknown app", async () => {
    const result = metricsQuerySchema.safeParse({ series: "cpu", step: "5", from: "yesterday" });
    expect(result.success).toBe(false);
    const fields = result.error?.issues.map((i) => i.path.join("."));
    expect(fields).toEqual(expect.arrayContaining(["series", "step", "from"]));
    await expect(exportMetrics("no-such-app", query({}))).rejects.toMatchObject({
      code: "not_found",
    });
  });
});
