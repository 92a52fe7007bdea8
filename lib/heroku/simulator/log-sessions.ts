// Log sessions (PLATFORM.md §2.7, simulator contract): POST creates a session whose logplex_url
// points back at this server; GET on it replays recent lines, then tails. Plain text, or SSE
// frames `id: <n>\ndata: <line>\n\n` when the client asks for text/event-stream.
import { randomBytes, randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { safeEqual } from "./http";
import { apiTimestamp, logTimestamp } from "./time";
import {
  formatLogLine,
  HISTORY_LINES,
  type LogLine,
  type LogSource,
  type SimApp,
  targetMatches,
  type World,
} from "./world";

export type LogSessionRequest = {
  dyno: string | undefined;
  source: LogSource | undefined;
  lines: number;
  tail: boolean;
};

type Session = LogSessionRequest & {
  id: string;
  token: string;
  app: SimApp;
  createdAt: number;
  connected: boolean;
};

/** Bytes a slow tail reader may leave unread before lines are dropped (and an L11 reported). */
const TAIL_BUFFER_BYTES = 4 << 20;

function matches(session: LogSessionRequest, line: LogLine): boolean {
  if (session.source && line.source !== session.source) return false;
  return !session.dyno || targetMatches(session.dyno, line.proc);
}

class Tail {
  private dropped = 0;
  private droppedSince = 0;

  constructor(
    readonly session: Session,
    private readonly res: ServerResponse,
    private readonly sse: boolean,
    readonly closesAt: number,
  ) {}

  write(line: LogLine, now: number): void {
    if (this.res.writableLength > TAIL_BUFFER_BYTES) {
      if (this.dropped === 0) this.droppedSince = line.at;
      this.dropped += 1;
      return;
    }
    if (this.dropped > 0) {
      // PLATFORM.md §4.7: L11 appears only inside the tail that lost lines.
      const text =
        `L11 (Tail buffer overflow) -> This tail session dropped ${this.dropped} messages since ` +
        logTimestamp(this.droppedSince).replace(/\.\d{6}/, "");
      this.send({ seq: 0, at: now, source: "heroku", proc: "logplex", text });
      this.dropped = 0;
    }
    this.send(line);
  }

  send(line: LogLine): void {
    const text = formatLogLine(line);
    this.res.write(this.sse ? `id: ${line.seq}\ndata: ${text}\n\n` : `${text}\n`);
  }

  end(): void {
    if (!this.res.writableEnded) this.res.end();
  }
}

export type LogSessionOptions = {
  lifetimeSeconds: number;
  connectWithinSeconds: number;
  baseUrl: () => string;
};

export class LogSessions {
  private readonly sessions = new Map<string, Session>();
  private readonly tails = new Set<Tail>();
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly world: World,
    private readonly options: LogSessionOptions,
  ) {
    this.unsubscribe.push(
      world.onLine((app, line) => {
        for (const tail of this.tails) {
          if (tail.session.app === app && matches(tail.session, line))
            tail.write(line, world.nowUs);
        }
      }),
      world.onTick(() => this.expire()),
    );
  }

  create(app: SimApp, request: LogSessionRequest) {
    const id = randomUUID();
    const token = randomBytes(24).toString("base64url");
    const session: Session = {
      ...request,
      lines: Math.min(HISTORY_LINES, request.lines),
      id,
      token,
      app,
      createdAt: this.world.nowUs,
      connected: false,
    };
    this.sessions.set(id, session);
    const at = apiTimestamp(session.createdAt);
    return {
      created_at: at,
      id,
      logplex_url: `${this.options.baseUrl()}/logs/stream?session=${id}&token=${token}`,
      updated_at: at,
    };
  }

  /** GET <logplex_url>: no API key; the token in the URL is the credential. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): void {
    this.world.sync();
    const session = this.sessions.get(url.searchParams.get("session") ?? "");
    const token = url.searchParams.get("token") ?? "";
    const stale =
      session !== undefined &&
      !session.connected &&
      this.world.nowUs - session.createdAt > this.options.connectWithinSeconds * 1_000_000;
    if (!session || !safeEqual(token, session.token) || session.connected || stale) {
      if (stale && session) this.sessions.delete(session.id);
      res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" });
      res.end("Not Found\n");
      return;
    }
    session.connected = true;
    const sse = (req.headers.accept ?? "").includes("text/event-stream");
    res.writeHead(200, {
      "Content-Type": sse ? "text/event-stream; charset=utf-8" : "text/plain; charset=utf-8",
      "Cache-Control": "no-cache",
    });
    const tail = new Tail(
      session,
      res,
      sse,
      this.world.nowUs + this.options.lifetimeSeconds * 1_000_000,
    );
    const replay: LogLine[] = [];
    if (session.lines > 0) {
      for (const line of session.app.history.newestFirst()) {
        if (!matches(session, line)) continue;
        replay.push(line);
        if (replay.length >= session.lines) break;
      }
    }
    for (let i = replay.length - 1; i >= 0; i--) {
      const line = replay[i];
      if (line) tail.send(line);
    }
    if (!session.tail) {
      this.sessions.delete(session.id);
      tail.end();
      return;
    }
    res.flushHeaders();
    this.tails.add(tail);
    const forget = () => {
      this.tails.delete(tail);
      this.sessions.delete(session.id);
    };
    res.on("close", forget);
  }

  private expire(): void {
    const now = this.world.nowUs;
    for (const tail of this.tails) {
      if (now >= tail.closesAt) {
        this.tails.delete(tail);
        this.sessions.delete(tail.session.id);
        tail.end();
      }
    }
    const horizon = now - this.options.connectWithinSeconds * 1_000_000;
    for (const session of this.sessions.values()) {
      if (!session.connected && session.createdAt < horizon) this.sessions.delete(session.id);
    }
  }

  closeAll(): void {
    for (const stop of this.unsubscribe) stop();
    for (const tail of this.tails) tail.end();
    this.tails.clear();
    this.sessions.clear();
  }
}
