// Retention: log events, metric samples and their rollups, and router aggregates older than
// RETENTION_DAYS go; drain frame ids are kept one day (Logplex retries within seconds).
import { and, lt, sql } from "drizzle-orm";
import type { Executor } from "@/lib/db/client";
import {
  drainFrames,
  logEvents,
  metricRollups,
  metricSamples,
  requestStats,
} from "@/lib/db/schema";

const DAY_MS = 86_400_000;

export async function pruneRetention(
  db: Executor,
  options: { now: Date; retentionDays: number },
): Promise<{
  events: number;
  samples: number;
  rollups: number;
  requestMinutes: number;
  frames: number;
}> {
  const before = new Date(options.now.getTime() - options.retentionDays * DAY_MS);
  const dayAgo = new Date(options.now.getTime() - DAY_MS);
  const [events, samples, rollups, requestMinutes, frames] = await Promise.all([
    db.delete(logEvents).where(lt(logEvents.ts, before)).returning({ id: logEvents.id }),
    db
      .delete(metricSamples)
      .where(lt(metricSamples.ts, before))
      .returning({ ts: metricSamples.ts }),
    // a rollup goes once its whole bucket is past the cutoff, with the last of its samples
    db
      .delete(metricRollups)
      .where(
        and(
          lt(metricRollups.bucket, before),
          sql`${metricRollups.bucket} + ${metricRollups.stepSeconds} * interval '1 second' <= ${before.toISOString()}::timestamptz`,
        ),
      )
      .returning({ bucket: metricRollups.bucket }),
    db
      .delete(requestStats)
      .where(lt(requestStats.minute, before))
      .returning({ m: requestStats.minute }),
    db
      .delete(drainFrames)
      .where(lt(drainFrames.receivedAt, dayAgo))
      .returning({ f: drainFrames.frameId }),
  ]);
  return {
    events: events.length,
    samples: samples.length,
    rollups: rollups.length,
    requestMinutes: requestMinutes.length,
    frames: frames.length,
  };
}
