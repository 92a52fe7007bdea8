// Traced drain batches: every line is unique and can be found again in the store, so a test counts
// lost and doubled lines exactly. Batch `seq` puts all its lines on its own dyno type `t<seq>`:
// its router lines add up in request_stats (a batch stored twice counts twice there) and its one
// R14 line is a log_events row (a line lost is a row missing).
import type { Sql } from "postgres";
import { frame } from "@/lib/heroku/simulator/drain-sender";
import type { LogplexBatch } from "./logplex-sender";

export type TraceShape = {
  /** Router lines per batch, besides its one R14 line. */
  routerLines: number;
  /** Microseconds since the epoch of the first batch's first line. */
  startMicros: number;
};

export const traceDynoType = (seq: number) => `t${seq}`;

/** Batch `seq` of a trace: `routerLines` router lines, then one R14 line, each at its own µs. */
export function tracedBatch(seq: number, shape: TraceShape): LogplexBatch {
  const dyno = `${traceDynoType(seq)}.1`;
  const at = shape.startMicros + seq * 1_000;
  const frames: string[] = [];
  for (let i = 0; i < shape.routerLines; i++) {
    frames.push(
      frame({
        source: "heroku",
        proc: "router",
        at: at + i,
        text: `at=info method=GET path="/trace/${seq}/${i}" host=fault.herokuapp.com request_id=trace-${seq}-${i} fwd="203.0.113.7" dyno=${dyno} connect=0ms service=${(i % 40) + 1}ms status=200 bytes=512 protocol=https`,
      }),
    );
  }
  frames.push(
    frame({
      source: "heroku",
      proc: dyno,
      at: at + shape.routerLines,
      text: "Error R14 (Memory quota exceeded)",
    }),
  );
  return { body: frames.join(""), count: frames.length, tag: seq };
}

/** What the store holds of one traced batch. */
export type StoredTrace = { router: number; events: number };

export type TraceTally = { sent: number; stored: number; lost: number; doubled: number };

/**
 * Lines sent against lines stored, batch by batch: a line missing is lost, a line stored twice is
 * doubled (events are unique by fingerprint, so only router lines can show a double).
 */
export function tallyTrace(
  sent: readonly number[],
  routerLines: number,
  stored: ReadonlyMap<number, StoredTrace>,
): TraceTally {
  const tally: TraceTally = { sent: 0, stored: 0, lost: 0, doubled: 0 };
  const expected = new Set(sent);
  for (const seq of expected) {
    const found = stored.get(seq) ?? { router: 0, events: 0 };
    tally.sent += routerLines + 1;
    tally.stored += found.router + found.events;
    tally.lost += Math.max(0, routerLines - found.router) + Math.max(0, 1 - found.events);
    tally.doubled += Math.max(0, found.router - routerLines) + Math.max(0, found.events - 1);
  }
  for (const [seq, found] of stored) {
    if (expected.has(seq)) continue;
    // stored but never sent: counted as doubled, since no line of it should exist
    tally.stored += found.router + found.events;
    tally.doubled += found.router + found.events;
  }
  return tally;
}

/** Router and event counts per traced batch of an app, read from the store. */
export async function readTrace(sql: Sql, appId: string): Promise<Map<number, StoredTrace>> {
  const stored = new Map<number, StoredTrace>();
  const entry = (dynoType: string | null) => {
    const match = /^t(\d+)$/.exec(dynoType ?? "");
    if (!match) return null;
    const seq = Number(match[1]);
    const found = stored.get(seq) ?? { router: 0, events: 0 };
    stored.set(seq, found);
    return found;
  };
  const requests = await sql<{ dyno_type: string; n: number }[]>`
    select dyno_type, sum(requests)::int as n from request_stats
    where app_id = ${appId} group by dyno_type`;
  for (const row of requests) {
    const found = entry(row.dyno_type);
    if (found) found.router += row.n;
  }
  const events = await sql<{ dyno_type: string | null; n: number }[]>`
    select dyno_type, count(*)::int as n from log_events
    where app_id = ${appId} and code = 'R14' group by dyno_type`;
  for (const row of events) {
    const found = entry(row.dyno_type);
    if (found) found.events += row.n;
  }
  return stored;
}
