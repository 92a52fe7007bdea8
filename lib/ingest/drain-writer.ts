// Group commit for the drain path. Heroku keeps several drain connections busy at once; each batch
// is parsed in its own request, then waits here for the store. Batches that arrive while a write is
// running join the next one, and each request answers 204 only once its lines are committed. Under
// light load a batch is written alone, at once; under heavy load N batches cost one write instead
// of N. A write that fails on availability fails every batch in it, so Heroku retries each (503);
// one that fails on data is split until the batch at fault is alone, and that batch stores what
// can be stored (the rest counted as bad frames), so one unstorable line never costs other lines.
// A batch whose request gave up (deadline, Logplex hung up) leaves the queue unwritten.
//
// A write is one statement when every frame id in it is new, which is nearly always: frame ids,
// events, samples, rollups, router aggregates and drain counters go in one round trip. Round trips
// are what a write costs on a busy server (each waits behind the parsing of other batches), so
// this took the write from ~17 to ~11 ms and the drain benchmark from ~100k to ~130k lines/s.
// A group holding a frame id stored before (Heroku retried a batch we had taken) stops that
// statement and goes through a transaction that tells new frames from repeated ones.
import { type SQL, sql } from "drizzle-orm";
import { StoreUnavailableError, storeErrorCode, storeErrorKind } from "@/lib/db/availability";
import type { Executor, Tx } from "@/lib/db/client";
import { queryRows } from "@/lib/db/execute";
import { requestJobSoon } from "@/lib/jobs/due";
import { log } from "@/lib/log";
import type { Classified, EventRow, RequestRow, SampleRow } from "./classify";
import {
  addRequestStats,
  CHUNK,
  eventsInsert,
  insertEvents,
  requestStatsUpsert,
  rollupsFromSamples,
  samplesUpsert,
  upsertSamples,
} from "./write-batch";

export type DrainBatch = {
  drainId: string;
  frameId: string | null;
  receivedAt: Date;
  lines: number;
  badFrames: number;
  /** Lines stored with NUL, invalid UTF-8 or lone surrogates replaced (parseDrainBody). */
  repairedLines: number;
  classified: Classified;
};

export type DrainBatchOutcome = { duplicate: boolean };

/** A write takes at most this many lines; the rest wait for the next one. */
const MAX_GROUP_LINES = 50_000;

/**
 * A write still running after this long is left to finish alone and the queue goes on: a
 * connection the network dropped can hang until TCP gives up, minutes later.
 */
const STALLED_WRITE_MS = 10_000;

/** evaluate-rules is asked to run soon at most once per this long per writer (the last trailing). */
const NUDGE_INTERVAL_MS = 1_000;

type Waiting = {
  batch: DrainBatch;
  resolve: (outcome: DrainBatchOutcome) => void;
  reject: (error: unknown) => void;
};

const SAMPLE_FIELDS = [
  "instance",
  "size",
  "load_1m",
  "load_5m",
  "load_15m",
  "memory_total_mb",
  "memory_rss_mb",
  "memory_cache_mb",
  "memory_swap_mb",
  "memory_quota_mb",
  "memory_pgpgin",
  "memory_pgpgout",
] as const;

/** Samples of one dyno and second from several batches: the first value of each field wins. */
function mergeSamples(batches: readonly DrainBatch[]): SampleRow[] {
  const merged = new Map<string, SampleRow>();
  for (const batch of batches) {
    for (const row of batch.classified.samples) {
      const key = `${row.app_id}\0${row.dyno}\0${row.ts}`;
      const existing = merged.get(key);
      if (!existing) {
        merged.set(key, { ...row });
        continue;
      }
      for (const field of SAMPLE_FIELDS) {
        if (existing[field] === null) (existing as Record<string, unknown>)[field] = row[field];
      }
    }
  }
  return [...merged.values()];
}

/** Router aggregates of one dyno type and minute from several batches, added up. */
function mergeRequests(batches: readonly DrainBatch[]): RequestRow[] {
  const merged = new Map<string, RequestRow>();
  for (const batch of batches) {
    for (const row of batch.classified.requests) {
      const key = `${row.app_id}\0${row.dyno_type}\0${row.minute}`;
      const existing = merged.get(key);
      if (!existing) {
        merged.set(key, { ...row, service_hist: [...row.service_hist] });
        continue;
      }
      existing.requests += row.requests;
      existing.status_1xx += row.status_1xx;
      existing.status_2xx += row.status_2xx;
      existing.status_3xx += row.status_3xx;
      existing.status_4xx += row.status_4xx;
      existing.status_5xx += row.status_5xx;
      existing.router_errors += row.router_errors;
      existing.service_ms_sum += row.service_ms_sum;
      existing.service_ms_max = Math.max(existing.service_ms_max, row.service_ms_max);
      row.service_hist.forEach((n, i) => {
        existing.service_hist[i] = (existing.service_hist[i] ?? 0) + n;
      });
    }
  }
  // a stable order: concurrent writers lock shared rows in the same order, never in a cycle
  return [...merged.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
}

/** A batch's identity: its drain and Logplex-Frame-Id. */
const frameKey = (drainId: string, frameId: string) => `${drainId} ${frameId}`;

type FrameRow = { drain_id: string; frame_id: string; received_at: string; lines: number };

/** The group's frame ids, one row per frame key (the first batch of a repeated key wins). */
function frameRows(batches: readonly DrainBatch[]): FrameRow[] {
  const rows = new Map<string, FrameRow>();
  for (const { drainId, frameId, receivedAt, lines } of batches) {
    if (frameId === null) continue;
    const key = frameKey(drainId, frameId);
    if (!rows.has(key)) {
      rows.set(key, {
        drain_id: drainId,
        frame_id: frameId,
        received_at: receivedAt.toISOString(),
        lines,
      });
    }
  }
  return [...rows.values()];
}

function framesInsert(rows: readonly FrameRow[]): SQL {
  return sql`insert into drain_frames (drain_id, frame_id, received_at, lines)
    select drain_id, frame_id, received_at, lines
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      as x(drain_id uuid, frame_id text, received_at timestamptz, lines int)
    on conflict do nothing
    returning drain_id, frame_id`;
}

/** Frame keys not seen before. */
async function freshFrames(db: Executor, batches: readonly DrainBatch[]): Promise<Set<string>> {
  const rows = frameRows(batches);
  if (rows.length === 0) return new Set();
  const inserted = await queryRows<{ drain_id: string; frame_id: string }>(db, framesInsert(rows));
  return new Set(inserted.map((row) => frameKey(row.drain_id, row.frame_id)));
}

type DrainTotals = {
  drain_id: string;
  batches: number;
  duplicate_batches: number;
  lines: number;
  bad_frames: number;
  repaired_lines: number;
  dropped: number;
  last_frame_at: string | null;
};

function drainTotalsUpdate(rows: readonly DrainTotals[]): SQL {
  return sql`update drains set
      batches = drains.batches + x.batches,
      duplicate_batches = drains.duplicate_batches + x.duplicate_batches,
      lines = drains.lines + x.lines,
      bad_frames = drains.bad_frames + x.bad_frames,
      repaired_lines = drains.repaired_lines + x.repaired_lines,
      dropped_by_heroku = drains.dropped_by_heroku + x.dropped,
      last_frame_at = coalesce(x.last_frame_at, drains.last_frame_at)
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(
      drain_id uuid, batches int, duplicate_batches int, lines int, bad_frames int,
      repaired_lines int, dropped int, last_frame_at timestamptz)
    where drains.id = x.drain_id
    returning 1`;
}

/** What a group stores once it is known which frame ids are new. */
type Plan = {
  outcomes: DrainBatchOutcome[];
  events: EventRow[];
  samples: SampleRow[];
  requests: RequestRow[];
  totals: DrainTotals[];
};

function plan(batches: readonly DrainBatch[], isFresh: (key: string) => boolean): Plan {
  const claimed = new Set<string>();
  const outcomes = batches.map(({ drainId, frameId }): DrainBatchOutcome => {
    if (frameId === null) return { duplicate: false };
    const key = frameKey(drainId, frameId);
    if (!isFresh(key) || claimed.has(key)) return { duplicate: true };
    claimed.add(key);
    return { duplicate: false };
  });
  const stored = batches.filter((_, i) => !outcomes[i]?.duplicate);

  const totals = new Map<string, DrainTotals>();
  batches.forEach((batch, i) => {
    const entry = totals.get(batch.drainId) ?? {
      drain_id: batch.drainId,
      batches: 0,
      duplicate_batches: 0,
      lines: 0,
      bad_frames: 0,
      repaired_lines: 0,
      dropped: 0,
      last_frame_at: null,
    };
    totals.set(batch.drainId, entry);
    if (outcomes[i]?.duplicate) {
      entry.duplicate_batches++;
      return;
    }
    entry.batches++;
    entry.lines += batch.lines;
    entry.bad_frames += batch.badFrames;
    entry.repaired_lines += batch.repairedLines;
    entry.dropped += batch.classified.droppedByHeroku;
    const at = batch.receivedAt.toISOString();
    if (entry.last_frame_at === null || at > entry.last_frame_at) entry.last_frame_at = at;
  });
  return {
    outcomes,
    events: stored.flatMap((batch) => batch.classified.events),
    samples: mergeSamples(stored),
    requests: mergeRequests(stored),
    totals: [...totals.values()].sort((a, b) => (a.drain_id < b.drain_id ? -1 : 1)),
  };
}

/** SQLSTATE raised by drain_frames_already_stored() (migration 0007). */
const FRAMES_ALREADY_STORED = "DM409";

function isFramesAlreadyStored(error: unknown): boolean {
  for (let e = error; e instanceof Error; e = e.cause) {
    if ((e as { code?: unknown }).code === FRAMES_ALREADY_STORED) return true;
  }
  return false;
}

/**
 * The common case in one statement (one round trip, atomic by itself): every frame id of the
 * group is new. The statement inserts the frame ids and everything else; if fewer frame ids went
 * in than were sent, one was stored already and it stops with FRAMES_ALREADY_STORED, storing
 * nothing. Returns null when the group is too large for one statement or was stopped.
 */
async function writeAllFresh(
  db: Executor,
  batches: readonly DrainBatch[],
): Promise<DrainBatchOutcome[] | null> {
  const frames = frameRows(batches);
  const group = plan(batches, () => true);
  if (Math.max(group.events.length, group.samples.length, group.requests.length) > CHUNK) {
    return null;
  }
  try {
    await db.execute(sql`
      with frames as (${framesInsert(frames)}),
      guard as (
        select case when count(*) <> ${frames.length} then drain_frames_already_stored() end as stop
        from frames),
      events as (${eventsInsert(group.events)}),
      samples as (${samplesUpsert(group.samples)}),
      rollups as (${rollupsFromSamples(sql`samples`)} returning 1),
      requests as (${requestStatsUpsert(group.requests)} returning 1),
      totals as (${drainTotalsUpdate(group.totals)})
      select stop from guard`);
    return group.outcomes;
  } catch (error) {
    if (isFramesAlreadyStored(error)) return null;
    throw error;
  }
}

/** A group with frame ids seen before: a transaction finds which are new, then stores the rest. */
async function writeCarefully(
  db: Executor,
  batches: readonly DrainBatch[],
): Promise<DrainBatchOutcome[]> {
  return db.transaction(async (tx) => {
    const fresh = await freshFrames(tx, batches);
    const group = plan(batches, (key) => fresh.has(key));
    // sent together: postgres-js pipelines them on the transaction's connection
    await Promise.all([
      insertEvents(tx, group.events),
      upsertSamples(tx, group.samples),
      addRequestStats(tx, group.requests),
      group.totals.length > 0 ? tx.execute(drainTotalsUpdate(group.totals)) : null,
    ]);
    return group.outcomes;
  });
}

/** Stores a group of batches atomically; one outcome per batch, in order. */
export async function writeDrainBatches(
  db: Executor,
  batches: readonly DrainBatch[],
): Promise<DrainBatchOutcome[]> {
  return (await writeAllFresh(db, batches)) ?? (await writeCarefully(db, batches));
}

/**
 * Inserts what it can of `rows`, each try in a savepoint, halving around rows that fail on their
 * data; returns the rows that could not be stored.
 */
async function insertStorable<T>(
  tx: Tx,
  rows: readonly T[],
  insert: (db: Executor, rows: readonly T[]) => Promise<unknown>,
): Promise<T[]> {
  if (rows.length === 0) return [];
  try {
    await tx.transaction(async (savepoint) => {
      await insert(savepoint, rows);
    });
    return [];
  } catch (error) {
    if (storeErrorKind(error) !== "data") throw error;
    if (rows.length === 1) return [...rows];
    const half = Math.ceil(rows.length / 2);
    return [
      ...(await insertStorable(tx, rows.slice(0, half), insert)),
      ...(await insertStorable(tx, rows.slice(half), insert)),
    ];
  }
}

export type SalvagedBatch = { outcome: DrainBatchOutcome; unstorableLines: number };

/**
 * Stores a batch whose write failed on its data: its frame id, every row that can be stored, and
 * its counters with the lines behind the other rows counted as bad frames (a retry would fail the
 * same way). One transaction.
 */
export async function writeStorableRows(db: Executor, batch: DrainBatch): Promise<SalvagedBatch> {
  return db.transaction(async (tx) => {
    const fresh = await freshFrames(tx, [batch]);
    const group = plan([batch], (key) => fresh.has(key));
    const [events, samples, requests] = [
      await insertStorable(tx, group.events, insertEvents),
      await insertStorable(tx, group.samples, upsertSamples),
      await insertStorable(tx, group.requests, addRequestStats),
    ];
    const unstorableLines =
      events.length + samples.length + requests.reduce((sum, row) => sum + row.requests, 0);
    const counted: DrainBatch = {
      ...batch,
      lines: Math.max(0, batch.lines - unstorableLines),
      badFrames: batch.badFrames + unstorableLines,
    };
    const { totals } = plan([counted], (key) => fresh.has(key));
    if (totals.length > 0) await tx.execute(drainTotalsUpdate(totals));
    if (unstorableLines > 0 && batch.frameId !== null) {
      await tx.execute(sql`update drain_frames set lines = ${counted.lines}
        where drain_id = ${batch.drainId} and frame_id = ${batch.frameId}`);
    }
    return { outcome: group.outcomes[0] ?? { duplicate: false }, unstorableLines };
  });
}

/** One writer per database handle: batches queue while a write runs and go in the next. */
class DrainWriter {
  private readonly queue: Waiting[] = [];
  private running = false;
  private nudgePending = false;
  private lastNudge = 0;

  constructor(private readonly db: Executor) {}

  submit(batch: DrainBatch, signal?: AbortSignal): Promise<DrainBatchOutcome> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const waiting: Waiting = { batch, resolve, reject };
      if (signal) {
        // nobody waits for this batch any more: unwritten, it leaves the queue; a group being
        // written finishes (its frame id makes a later retry a duplicate)
        const leave = () => {
          const at = this.queue.indexOf(waiting);
          if (at === -1) return;
          this.queue.splice(at, 1);
          reject(signal.reason);
        };
        signal.addEventListener("abort", leave, { once: true });
        waiting.resolve = (outcome) => {
          signal.removeEventListener("abort", leave);
          resolve(outcome);
        };
        waiting.reject = (error) => {
          signal.removeEventListener("abort", leave);
          reject(error);
        };
      }
      this.queue.push(waiting);
      if (!this.running) void this.run();
    });
  }

  private take(): Waiting[] {
    let lines = 0;
    let count = 0;
    while (count < this.queue.length) {
      lines += this.queue[count]?.batch.lines ?? 0;
      count++;
      if (lines >= MAX_GROUP_LINES) break;
    }
    return this.queue.splice(0, count);
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) await this.writeUnlessStalled(this.take());
    } finally {
      this.running = false;
    }
  }

  /**
   * Past STALLED_WRITE_MS a group's batches are answered unavailable (their requests have had
   * their 503 long since) and the next group goes; the stalled write runs on, and if it commits
   * after all, Heroku's retry of its batches is a duplicate.
   */
  private async writeUnlessStalled(group: Waiting[]): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const stalled = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        const error = new StoreUnavailableError("The drain write did not finish in time.");
        for (const waiting of group) waiting.reject(error);
        resolve();
      }, STALLED_WRITE_MS);
    });
    try {
      await Promise.race([this.write(group), stalled]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Writes a group and settles each of its batches; never throws. */
  private async write(group: Waiting[]): Promise<void> {
    let outcomes: DrainBatchOutcome[];
    try {
      outcomes = await writeDrainBatches(
        this.db,
        group.map((waiting) => waiting.batch),
      );
    } catch (error) {
      if (storeErrorKind(error) !== "data") {
        for (const waiting of group) waiting.reject(error);
        return;
      }
      if (group.length === 1 && group[0]) {
        await this.salvage(group[0], error);
        return;
      }
      // one batch's data must not fail the others: halves, until the one at fault is alone
      const half = Math.ceil(group.length / 2);
      await this.write(group.slice(0, half));
      await this.write(group.slice(half));
      return;
    }
    group.forEach((waiting, i) => {
      waiting.resolve(outcomes[i] ?? { duplicate: false });
    });
    if (group.some((w, i) => !outcomes[i]?.duplicate && w.batch.classified.events.length > 0)) {
      this.nudgeRules();
    }
  }

  /**
   * A batch that cannot be written as it is: stores what it can and answers 204 (Heroku would
   * retry it in vain, then drop it with its good lines). Logged once: drain id and SQLSTATE only,
   * never the query's parameters.
   */
  private async salvage(waiting: Waiting, cause: unknown): Promise<void> {
    const { drainId } = waiting.batch;
    try {
      const { outcome, unstorableLines } = await writeStorableRows(this.db, waiting.batch);
      log.warn("a drain batch held lines the database cannot store: counted as bad frames", {
        drainId,
        unstorableLines,
        code: storeErrorCode(cause),
      });
      waiting.resolve(outcome);
      if (!outcome.duplicate && waiting.batch.classified.events.length > 0) this.nudgeRules();
    } catch (error) {
      if (storeErrorKind(error) !== "data") {
        waiting.reject(error);
        return;
      }
      log.error("a drain batch could not be stored at all: dropped", {
        drainId,
        lines: waiting.batch.lines,
        code: storeErrorCode(error),
      });
      waiting.resolve({ duplicate: false });
    }
  }

  /**
   * New error or lifecycle events are committed: rules look at them at the next tick, not the next
   * interval. Under a steady stream that is one request a second, not one a write; the request is
   * made after the window, so the last events of a burst are covered too. Nobody waits for it.
   */
  private nudgeRules(): void {
    if (this.nudgePending) return;
    this.nudgePending = true;
    const wait = Math.max(0, this.lastNudge + NUDGE_INTERVAL_MS - Date.now());
    setTimeout(() => {
      this.nudgePending = false;
      this.lastNudge = Date.now();
      requestJobSoon(this.db, "evaluate-rules", new Date()).catch(() => {});
    }, wait).unref();
  }
}

const writers = new WeakMap<Executor, DrainWriter>();

/**
 * Queues `batch` for the next group write on `db`; resolves once it is committed. When `signal`
 * aborts before the batch's write starts, it leaves the queue and rejects with the signal's reason.
 */
export function submitDrainBatch(
  db: Executor,
  batch: DrainBatch,
  signal?: AbortSignal,
): Promise<DrainBatchOutcome> {
  let writer = writers.get(db);
  if (!writer) {
    writer = new DrainWriter(db);
    writers.set(db, writer);
  }
  return writer.submit(batch, signal);
}
