// Stores log lines for one app, from either path (drain or poll), in one transaction.
import { eq } from "drizzle-orm";
import type { Executor } from "@/lib/db/client";
import { dynos } from "@/lib/db/schema";
import { classifyLines, type HighWaterMark } from "./classify";
import { addRequestStats, insertEvents, upsertSamples } from "./write-batch";

export type StoreResult = {
  read: number;
  /** Events newly stored plus router lines and metric lines taken in. */
  stored: number;
  duplicates: number;
  unparsed: number;
  /** Lines stored with NUL or a lone surrogate replaced (U+FFFD). */
  repaired: number;
  events: number;
  samples: number;
  requests: number;
  droppedByHeroku: number;
  hwm: HighWaterMark | null;
};

/** Dyno name → size (`standard-1x`), from the last discovery. */
export async function dynoSizes(db: Executor, appId: string): Promise<Map<string, string>> {
  const rows = await db
    .select({ name: dynos.name, size: dynos.size })
    .from(dynos)
    .where(eq(dynos.appId, appId));
  return new Map(rows.filter((r) => r.size).map((r) => [r.name, r.size ?? ""]));
}

/** Parses and stores `lines` for `appId`; `hwm` (poll path) drops lines stored by earlier runs. */
export async function storeLines(
  db: Executor,
  input: { appId: string; lines: readonly string[]; hwm?: HighWaterMark | null },
): Promise<StoreResult> {
  const classified = classifyLines({
    appId: input.appId,
    lines: input.lines,
    hwm: input.hwm,
    sizes: await dynoSizes(db, input.appId),
  });
  const newEvents = await insertEvents(db, classified.events);
  await upsertSamples(db, classified.samples);
  await addRequestStats(db, classified.requests);
  const routerLines = classified.requests.reduce((sum, r) => sum + r.requests, 0);
  const eventDuplicates = classified.events.length - newEvents;
  return {
    read: classified.read,
    stored: classified.read - classified.duplicates - classified.unparsed - eventDuplicates,
    duplicates: classified.duplicates + eventDuplicates,
    unparsed: classified.unparsed,
    repaired: classified.repaired,
    events: newEvents,
    samples: classified.samples.length,
    requests: routerLines,
    droppedByHeroku: classified.droppedByHeroku,
    hwm: classified.hwm,
  };
}
