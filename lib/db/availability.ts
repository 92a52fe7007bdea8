// Whether the store answers, per database handle: work that must answer promptly (drain posts,
// health) runs under a deadline and fails at once while the store is down; one background probe
// notices when it is back. A connection-class error marks it down, a success marks it up, a missed
// deadline asks the probe (a slow store under load is not an outage until `select 1` is slow too).
import { sql } from "drizzle-orm";
import { log } from "@/lib/log";
import type { Executor } from "./client";

/** How long a probe may take before the store counts as down. */
const PROBE_DEADLINE_MS = 1_000;
/** How often a down store is probed. */
const PROBE_INTERVAL_MS = 1_000;
/** A probe still unanswered after this long no longer holds back a new one (a dead connection). */
const PROBE_STALLED_MS = 10_000;

/** The store did not answer: down, or not within the deadline. Callers answer 503. */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StoreUnavailableError";
  }
}

/**
 * What a failed query says about the store: `unreachable` (no connection: it is down),
 * `transient` (it is up but refused this attempt: try again later) or `data` (this input can never
 * be stored as it is, e.g. SQLSTATE classes 22 and 23).
 */
export type StoreErrorKind = "unreachable" | "transient" | "data";

// Node's socket errors and postgres-js's own connection errors carry these codes.
const SOCKET_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "EHOSTDOWN",
  "ENETUNREACH",
  "ENETDOWN",
  "ENOTFOUND",
  "EAI_AGAIN",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
]);

/** The kind of one error code: a socket code, or a SQLSTATE by class. */
export function kindOfCode(code: string): StoreErrorKind {
  if (SOCKET_CODES.has(code)) return "unreachable";
  // 08: connection exception; 57P01-03: the server is shutting down or starting; 53300: no slots
  if (code.startsWith("08") || /^57P0[1-3]$/.test(code) || code === "53300") return "unreachable";
  // 40: serialization failure, deadlock; 53: out of resources; 55P03: lock wait; 57014: canceled
  if (/^(40|53)/.test(code) || code === "55P03" || code === "57014") return "transient";
  return "data";
}

function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  const seen = new Set<unknown>();
  const visit = (e: unknown) => {
    if (!e || typeof e !== "object" || seen.has(e)) return;
    seen.add(e);
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") codes.push(code);
    // Node's connect may fail with an AggregateError (one error per address tried)
    if (e instanceof AggregateError) for (const inner of e.errors) visit(inner);
    visit((e as { cause?: unknown }).cause);
  };
  visit(error);
  return codes;
}

/** Classifies an error from the store, looking through wrappers (drizzle's, AppError's causes). */
export function storeErrorKind(error: unknown): StoreErrorKind {
  const seen = new Set<unknown>();
  for (let e = error; e instanceof Error && !seen.has(e); e = e.cause) {
    seen.add(e);
    if (e instanceof StoreUnavailableError) return "unreachable";
  }
  const kinds = errorCodes(error).map(kindOfCode);
  if (kinds.includes("unreachable")) return "unreachable";
  if (kinds.includes("transient")) return "transient";
  return "data";
}

/** The code to log for a store error: SQLSTATE or socket code, never its message or parameters. */
export function storeErrorCode(error: unknown): string | undefined {
  return errorCodes(error).at(-1);
}

/**
 * postgres-js 3.4 can throw from a timer when a connection is cut while a write is queued
 * (`Cannot read properties of null (reading 'write')` in its connection.js: porsager/postgres
 * #1154, unfixed). The connection is already gone and its queries fail on their own; the throw is
 * the driver's bookkeeping, not the caller's. Next's server logs uncaught exceptions and goes on;
 * the worker, a plain process, asks this before deciding whether one is fatal.
 */
export function isDriverSocketRace(error: unknown): boolean {
  if (!(error instanceof TypeError)) return false;
  const stack = error.stack ?? "";
  return (
    /reading 'write'/.test(error.message) &&
    /[\\/]postgres[\\/](cjs|src|esm)[\\/].*connection\.js/.test(stack)
  );
}

/** One store's availability in this process. */
class StoreMonitor {
  private downSince: number | null = null;
  private probing: { started: number } | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly ping: () => Promise<unknown>) {}

  get up(): boolean {
    return this.downSince === null;
  }

  markUp(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.downSince === null) return;
    log.info("the database answers again", { downMs: Math.round(Date.now() - this.downSince) });
    this.downSince = null;
  }

  markDown(error?: unknown): void {
    if (this.downSince === null) {
      this.downSince = Date.now();
      log.warn("the database is unreachable; drains answer 503 until it is back", {
        code: error === undefined ? "no answer" : (storeErrorCode(error) ?? "unknown"),
      });
    }
    this.scheduleProbe();
  }

  /** Work missed its deadline: probe now, and mark the store down if the probe fails too. */
  suspect(): void {
    this.probe();
  }

  private scheduleProbe(): void {
    if (this.up || this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.probe();
    }, PROBE_INTERVAL_MS);
    this.timer.unref();
  }

  private probe(): void {
    const now = performance.now();
    // at most one probe in flight: a hung one is waited for, unless its connection looks dead
    if (this.probing && now - this.probing.started < PROBE_STALLED_MS) {
      this.scheduleProbe();
      return;
    }
    const attempt = { started: now };
    this.probing = attempt;
    const late = setTimeout(() => this.markDown(), PROBE_DEADLINE_MS);
    late.unref();
    this.ping()
      .then(
        () => this.markUp(),
        (error) => {
          // our own handle was closed (shutdown, a test's end): nothing to wait for
          if (storeErrorCode(error) === "CONNECTION_ENDED") this.closed = true;
          // a stale probe failing says nothing once a newer one is out
          else if (this.probing === attempt) this.markDown(error);
        },
      )
      .finally(() => {
        clearTimeout(late);
        if (this.probing === attempt) this.probing = null;
        if (!this.closed) this.scheduleProbe();
      });
  }
}

// Next bundles each route separately: the monitors live on globalThis so that the drain route and
// health share one per database (as they share the handle itself, lib/db/client.ts).
const monitorsKey = Symbol.for("dyno-monitor.db-availability");
type GlobalWithMonitors = typeof globalThis & { [monitorsKey]?: WeakMap<Executor, StoreMonitor> };

function monitorOf(db: Executor): StoreMonitor {
  const store = globalThis as GlobalWithMonitors;
  store[monitorsKey] ??= new WeakMap();
  let monitor = store[monitorsKey].get(db);
  if (!monitor) {
    monitor = new StoreMonitor(() => db.execute(sql`select 1`));
    store[monitorsKey].set(db, monitor);
  }
  return monitor;
}

/** False while the store is known to be down (until a probe gets an answer). */
export function isStoreUp(db: Executor): boolean {
  return monitorOf(db).up;
}

/** Feeds an outcome from elsewhere: an unreachable error marks the store down. */
export function reportStoreError(db: Executor, error: unknown): void {
  if (storeErrorKind(error) === "unreachable") monitorOf(db).markDown(error);
}

/**
 * Runs `work` if the store is up, and gives up after `ms`: it throws StoreUnavailableError at once
 * while the store is down, and when the deadline passes (the work goes on; `signal` tells it that
 * nobody waits for it any more). The outcome feeds the store's availability.
 */
export async function withinStoreDeadline<T>(
  db: Executor,
  ms: number,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const monitor = monitorOf(db);
  if (!monitor.up) throw new StoreUnavailableError("The database is unreachable.");
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new StoreUnavailableError(`The database did not answer within ${ms} ms.`);
      controller.abort(error);
      monitor.suspect();
      reject(error);
    }, ms);
  });
  const running = work(controller.signal);
  running.catch(() => {}); // past the deadline nobody awaits it
  try {
    const result = await Promise.race([running, deadline]);
    monitor.markUp();
    return result;
  } catch (error) {
    if (!controller.signal.aborted && storeErrorKind(error) === "unreachable") {
      monitor.markDown(error);
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
