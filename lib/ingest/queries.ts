// Ingest health per app for the console: is monitoring blind?
import "server-only";
import { getDb } from "@/lib/db/client";
import { drains, logSources } from "@/lib/db/schema";

export type IngestHealth = {
  path: "drain" | "poll" | "none";
  lastLineAt: string | null;
  lines: number;
  duplicates: number;
  badFrames: number;
  droppedByHeroku: number;
  lastError: string | null;
};

/** Per app id: how its logs reach us and how well. */
export async function getIngestHealth(): Promise<Map<string, IngestHealth>> {
  const db = getDb();
  const [drainRows, sourceRows] = await Promise.all([
    db.select().from(drains),
    db.select().from(logSources),
  ]);
  const health = new Map<string, IngestHealth>();
  for (const source of sourceRows) {
    const current = health.get(source.appId);
    health.set(source.appId, {
      path: "poll",
      lastLineAt: source.lastSuccessAt?.toISOString() ?? current?.lastLineAt ?? null,
      lines: (current?.lines ?? 0) + source.linesRead,
      duplicates: (current?.duplicates ?? 0) + source.duplicates,
      badFrames: 0,
      droppedByHeroku: 0,
      lastError: source.lastError ?? current?.lastError ?? null,
    });
  }
  for (const drain of drainRows) {
    health.set(drain.appId, {
      path: "drain",
      lastLineAt: drain.lastFrameAt?.toISOString() ?? null,
      lines: drain.lines,
      duplicates: drain.duplicateBatches,
      badFrames: drain.badFrames,
      droppedByHeroku: drain.droppedByHeroku,
      lastError: null,
    });
  }
  return health;
}
