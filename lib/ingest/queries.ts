// Ingest health per app for the console: is monitoring blind?
import "server-only";
import { gt, sql } from "drizzle-orm";
import { type Executor, getDb } from "@/lib/db/client";
import { drainFrames, drains, logSources } from "@/lib/db/schema";

/** Lines per minute are averaged over this long. */
export const LINES_PER_MINUTE_WINDOW_MINUTES = 15;

export type IngestHealth = {
  path: "drain" | "poll" | "none";
  lastLineAt: string | null;
  lines: number;
  /** Drain: lines per minute over the last LINES_PER_MINUTE_WINDOW_MINUTES; null when polled. */
  linesPerMinute: number | null;
  /** Polling: lines the last log session read (replayed ones included); null for a drain. */
  lastSessionLines: number | null;
  duplicates: number;
  badFrames: number;
  /** Lines stored with unstorable characters replaced (drain; 0 for polled apps). */
  repairedLines: number;
  droppedByHeroku: number;
  lastError: string | null;
  /** Drain: until when the secret replaced by the last rotation still works; null when it does not. */
  oldTokenUntil: string | null;
};

/** Per app id: how its logs reach us and how well. */
export async function getIngestHealth(
  options: { db?: Executor; now?: Date } = {},
): Promise<Map<string, IngestHealth>> {
  const db = options.db ?? getDb();
  const now = options.now ?? new Date();
  const since = new Date(now.getTime() - LINES_PER_MINUTE_WINDOW_MINUTES * 60_000);
  const [drainRows, sourceRows, recent] = await Promise.all([
    db.select().from(drains),
    db.select().from(logSources),
    db
      .select({ drainId: drainFrames.drainId, lines: sql<number>`sum(${drainFrames.lines})::int` })
      .from(drainFrames)
      .where(gt(drainFrames.receivedAt, since))
      .groupBy(drainFrames.drainId),
  ]);
  const recentLines = new Map(recent.map((row) => [row.drainId, Number(row.lines)]));
  const health = new Map<string, IngestHealth>();
  for (const source of sourceRows) {
    const current = health.get(source.appId);
    health.set(source.appId, {
      path: "poll",
      lastLineAt: source.lastSuccessAt?.toISOString() ?? current?.lastLineAt ?? null,
      lines: (current?.lines ?? 0) + source.linesRead,
      linesPerMinute: null,
      lastSessionLines: (current?.lastSessionLines ?? 0) + (source.lastRunLines ?? 0),
      duplicates: (current?.duplicates ?? 0) + source.duplicates,
      badFrames: 0,
      repairedLines: 0,
      droppedByHeroku: 0,
      lastError: source.lastError ?? current?.lastError ?? null,
      oldTokenUntil: null,
    });
  }
  for (const drain of drainRows) {
    health.set(drain.appId, {
      path: "drain",
      lastLineAt: drain.lastFrameAt?.toISOString() ?? null,
      lines: drain.lines,
      linesPerMinute: (recentLines.get(drain.id) ?? 0) / LINES_PER_MINUTE_WINDOW_MINUTES,
      lastSessionLines: null,
      duplicates: drain.duplicateBatches,
      badFrames: drain.badFrames,
      repairedLines: drain.repairedLines,
      droppedByHeroku: drain.droppedByHeroku,
      lastError: null,
      oldTokenUntil:
        drain.previousTokenHash &&
        drain.previousTokenExpiresAt &&
        drain.previousTokenExpiresAt > now
          ? drain.previousTokenExpiresAt.toISOString()
          : null,
    });
  }
  return health;
}
