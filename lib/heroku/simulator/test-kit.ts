// Helpers for the simulator's own integration tests: Platform API calls, reading log sessions,
// and a local drain receiver. Test-only; nothing in production imports it.
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import type { RunningSimulator } from "./server";

export const HEROKU_ACCEPT = "application/vnd.heroku+json; version=3";

export type ApiResponse = { status: number; headers: Headers; json: unknown; text: string };

export async function call(
  sim: RunningSimulator,
  method: string,
  path: string,
  init: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiResponse> {
  const response = await fetch(`${sim.url}${path}`, {
    method,
    headers: {
      Accept: HEROKU_ACCEPT,
      Authorization: `Bearer ${sim.apiKey}`,
      ...(init.body === undefined ? {} : { "Content-Type": "application/json" }),
      ...init.headers,
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, json, text };
}

/** A call to the scenario API with the scenario token. */
export function control(
  sim: RunningSimulator,
  method: string,
  path: string,
  body?: unknown,
): Promise<ApiResponse> {
  return call(sim, method, path, {
    body,
    headers: { Authorization: `Bearer ${sim.scenarioToken}` },
  });
}

export type SessionRequest = {
  dyno?: string;
  dyno_name?: string;
  source?: "app" | "heroku";
  lines?: number;
  tail?: boolean;
};

export async function createSession(
  sim: RunningSimulator,
  app: string,
  request: SessionRequest,
): Promise<string> {
  const response = await call(sim, "POST", `/apps/${app}/log-sessions`, { body: request });
  if (response.status !== 201) throw new Error(`log session: ${response.status} ${response.text}`);
  const url = (response.json as { logplex_url?: unknown }).logplex_url;
  if (typeof url !== "string") throw new Error("log session without logplex_url");
  return url;
}

/** Creates a non-tail session and returns its lines, oldest first. */
export async function readLogs(
  sim: RunningSimulator,
  app: string,
  request: SessionRequest = {},
): Promise<string[]> {
  const url = await createSession(sim, app, { lines: 1500, ...request, tail: false });
  const response = await fetch(url);
  if (response.status !== 200) throw new Error(`log stream: ${response.status}`);
  const text = await response.text();
  return text.split("\n").filter((line) => line.length > 0);
}

/** Polls `probe` until it returns a value (not undefined/false), or fails after `timeoutMs`. */
export async function waitFor<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMs = 8000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export type ReceivedRequest = {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  answered: number;
};

/**
 * A local HTTPS-drain stand-in: records every request and answers `respond(index)`, after
 * `delayMs` (so overlapping requests would show in `maxConcurrent`).
 */
export async function startReceiver(
  respond: (index: number) => number = () => 204,
  options: { delayMs?: number } = {},
) {
  const requests: ReceivedRequest[] = [];
  const stats = { inFlight: 0, maxConcurrent: 0, received: 0 };
  const server = createServer((req, res) => {
    stats.inFlight += 1;
    stats.maxConcurrent = Math.max(stats.maxConcurrent, stats.inFlight);
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const answered = respond(stats.received++);
      const request = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks),
        answered,
      };
      setTimeout(() => {
        stats.inFlight -= 1;
        requests.push(request);
        res.writeHead(answered);
        res.end();
      }, options.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    requests,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** PLATFORM.md §6.2: splits a logplex-1 body by octet counts; throws if a count is off. */
export function parseFrames(body: Buffer): string[] {
  const messages: string[] = [];
  let offset = 0;
  while (offset < body.length) {
    const space = body.indexOf(0x20, offset);
    if (space === -1) throw new Error(`no length at byte ${offset}`);
    const digits = body.subarray(offset, space).toString("ascii");
    if (!/^\d+$/.test(digits)) throw new Error(`bad length "${digits}" at byte ${offset}`);
    const length = Number.parseInt(digits, 10);
    const end = space + 1 + length;
    if (end > body.length) throw new Error(`frame at byte ${offset} runs past the body`);
    messages.push(body.subarray(space + 1, end).toString("utf8"));
    offset = end;
  }
  return messages;
}

/** The §4.1 envelope a drain frame maps to: `TIMESTAMP APP-NAME[PROCID]: MSG`. */
export function frameToLine(message: string): string {
  const match = /^<\d{1,3}>1 (\S+) host (\S+) (\S+) - (.*)\n$/s.exec(message);
  if (!match) throw new Error(`not a Heroku frame: ${JSON.stringify(message)}`);
  return `${match[1]} ${match[2]}[${match[3]}]: ${match[4]}`;
}
