// Runs one check against its target: a web URL (fetch), a Redis (PING, LLEN) or a Postgres
// (select 1, to_regclass). Each opens its own short-lived connection, never our database's, and
// is cut at its timeout. Failures are results with a classified reason, never thrown.
import "server-only";
import { connect as tlsConnect } from "node:tls";
import IORedis from "ioredis";
import postgres from "postgres";
import { maskUrls } from "@/lib/mask-urls";
import {
  type PostgresCheckConfig,
  parseStatusRanges,
  type RedisCheckConfig,
  statusExpected,
  type WebCheckConfig,
} from "./schema";

export const FAILURE_REASONS = [
  "timeout",
  "connection refused",
  "DNS",
  "TLS",
  "wrong status",
  "missing text",
  "list too long",
  "table missing",
  "auth failed",
  "error",
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

export type CheckOutcome = {
  ok: boolean;
  latencyMs: number;
  statusCode?: number;
  /** What was measured: list length, TLS expiry, table found… plus `reason` on failure. */
  detail: Record<string, unknown>;
  /** "<reason>: <what happened>", e.g. "wrong status: 500 (expected 200-399)". */
  error?: string;
  reason?: FailureReason;
};

/** A failure in words; its message never carries a URL's password. */
export class CheckFailure extends Error {
  readonly reason: FailureReason;
  constructor(reason: FailureReason, message: string) {
    super(`${reason}: ${message}`);
    this.name = "CheckFailure";
    this.reason = reason;
  }
}

function codesOf(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    if (typeof current === "object") {
      const code = (current as { code?: unknown }).code;
      if (typeof code === "string") codes.push(code);
      const nested = (current as { errors?: unknown }).errors;
      if (Array.isArray(nested)) codes.push(...nested.flatMap((inner) => codesOf(inner)));
      current = (current as { cause?: unknown }).cause;
    } else break;
  }
  return codes;
}

function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause.message : "";
  return cause && !error.message.includes(cause) ? `${error.message} (${cause})` : error.message;
}

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL|EPROTO/;

/** Sorts a network or driver error into one of the reasons the console shows. */
export function classifyError(
  error: unknown,
  target: { host: string; port?: string | number; timeoutMs: number },
): CheckFailure {
  if (error instanceof CheckFailure) return error;
  const codes = codesOf(error);
  const message = maskUrls(messageOf(error));
  const where = target.port ? `${target.host}:${target.port}` : target.host;
  const has = (...wanted: string[]) => codes.some((code) => wanted.includes(code));
  if (has("ECONNREFUSED")) return new CheckFailure("connection refused", where);
  if (has("ENOTFOUND", "EAI_AGAIN", "EAI_NONAME", "EAI_NODATA")) {
    return new CheckFailure("DNS", `${target.host} could not be resolved`);
  }
  if (
    has("ETIMEDOUT", "CONNECT_TIMEOUT", "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT") ||
    /timed? ?out/i.test(message)
  ) {
    return new CheckFailure("timeout", `no answer within ${target.timeoutMs} ms`);
  }
  // Postgres SQLSTATE 28P01/28000 (invalid password / authorization); Redis WRONGPASS, NOAUTH.
  if (
    has("28P01", "28000") ||
    /WRONGPASS|NOAUTH|invalid password|authentication failed/i.test(message)
  ) {
    return new CheckFailure("auth failed", message);
  }
  if (codes.some((code) => TLS_CODES.test(code))) return new CheckFailure("TLS", message);
  return new CheckFailure("error", message);
}

const TIMED_OUT = Symbol("timed out");

/**
 * Runs `work` with an abort signal that fires at `timeoutMs`; a hang is cut there even if the
 * client ignores the signal (`onTimeout` closes it). Resolves to TIMED_OUT in that case.
 */
async function withTimeout<T>(
  timeoutMs: number,
  work: (signal: AbortSignal) => Promise<T>,
  onTimeout: () => void = () => {},
): Promise<T | typeof TIMED_OUT> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new CheckFailure("timeout", `no answer within ${timeoutMs} ms`));
      onTimeout();
      resolve(TIMED_OUT);
    }, timeoutMs);
  });
  const running = work(controller.signal);
  running.catch(() => {}); // a late rejection after the timeout has nowhere to go
  try {
    return await Promise.race([running, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}

function failed(started: number, failure: CheckFailure, extra: Partial<CheckOutcome> = {}) {
  return {
    ok: false,
    latencyMs: elapsed(started),
    ...extra,
    detail: { ...extra.detail, reason: failure.reason },
    error: failure.message,
    reason: failure.reason,
  } satisfies CheckOutcome;
}

const BODY_LIMIT = 1024 * 1024;

/** Reads at most BODY_LIMIT bytes of the body as text (enough to find a marker, bounded memory). */
async function readBody(response: Response): Promise<{ text: string; truncated: boolean }> {
  const reader = response.body?.getReader();
  if (!reader) return { text: "", truncated: false };
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size >= BODY_LIMIT) {
      truncated = true;
      await reader.cancel();
      break;
    }
  }
  return { text: Buffer.concat(chunks).toString("utf8"), truncated };
}

/** When the server's TLS certificate expires (best effort: null when it cannot be read in time). */
export function readCertificateExpiry(url: URL, timeoutMs: number): Promise<Date | null> {
  return new Promise((resolve) => {
    const socket = tlsConnect({
      host: url.hostname,
      port: Number(url.port || 443),
      servername: /^[\d.:[\]]+$/.test(url.hostname) ? undefined : url.hostname,
      // we only read the certificate's dates here; the fetch itself verifies the chain
      rejectUnauthorized: false,
    });
    const done = (value: Date | null) => {
      socket.destroy();
      resolve(value);
    };
    socket.setTimeout(timeoutMs, () => done(null));
    socket.once("error", () => done(null));
    socket.once("secureConnect", () => {
      const validTo = socket.getPeerCertificate()?.valid_to;
      const at = validTo ? new Date(validTo) : null;
      done(at && !Number.isNaN(at.getTime()) ? at : null);
    });
  });
}

const DAY_MS = 86_400_000;

export async function runWebCheck(
  url: string,
  config: WebCheckConfig,
  options: { timeoutMs: number; now?: () => Date },
): Promise<CheckOutcome> {
  const started = performance.now();
  const target = new URL(url);
  const ranges = parseStatusRanges(config.expectedStatus) ?? [[200, 399]];
  const certificate =
    target.protocol === "https:"
      ? readCertificateExpiry(target, Math.min(options.timeoutMs, 5000))
      : Promise.resolve(null);
  const tlsDetail = async (): Promise<Record<string, unknown>> => {
    const expiry = await certificate;
    if (!expiry) return {};
    const now = options.now?.() ?? new Date();
    return {
      tlsExpiresAt: expiry.toISOString(),
      tlsDaysLeft: Math.floor((expiry.getTime() - now.getTime()) / DAY_MS),
    };
  };

  type Answer = {
    status: number;
    text: string | null;
    truncated: boolean;
    location: string | null;
  };
  let result: Answer | typeof TIMED_OUT;
  try {
    result = await withTimeout(options.timeoutMs, async (signal) => {
      const response = await fetch(target, {
        method: config.method,
        redirect: config.followRedirects ? "follow" : "manual",
        signal,
        cache: "no-store",
        headers: { "user-agent": "DynoMonitor-StatusCheck/1", accept: "*/*" },
      });
      const location = response.headers.get("location");
      if (config.bodyText && config.method !== "HEAD") {
        const body = await readBody(response);
        return { status: response.status, ...body, location };
      }
      await response.body?.cancel();
      return { status: response.status, text: null, truncated: false, location };
    });
  } catch (error) {
    const failure = classifyError(error, {
      host: target.hostname,
      port: target.port || (target.protocol === "https:" ? 443 : 80),
      timeoutMs: options.timeoutMs,
    });
    return failed(started, failure, { detail: await tlsDetail() });
  }
  if (result === TIMED_OUT) {
    return failed(
      started,
      new CheckFailure("timeout", `no answer within ${options.timeoutMs} ms`),
      { detail: await tlsDetail() },
    );
  }
  const latencyMs = elapsed(started);
  const detail: Record<string, unknown> = {
    ...(await tlsDetail()),
    ...(result.location ? { location: result.location } : {}),
  };
  if (!statusExpected(result.status, ranges)) {
    const failure = new CheckFailure(
      "wrong status",
      `${result.status} (expected ${config.expectedStatus})`,
    );
    return { ...failed(started, failure, { statusCode: result.status, detail }), latencyMs };
  }
  if (config.bodyText && result.text !== null && !result.text.includes(config.bodyText)) {
    const where = result.truncated ? " in the first 1 MB" : "";
    const failure = new CheckFailure(
      "missing text",
      `the body does not contain “${config.bodyText}”${where}`,
    );
    return { ...failed(started, failure, { statusCode: result.status, detail }), latencyMs };
  }
  return { ok: true, latencyMs, statusCode: result.status, detail };
}

function hostOf(url: string): { host: string; port: string } {
  try {
    const parsed = new URL(url);
    return { host: parsed.hostname, port: parsed.port };
  } catch {
    return { host: "the server", port: "" };
  }
}

export async function runRedisCheck(
  url: string,
  config: RedisCheckConfig,
  options: { timeoutMs: number },
): Promise<CheckOutcome> {
  const started = performance.now();
  const { host, port } = hostOf(url);
  const client = new IORedis(url, {
    lazyConnect: true,
    connectTimeout: options.timeoutMs,
    commandTimeout: options.timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
    // Heroku Redis serves TLS with a self-signed certificate that Heroku documents accepting.
    ...(url.startsWith("rediss:") ? { tls: { rejectUnauthorized: false } } : {}),
  });
  let connectionError: unknown;
  client.on("error", (error: unknown) => {
    connectionError ??= error;
  });
  const target = { host, port: port || 6379, timeoutMs: options.timeoutMs };
  try {
    const result = await withTimeout(
      options.timeoutMs,
      async () => {
        await client.connect();
        await client.ping();
        if (!config.listName) return { listLength: null as number | null };
        return { listLength: await client.llen(config.listName) };
      },
      () => client.disconnect(),
    );
    if (result === TIMED_OUT) {
      return failed(
        started,
        new CheckFailure("timeout", `no answer within ${options.timeoutMs} ms`),
      );
    }
    const latencyMs = elapsed(started);
    if (result.listLength === null) return { ok: true, latencyMs, detail: {} };
    const detail = { list: config.listName, listLength: result.listLength };
    if (config.listThreshold !== null && result.listLength > config.listThreshold) {
      const failure = new CheckFailure(
        "list too long",
        `${config.listName} has ${result.listLength} items (${result.listLength} > ${config.listThreshold})`,
      );
      return { ...failed(started, failure, { detail }), latencyMs };
    }
    return { ok: true, latencyMs, detail };
  } catch (error) {
    const cause = /Connection is closed|Stream isn't writeable/i.test(messageOf(error))
      ? (connectionError ?? error)
      : error;
    return failed(started, classifyError(cause, target));
  } finally {
    client.disconnect();
  }
}

export async function runPostgresCheck(
  url: string,
  config: PostgresCheckConfig,
  options: { timeoutMs: number },
): Promise<CheckOutcome> {
  const started = performance.now();
  const { host, port } = hostOf(url);
  const sql = postgres(url, {
    max: 1,
    connect_timeout: Math.max(1, Math.ceil(options.timeoutMs / 1000)),
    idle_timeout: 1,
    max_lifetime: 60,
    prepare: false,
    fetch_types: false,
    onnotice: () => {},
    connection: { application_name: "dyno-monitor-check" },
  });
  const target = { host, port: port || 5432, timeoutMs: options.timeoutMs };
  try {
    const result = await withTimeout(
      options.timeoutMs,
      async () => {
        await sql`select 1`;
        if (!config.table) return { found: null as boolean | null };
        const [row] = await sql<{ found: boolean }[]>`
          select to_regclass(${config.table}::text) is not null as found`;
        return { found: row?.found ?? false };
      },
      () => void sql.end({ timeout: 0 }).catch(() => {}),
    );
    if (result === TIMED_OUT) {
      return failed(
        started,
        new CheckFailure("timeout", `no answer within ${options.timeoutMs} ms`),
      );
    }
    const latencyMs = elapsed(started);
    if (result.found === null) return { ok: true, latencyMs, detail: {} };
    const detail = { table: config.table, tableFound: result.found };
    if (!result.found) {
      const failure = new CheckFailure("table missing", `${config.table} does not exist`);
      return { ...failed(started, failure, { detail }), latencyMs };
    }
    return { ok: true, latencyMs, detail };
  } catch (error) {
    return failed(started, classifyError(error, target));
  } finally {
    await sql.end({ timeout: 0 }).catch(() => {});
  }
}
