import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installDbHandle } from "@/lib/db/client";
import { apps } from "@/lib/db/schema";
import { storeLines } from "@/lib/ingest/store";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { uniqueSuffix } from "@/lib/testing/factories";
import { getOverviewFigures } from "./overview";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  installDbHandle(database);
});
afterAll(async () => {
  installDbHandle(undefined);
  await database.close();
});

const stamp = (date: Date) => `${date.toISOString().slice(0, -1)}123+00:00`;

describe("getOverviewFigures", () => {
  it("gives errors by code over 24 h, memory % of quota now, the 5xx rate and hourly requests", async () => {
    const now = new Date();
    const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000);
    const [app] = await database.db
      .insert(apps)
      .values({
        herokuId: `ov-${uniqueSuffix()}`,
        name: `ov-${uniqueSuffix()}`,
        firstSeenAt: now,
        lastSyncedAt: now,
      })
      .returning();
    const appId = app?.id ?? "";
    const router = (at: Date, status: number) =>
      `${stamp(at)} heroku[router]: at=info method=GET path="/" host=x.herokuapp.com request_id=r fwd="1.2.3.4" dyno=web.1 connect=0ms service=20ms status=${status} bytes=10 protocol=https`;
    await storeLines(database.db, {
      appId,
      lines: [
        `${stamp(ago(2))} heroku[web.1]: Error R14 (Memory quota exceeded)`,
        `${stamp(ago(3))} heroku[web.1]: Error R14 (Memory quota exceeded)`,
        `${stamp(ago(600))} heroku[router]: at=error code=H12 desc="Request timeout" method=GET path="/" host=x request_id=a fwd="1.2.3.4" dyno=web.1 connect=0ms service=30000ms status=503 bytes=0 protocol=https`,
        `${stamp(ago(2000))} heroku[web.1]: Error R14 (Memory quota exceeded)`,
        `${stamp(ago(1))} heroku[web.1]: source=web.1 dyno=heroku.1.abc sample#memory_total=600.00MB sample#memory_rss=550.00MB sample#memory_cache=0.00MB sample#memory_swap=50.00MB sample#memory_pgpgin=1pages sample#memory_pgpgout=1pages sample#memory_quota=512.00MB`,
        router(ago(10), 200),
        router(ago(11), 200),
        router(ago(12), 500),
        router(ago(13), 200),
        router(ago(130), 200),
      ],
    });
    const figures = (await getOverviewFigures(now)).get(appId);
    expect(figures?.errors24h).toEqual([
      { code: "R14", count: 2 },
      { code: "H12", count: 1 },
    ]);
    expect(figures?.memory).toEqual([{ dynoType: "web", percent: 117 }]);
    expect(figures?.requests1h).toBe(4);
    expect(figures?.errorRate5xx1h).toBe(0.25);
    expect(figures?.sparkline).toHaveLength(24);
    expect(figures?.sparkline[23]).toBe(4);
    expect(figures?.sparkline[21]).toBe(1);
  });
});
