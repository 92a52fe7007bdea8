import { renderToString } from "react-dom/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installDbHandle } from "@/lib/db/client";
import { apps } from "@/lib/db/schema";
import { storeLines } from "@/lib/ingest/store";
import { rangeWindow } from "@/lib/metrics/buckets";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { uniqueSuffix } from "@/lib/testing/factories";
import { LoadPanel, MemoryPanel } from "./dyno-metric-panel";
import { ErrorsPanel } from "./errors-panel";
import { RequestsPanel } from "./requests-panel";

let database: TestDatabase;
let appId: string;
const window = rangeWindow("1h", new Date("2025-03-04T10:00:30Z"));

beforeAll(async () => {
  database = await createTestDatabase();
  installDbHandle(database);
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
  appId = row.id;
  await storeLines(database.db, {
    appId,
    lines: [
      "2025-03-04T09:42:30.776093+00:00 heroku[web.1]: Error R14 (Memory quota exceeded)",
      "2025-03-04T09:42:21.096375+00:00 heroku[web.1]: source=web.1 dyno=heroku.1.a sample#load_avg_1m=0.42 sample#load_avg_5m=0.31 sample#load_avg_15m=0.27",
      "2025-03-04T09:42:21.096521+00:00 heroku[web.1]: source=web.1 dyno=heroku.1.a sample#memory_total=398.13MB sample#memory_rss=381.77MB sample#memory_cache=16.36MB sample#memory_swap=0.00MB sample#memory_pgpgin=1pages sample#memory_pgpgout=1pages sample#memory_quota=512.00MB",
    ],
  });
});
afterAll(async () => {
  installDbHandle(undefined);
  await database.close();
});

describe("App page panels", () => {
  it("render a chart frame per chart, one per dyno type for memory and load", async () => {
    expect(renderToString(await ErrorsPanel({ appId, window }))).toContain(
      'data-testid="chart-errors"',
    );
    const memory = renderToString(
      await MemoryPanel({ appId, window, appName: "shop", runtimeMetrics: true }),
    );
    expect(memory).toContain('data-testid="chart-memory-web"');
    expect(memory).toContain("quota 512 MB per dyno");
    expect(
      renderToString(await LoadPanel({ appId, window, appName: "shop", runtimeMetrics: true })),
    ).toContain('data-testid="chart-load-web"');
  });

  it("say what will appear and how to get it when the window is empty", async () => {
    const empty = rangeWindow("1h", new Date("2025-03-05T10:00:00Z"));
    const memory = renderToString(
      await MemoryPanel({ appId, window: empty, appName: "shop", runtimeMetrics: false }),
    );
    expect(memory).toContain("No memory samples in this window");
    expect(memory).toContain("heroku labs:enable log-runtime-metrics -a shop");
    expect(renderToString(await ErrorsPanel({ appId, window: empty }))).toContain(
      "No errors in this window",
    );
    expect(renderToString(await RequestsPanel({ appId, window: empty }))).toContain(
      "No router traffic in this window",
    );
  });

  it("show an error state instead of failing the page when a read fails", async () => {
    const html = renderToString(
      await LoadPanel({ appId: "not-a-uuid", window, appName: "shop", runtimeMetrics: true }),
    ).replaceAll("<!-- -->", "");
    expect(html).toContain('role="alert"');
    expect(html).toContain("Could not load the load charts");
  });
});
