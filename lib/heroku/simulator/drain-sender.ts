// The Logplex side of HTTPS drains (PLATFORM.md §6): batches of octet-counted syslog frames POSTed
// to each drain URL, one request in flight per drain, retries with the same frame id, and the
// 1024-message buffer whose overflow produces L10.
import { randomBytes } from "node:crypto";
import { logTimestamp } from "./time";
import type { Drain, LogLine, SimApp, World } from "./world";

/** PLATFORM.md §6.3 */
const BUFFER_MESSAGES = 1024;
const BATCH_BYTES = 102_400;
const REQUEST_TIMEOUT_MS = 5_000;
const ATTEMPTS = 4;
const BACKOFF_MS = 200;
/** While deliveries keep up, a burst (a big manual clock step) may queue this many lines at most. */
const HEALTHY_BUFFER_MESSAGES = 50_000;

/** PLATFORM.md §6.2: PRI by origin (router 158, app 190, dyno manager 45, add-ons 134, logplex 172). */
export function priority(line: Pick<LogLine, "source" | "proc">): number {
  if (line.source === "heroku") {
    if (line.proc === "router") return 158;
    if (line.proc === "logplex") return 172;
    return 45;
  }
  return line.proc === "heroku-postgres" || line.proc === "heroku-redis" ? 134 : 190;
}

/** PLATFORM.md §6.2 simulator rule: `byteLength(msg) + " " + msg`, msg ending in `\n`. */
export function frame(line: Pick<LogLine, "source" | "proc" | "text" | "at">): string {
  const message = `<${priority(line)}>1 ${logTimestamp(line.at)} host ${line.source} ${line.proc} - ${line.text}\n`;
  return `${Buffer.byteLength(message)} ${message}`;
}

type Batch = { frameId: string; body: string; count: number };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

class DrainSender {
  private buffer: LogLine[] = [];
  private dropped = 0;
  private droppedSince = 0;
  private inFlight = false;
  private failing = false;
  private closed = false;
  private readonly abort = new AbortController();
  private readonly target: string;
  private readonly authorization: string | undefined;

  constructor(
    private readonly world: World,
    readonly app: SimApp,
    readonly drain: Drain,
  ) {
    const url = new URL(drain.url);
    this.authorization =
      url.username || url.password
        ? `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString("base64")}`
        : undefined;
    url.username = "";
    url.password = "";
    this.target = url.toString();
  }

  private stalled(): boolean {
    return this.world.effects(this.app).some((e) => e.kind === "drain-overload");
  }

  enqueue(line: LogLine): void {
    if (this.closed || line.noDrain) return;
    this.buffer.push(line);
    const limit = this.stalled() || this.failing ? BUFFER_MESSAGES : HEALTHY_BUFFER_MESSAGES;
    if (this.buffer.length > limit) {
      const excess = this.buffer.length - limit;
      if (this.dropped === 0) this.droppedSince = this.buffer[0]?.at ?? this.world.nowUs;
      this.buffer.splice(0, excess);
      this.dropped += excess;
    }
    this.pump();
  }

  pump(): void {
    if (this.inFlight || this.closed || this.stalled()) return;
    if (this.buffer.length === 0 && this.dropped === 0) return;
    this.inFlight = true;
    const batch = this.nextBatch();
    void this.deliver(batch).finally(() => {
      this.inFlight = false;
      if (!this.closed) setImmediate(() => this.pump());
    });
  }

  private nextBatch(): Batch {
    const frames: string[] = [];
    let bytes = 0;
    if (this.dropped > 0) {
      // PLATFORM.md §4.7: the L10 leads the next batch and also shows in the app's log history.
      const text =
        `Error L10 (output buffer overflow): drain '${this.drain.token}' dropped ${this.dropped} ` +
        `messages since ${logTimestamp(this.droppedSince)}.`;
      const line = this.world.emit(this.app, "heroku", "logplex", text, this.world.nowUs, {
        noDrain: true,
      });
      const l10 = frame(line);
      frames.push(l10);
      bytes += Buffer.byteLength(l10);
      this.dropped = 0;
    }
    let taken = 0;
    for (const line of this.buffer) {
      const next = frame(line);
      const size = Buffer.byteLength(next);
      if (frames.length > 0 && bytes + size > BATCH_BYTES) break;
      frames.push(next);
      bytes += size;
      taken += 1;
    }
    this.buffer.splice(0, taken);
    return {
      frameId: randomBytes(16).toString("hex").toUpperCase(),
      body: frames.join(""),
      count: frames.length,
    };
  }

  /** Retries 429, 5xx, timeouts and connection errors with the same frame id; drops other 4xx. */
  private async deliver(batch: Batch): Promise<void> {
    for (let attempt = 0; attempt < ATTEMPTS && !this.closed; attempt++) {
      if (attempt > 0) await sleep(BACKOFF_MS * 2 ** (attempt - 1));
      if (this.closed) return;
      let status = 0;
      try {
        const response = await fetch(this.target, {
          method: "POST",
          headers: {
            "Content-Type": "application/logplex-1",
            "Logplex-Msg-Count": String(batch.count),
            "Logplex-Frame-Id": batch.frameId,
            "Logplex-Drain-Token": this.drain.token,
            "User-Agent": "Logplex/v123",
            ...(this.authorization ? { Authorization: this.authorization } : {}),
          },
          body: batch.body,
          signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]),
        });
        status = response.status;
        await response.arrayBuffer().catch(() => undefined);
      } catch {
        status = 0;
      }
      if (status >= 200 && status < 300) {
        this.failing = false;
        return;
      }
      if (status >= 400 && status < 500 && status !== 429) {
        this.failing = false;
        return;
      }
      this.failing = true;
    }
  }

  close(): void {
    this.closed = true;
    this.buffer = [];
    this.abort.abort();
  }
}

export class DrainSenders {
  private readonly senders = new Map<string, DrainSender>();
  private readonly unsubscribe: (() => void)[] = [];

  constructor(private readonly world: World) {
    this.unsubscribe.push(
      world.onLine((app, line) => {
        if (app.drains.size === 0 || line.noDrain) return;
        for (const drain of app.drains.values()) this.senders.get(drain.id)?.enqueue(line);
      }),
      world.onTick(() => {
        for (const sender of this.senders.values()) sender.pump();
      }),
    );
  }

  /** Only http(s) drains are delivered; syslog drains are accepted by the API and stay silent. */
  add(app: SimApp, drain: Drain): void {
    if (!/^https?:/i.test(drain.url)) return;
    this.senders.set(drain.id, new DrainSender(this.world, app, drain));
  }

  remove(drain: Drain): void {
    this.senders.get(drain.id)?.close();
    this.senders.delete(drain.id);
  }

  closeAll(): void {
    for (const stop of this.unsubscribe) stop();
    for (const sender of this.senders.values()) sender.close();
    this.senders.clear();
  }
}
