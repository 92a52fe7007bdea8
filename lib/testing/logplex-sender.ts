// A drain sender that behaves like Heroku's Logplex (PLATFORM.md §6.3), for the fault suite and the
// drain benchmark: queued batches go out with a few requests in flight; 429, 5xx, timeouts and
// connection errors are retried with the same Logplex-Frame-Id and exponential backoff until the
// retry window closes; any other 4xx drops the batch. Every request's answer and latency is kept.
import { randomBytes } from "node:crypto";

/** Frames already octet-counted (see `frame` in lib/heroku/simulator/drain-sender), and how many. */
export type LogplexBatch = { body: string; count: number; tag?: number };

export type LogplexAnswer = {
  frameId: string;
  /** 1 for the first try of a frame id. */
  attempt: number;
  /** Tags of the queued batches this request carried. */
  tags: number[];
  /** Date.now() when the request went out. */
  startedAt: number;
  /** Until the answer came, or the request was given up. */
  ms: number;
  /** HTTP status; 0 when there was none. */
  status: number;
  failure?: "timeout" | "connection";
};

export type LogplexSenderOptions = {
  /** The drain URL; credentials in it are sent as `Authorization: Basic` (PLATFORM.md §6.1). */
  url: string;
  /** Requests in flight at once (Logplex: one per drain connection; a few connections). */
  concurrency?: number;
  /** PLATFORM.md §6.3: request timeout ~5 s. */
  timeoutMs?: number;
  /** How long one frame id is retried before its lines are given up. */
  retryWindowMs?: number;
  firstBackoffMs?: number;
  maxBackoffMs?: number;
  /** Queued batches are sent together up to this size (PLATFORM.md §6.3: ~100 KB). */
  maxBatchBytes?: number;
  /** Lines held while waiting (Logplex: 1024); the oldest queued batches go past it. */
  bufferLines?: number;
  drainToken?: string;
  onAnswer?: (answer: LogplexAnswer) => void;
};

export type LogplexStats = {
  /** Requests made, first tries and retries. */
  requests: number;
  retries: number;
  deliveredLines: number;
  /** Lines refused with a 4xx other than 429: Logplex drops them. */
  droppedLines: number;
  /** Lines whose frame id was still failing when the retry window closed. */
  expiredLines: number;
  /** Lines pushed out of a full buffer before they were sent (Logplex's L10). */
  overflowLines: number;
  queuedLines: number;
  inFlight: number;
};

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The `q` quantile of `values` (0..1), by the nearest rank below; 0 for no values. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

/** Backoff before retry number `retry` (1 = the first retry): doubling, capped. */
export function backoffMs(retry: number, firstMs: number, maxMs: number): number {
  return Math.min(maxMs, firstMs * 2 ** Math.max(0, retry - 1));
}

/** What Logplex does with an answer (PLATFORM.md §6.3). */
export function answerVerdict(status: number): "delivered" | "dropped" | "retry" {
  if (status >= 200 && status < 300) return "delivered";
  if (status >= 400 && status < 500 && status !== 429) return "dropped";
  return "retry";
}

/** Splits a drain URL into the URL posted to and its Basic credentials, if any. */
export function drainTarget(url: string): { target: string; authorization: string | null } {
  const parsed = new URL(url);
  if (!parsed.username && !parsed.password) return { target: url, authorization: null };
  const credentials = `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
  parsed.username = "";
  parsed.password = "";
  return {
    target: parsed.toString(),
    authorization: `Basic ${Buffer.from(credentials).toString("base64")}`,
  };
}

type Request = { frameId: string; body: string; count: number; tags: number[] };

export class LogplexSender {
  private readonly queue: LogplexBatch[] = [];
  private queuedLines = 0;
  private inFlight = 0;
  private closed = false;
  private readonly abort = new AbortController();
  private readonly waiters: (() => void)[] = [];
  private readonly target: string;
  private readonly authorization: string | null;
  private readonly options: Required<Omit<LogplexSenderOptions, "onAnswer" | "drainToken">> &
    Pick<LogplexSenderOptions, "onAnswer" | "drainToken">;
  private readonly counts = {
    requests: 0,
    retries: 0,
    deliveredLines: 0,
    droppedLines: 0,
    expiredLines: 0,
    overflowLines: 0,
  };

  constructor(options: LogplexSenderOptions) {
    this.options = {
      concurrency: 1,
      timeoutMs: 5_000,
      retryWindowMs: 120_000,
      firstBackoffMs: 250,
      maxBackoffMs: 4_000,
      maxBatchBytes: 102_400,
      bufferLines: Number.POSITIVE_INFINITY,
      ...options,
    };
    const { target, authorization } = drainTarget(options.url);
    this.target = target;
    this.authorization = authorization;
  }

  enqueue(batch: LogplexBatch): void {
    if (this.closed) return;
    this.queue.push(batch);
    this.queuedLines += batch.count;
    while (this.queuedLines > this.options.bufferLines && this.queue.length > 1) {
      const oldest = this.queue.shift();
      this.queuedLines -= oldest?.count ?? 0;
      this.counts.overflowLines += oldest?.count ?? 0;
    }
    this.pump();
  }

  stats(): LogplexStats {
    return { ...this.counts, queuedLines: this.queuedLines, inFlight: this.inFlight };
  }

  /** Resolves once nothing is queued or in flight. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Stops sending; requests in flight are aborted and what is queued is forgotten. */
  close(): void {
    this.closed = true;
    this.abort.abort();
    this.queue.length = 0;
    this.queuedLines = 0;
    this.settle();
  }

  private isIdle(): boolean {
    return this.closed || (this.queue.length === 0 && this.inFlight === 0);
  }

  private settle(): void {
    if (!this.isIdle()) return;
    for (const resolve of this.waiters.splice(0)) resolve();
  }

  private pump(): void {
    while (!this.closed && this.inFlight < this.options.concurrency && this.queue.length > 0) {
      const request = this.nextRequest();
      this.inFlight++;
      void this.deliver(request).finally(() => {
        this.inFlight--;
        this.pump();
        this.settle();
      });
    }
  }

  /** The oldest queued batches, as many as fit in one request; a frame id is given at first send. */
  private nextRequest(): Request {
    const bodies: string[] = [];
    const tags: number[] = [];
    let bytes = 0;
    let count = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0] as LogplexBatch;
      const size = Buffer.byteLength(next.body);
      if (bodies.length > 0 && bytes + size > this.options.maxBatchBytes) break;
      this.queue.shift();
      bodies.push(next.body);
      if (next.tag !== undefined) tags.push(next.tag);
      bytes += size;
      count += next.count;
    }
    this.queuedLines -= count;
    return {
      frameId: randomBytes(16).toString("hex").toUpperCase(),
      body: bodies.join(""),
      count,
      tags,
    };
  }

  private async deliver(request: Request): Promise<void> {
    const firstAt = Date.now();
    for (let attempt = 1; !this.closed; attempt++) {
      const answer = await this.post(request, attempt);
      this.options.onAnswer?.(answer);
      if (this.closed) return;
      const verdict = answerVerdict(answer.status);
      if (verdict === "delivered") {
        this.counts.deliveredLines += request.count;
        return;
      }
      if (verdict === "dropped") {
        this.counts.droppedLines += request.count;
        return;
      }
      const wait = backoffMs(attempt, this.options.firstBackoffMs, this.options.maxBackoffMs);
      if (Date.now() + wait - firstAt > this.options.retryWindowMs) {
        this.counts.expiredLines += request.count;
        return;
      }
      await sleep(wait);
      this.counts.retries++;
    }
  }

  private async post(request: Request, attempt: number): Promise<LogplexAnswer> {
    this.counts.requests++;
    const startedAt = Date.now();
    const started = performance.now();
    const base = { frameId: request.frameId, attempt, tags: request.tags, startedAt };
    try {
      const response = await fetch(this.target, {
        method: "POST",
        headers: {
          "Content-Type": "application/logplex-1",
          "Logplex-Msg-Count": String(request.count),
          "Logplex-Frame-Id": request.frameId,
          "User-Agent": "Logplex/v123",
          ...(this.options.drainToken ? { "Logplex-Drain-Token": this.options.drainToken } : {}),
          ...(this.authorization ? { Authorization: this.authorization } : {}),
        },
        body: request.body,
        signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.options.timeoutMs)]),
      });
      await response.arrayBuffer().catch(() => undefined);
      return { ...base, ms: performance.now() - started, status: response.status };
    } catch (error) {
      const timedOut = error instanceof Error && error.name === "TimeoutError";
      return {
        ...base,
        ms: performance.now() - started,
        status: 0,
        failure: timedOut ? "timeout" : "connection",
      };
    }
  }
}
