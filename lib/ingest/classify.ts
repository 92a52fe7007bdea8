// Pure step of ingestion: log lines in, rows to store out. Error and lifecycle lines become
// events, runtime metrics become samples (the load and memory lines of one sample merge), router
// lines become per-minute aggregates. A poll source's high-water mark drops lines already stored.
import { createHash } from "node:crypto";
import { parseLogLine } from "@/lib/logs/parse-line";
import { cutDrainSecrets, mayHoldDrainSecret } from "@/lib/logs/secrets";
import { storableText, truncateText } from "@/lib/logs/storable";
import type { LogEvent } from "@/lib/logs/types";
import { bucketIndex, emptyHistogram } from "./histogram";

export type HighWaterMark = { tsMicros: number; fingerprints: string[] };

export type EventRow = {
  app_id: string;
  ts: string;
  source: string;
  proc: string;
  dyno: string | null;
  dyno_type: string | null;
  kind: string;
  code: string | null;
  message: string;
  detail: Record<string, unknown> | null;
  fingerprint: string;
};

export type SampleRow = {
  app_id: string;
  dyno: string;
  dyno_type: string;
  ts: string;
  instance: string | null;
  size: string | null;
  load_1m: number | null;
  load_5m: number | null;
  load_15m: number | null;
  memory_total_mb: number | null;
  memory_rss_mb: number | null;
  memory_cache_mb: number | null;
  memory_swap_mb: number | null;
  memory_quota_mb: number | null;
  memory_pgpgin: number | null;
  memory_pgpgout: number | null;
};

export type RequestRow = {
  app_id: string;
  dyno_type: string;
  minute: string;
  requests: number;
  status_1xx: number;
  status_2xx: number;
  status_3xx: number;
  status_4xx: number;
  status_5xx: number;
  router_errors: number;
  service_ms_sum: number;
  service_ms_max: number;
  service_hist: number[];
};

export type Classified = {
  events: EventRow[];
  samples: SampleRow[];
  requests: RequestRow[];
  /** Lines read, lines dropped by the high-water mark, lines that could not be placed. */
  read: number;
  duplicates: number;
  unparsed: number;
  /** Lines in which NUL or a lone surrogate was replaced so that they can be stored. */
  repaired: number;
  /** L10 lines: messages Heroku dropped before they reached us. */
  droppedByHeroku: number;
  hwm: HighWaterMark | null;
};

const EVENT_KINDS = new Set([
  "router_error",
  "runtime_error",
  "platform_error",
  "state_change",
  "process_exit",
  "lifecycle",
  "memory_report",
  "api",
]);

/** Stable identity of a log line within an app: exact time, then everything after the timestamp. */
export function lineFingerprint(appId: string, tsMicros: number, line: string): string {
  const space = line.indexOf(" ");
  return createHash("sha1")
    .update(appId)
    .update("\0")
    .update(String(tsMicros))
    .update(space === -1 ? line : line.slice(space))
    .digest("base64url");
}

/** ISO 8601 with microseconds, UTC. */
export function microsToIso(tsMicros: number): string {
  const ms = Math.floor(tsMicros / 1000);
  const micros = String(tsMicros - ms * 1000).padStart(3, "0");
  return `${new Date(ms).toISOString().slice(0, -1)}${micros}Z`;
}

function messageOf(line: string): string {
  const index = line.indexOf("]: ");
  if (index !== -1) return line.slice(index + 3);
  const bare = line.indexOf("]:");
  return bare === -1 ? line : line.slice(bare + 2);
}

function eventCode(event: LogEvent): string | null {
  switch (event.kind) {
    case "router_error":
    case "runtime_error":
    case "platform_error":
      return event.code;
    case "state_change":
      return event.to === "crashed" ? "crashed" : null;
    case "api":
      return event.action;
    case "lifecycle":
      return event.event;
    default:
      return null;
  }
}

function eventDetail(event: LogEvent): Record<string, unknown> | null {
  switch (event.kind) {
    case "router_error":
      return {
        desc: event.desc,
        level: event.level,
        status: event.status,
        serviceMs: event.serviceMs,
        method: event.method,
        path: event.path,
        dyno: event.dyno,
      };
    case "runtime_error":
      return { title: event.title, detail: event.detail };
    case "platform_error":
      return { dropped: event.dropped, drainToken: event.drainToken };
    case "state_change":
      return { from: event.from, to: event.to };
    case "process_exit":
      return { status: event.status };
    case "memory_report":
      return { memoryMb: event.memoryMb, percent: event.percent };
    case "api":
      return {
        action: event.action,
        user: event.user,
        version: event.version,
        commit: event.commit,
        scale: event.scale,
      };
    case "lifecycle":
      return { event: event.event, signal: event.signal };
    default:
      return null;
  }
}

/** `row` with drain secrets cut from its message and from the strings of its detail. */
function withoutDrainSecrets(row: EventRow): EventRow {
  const detail = row.detail && { ...row.detail };
  if (detail) {
    for (const [key, value] of Object.entries(detail)) {
      if (typeof value === "string") detail[key] = cutDrainSecrets(value);
    }
  }
  return { ...row, message: cutDrainSecrets(row.message), detail };
}

export function classifyLines(options: {
  appId: string;
  lines: readonly string[];
  hwm?: HighWaterMark | null;
  sizes?: ReadonlyMap<string, string>;
}): Classified {
  const { appId } = options;
  const previous = options.hwm ?? null;
  const seenAtMark = new Set(previous?.fingerprints ?? []);
  let maxMicros = previous?.tsMicros ?? Number.NEGATIVE_INFINITY;
  // fingerprints known at the newest instant, plus lines there not hashed yet (hashed once, at the end)
  const atMax: string[] = previous ? [...previous.fingerprints] : [];
  const atMaxLines: string[] = [];
  const events: EventRow[] = [];
  const samples = new Map<string, SampleRow>();
  const requests = new Map<string, RequestRow>();
  let lastRequestRow = null as RequestRow | null;
  let lastMinuteMs = 0;
  let read = 0;
  let duplicates = 0;
  let unparsed = 0;
  let repaired = 0;
  let droppedByHeroku = 0;

  for (const given of options.lines) {
    if (given.length === 0) continue;
    read++;
    // Postgres refuses NUL in text and jsonb: one such line would fail its whole batch forever.
    // Drain lines come repaired from parseDrainBody; this covers the poll and import paths.
    const line = storableText(given);
    if (line !== given) repaired++;
    const event = parseLogLine(line);
    if (event.kind === "unknown" && event.tsMicros === null) {
      unparsed++;
      continue;
    }
    const tsMicros = event.tsMicros ?? 0;
    let fingerprint: string | undefined;
    if (previous) {
      if (tsMicros < previous.tsMicros) {
        duplicates++;
        continue;
      }
      if (tsMicros === previous.tsMicros) {
        fingerprint = lineFingerprint(appId, tsMicros, line);
        if (seenAtMark.has(fingerprint)) {
          duplicates++;
          continue;
        }
      }
    }
    if (tsMicros > maxMicros) {
      maxMicros = tsMicros;
      // emptied, not replaced: a batch's timestamps mostly rise line by line
      atMax.length = 0;
      atMaxLines.length = 0;
    }
    if (tsMicros === maxMicros) {
      if (fingerprint) atMax.push(fingerprint);
      else atMaxLines.push(line);
    }

    if (event.kind === "router" || event.kind === "router_error") {
      const dynoType = event.dynoType ?? "web";
      const minuteMs = Math.floor(event.ts / 60_000) * 60_000;
      // consecutive router lines nearly always share the dyno type and minute: no key to build
      let row: RequestRow | null = lastRequestRow;
      if (row === null || minuteMs !== lastMinuteMs || dynoType !== row.dyno_type) {
        const key: string = `${dynoType}\0${minuteMs}`;
        row = requests.get(key) ?? null;
        if (row === null) {
          row = {
            app_id: appId,
            dyno_type: dynoType,
            minute: new Date(minuteMs).toISOString(),
            requests: 0,
            status_1xx: 0,
            status_2xx: 0,
            status_3xx: 0,
            status_4xx: 0,
            status_5xx: 0,
            router_errors: 0,
            service_ms_sum: 0,
            service_ms_max: 0,
            service_hist: emptyHistogram(),
          };
          requests.set(key, row);
        }
        lastRequestRow = row;
        lastMinuteMs = minuteMs;
      }
      row.requests++;
      const status = event.status ?? 0;
      if (status >= 500) row.status_5xx++;
      else if (status >= 400) row.status_4xx++;
      else if (status >= 300) row.status_3xx++;
      else if (status >= 200) row.status_2xx++;
      else if (status >= 100) row.status_1xx++;
      if (event.kind === "router_error") row.router_errors++;
      // websocket upgrades (101) log their whole connection time: not a latency
      if (event.serviceMs !== null && status !== 101) {
        row.service_ms_sum += event.serviceMs;
        if (event.serviceMs > row.service_ms_max) row.service_ms_max = event.serviceMs;
        const index = bucketIndex(event.serviceMs);
        row.service_hist[index] = (row.service_hist[index] ?? 0) + 1;
      }
      // router errors are also events, below
      if (event.kind === "router") continue;
    }

    if (event.kind === "runtime_metrics") {
      const dyno = event.sourceDyno ?? event.dyno;
      if (dyno) {
        const second = new Date(Math.floor(event.ts / 1000) * 1000).toISOString();
        const key = `${dyno}\0${second}`;
        const row = samples.get(key) ?? {
          app_id: appId,
          dyno,
          dyno_type: event.dynoType ?? dyno.split(".")[0] ?? dyno,
          ts: second,
          instance: null,
          size: options.sizes?.get(dyno) ?? null,
          load_1m: null,
          load_5m: null,
          load_15m: null,
          memory_total_mb: null,
          memory_rss_mb: null,
          memory_cache_mb: null,
          memory_swap_mb: null,
          memory_quota_mb: null,
          memory_pgpgin: null,
          memory_pgpgout: null,
        };
        row.instance ??= event.instance;
        row.load_1m ??= event.load1m;
        row.load_5m ??= event.load5m;
        row.load_15m ??= event.load15m;
        row.memory_total_mb ??= event.memoryTotalMb;
        row.memory_rss_mb ??= event.memoryRssMb;
        row.memory_cache_mb ??= event.memoryCacheMb;
        row.memory_swap_mb ??= event.memorySwapMb;
        row.memory_quota_mb ??= event.memoryQuotaMb;
        row.memory_pgpgin ??= event.memoryPgpgin;
        row.memory_pgpgout ??= event.memoryPgpgout;
        samples.set(key, row);
      }
      continue;
    }

    if (EVENT_KINDS.has(event.kind) && event.kind !== "unknown") {
      if (event.kind === "platform_error" && event.code === "L10" && event.dropped)
        droppedByHeroku += event.dropped;
      const row: EventRow = {
        app_id: appId,
        ts: microsToIso(tsMicros),
        source: event.source,
        proc: event.proc,
        dyno: event.dyno,
        dyno_type: event.dynoType,
        kind: event.kind,
        code: eventCode(event),
        message: truncateText(messageOf(line), 2000),
        detail: eventDetail(event),
        fingerprint: fingerprint ?? lineFingerprint(appId, tsMicros, line),
      };
      // Router lines of the console's own app carry drain paths: never store their secrets.
      events.push(mayHoldDrainSecret(line) ? withoutDrainSecrets(row) : row);
    }
  }

  return {
    events,
    samples: [...samples.values()],
    requests: [...requests.values()],
    read,
    duplicates,
    unparsed,
    repaired,
    droppedByHeroku,
    hwm: Number.isFinite(maxMicros)
      ? {
          tsMicros: maxMicros,
          fingerprints: [
            ...atMax,
            ...atMaxLines.map((line) => lineFingerprint(appId, maxMicros, line)),
          ],
        }
      : previous,
  };
}
