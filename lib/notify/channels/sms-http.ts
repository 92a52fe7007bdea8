// What every HTTP channel does the same way: one POST with a deadline, the answer read as text
// (bounded), Retry-After understood, and secrets scrubbed from anything bound for the outbox row.
// SMS provider files (sms-infobip.ts, sms-twilio.ts…) only build the request and read the answer;
// webhook.ts uses the same reading, Retry-After and scrubbing.
import { maskUrls } from "@/lib/mask-urls";
import type { DeliveryResult } from "@/lib/notify/types";

export type DeliveryFailure = Extract<DeliveryResult, { ok: false }>;
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export const DEFAULT_SMS_TIMEOUT_MS = 15_000;
const MAX_TEXT_LENGTH = 500;
/** Providers answer a send with a few hundred bytes; anything longer is not worth keeping. */
const MAX_ANSWER_BYTES = 64 * 1024;

export type HttpAnswer = { status: number; headers: Headers; text: string };

export type PostOutcome =
  | { answered: true; answer: HttpAnswer }
  | { answered: false; timedOut: boolean; error: string };

/** POSTs once; a network failure or the deadline is an outcome, never a throw. */
export async function postOnce(
  fetchImpl: FetchLike,
  url: string,
  init: { headers: Record<string, string>; body: string },
  timeoutMs: number,
): Promise<PostOutcome> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetchImpl(url, {
      method: "POST",
      headers: init.headers,
      body: init.body,
      redirect: "manual",
      signal,
    });
    const text = await readBounded(response, MAX_ANSWER_BYTES);
    return { answered: true, answer: { status: response.status, headers: response.headers, text } };
  } catch (error) {
    return { answered: false, timedOut: signal.aborted, error: errorText(error) };
  }
}

/** The body as text, at most `limit` bytes (the rest is dropped unread). */
export async function readBounded(response: Response, limit: number): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, limit).toString("utf8");
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function str(value: unknown): string | undefined {
  if (typeof value === "string" && value.trim()) return value.trim();
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return undefined;
}

/** Retry-After in seconds: a number of seconds, or an HTTP date relative to `nowMs`. */
export function retryAfterSeconds(
  value: string | null | undefined,
  nowMs: number,
): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text));
  const at = Date.parse(text);
  if (!Number.isFinite(at)) return undefined;
  return Math.max(0, Math.ceil((at - nowMs) / 1000));
}

/** 408, 425, 429 and 5xx: the same request may succeed later. */
export function retryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/** A failure with the status and, when retryable, the provider's Retry-After. */
export function failure(
  text: string,
  options: { retryable: boolean; status?: number; headers?: Headers; nowMs?: number },
  secrets: readonly string[],
): DeliveryFailure {
  const result: DeliveryFailure = {
    ok: false,
    retryable: options.retryable,
    error: scrub(text, secrets),
  };
  if (options.status !== undefined) result.status = options.status;
  if (options.retryable && options.headers) {
    const after = retryAfterSeconds(
      options.headers.get("retry-after"),
      options.nowMs ?? Date.now(),
    );
    if (after !== undefined) result.retryAfterSeconds = after;
  }
  return result;
}

/** The retryable failure of a POST that got no answer: the deadline passed or the host was unreachable. */
export function unanswered(
  provider: string,
  outcome: Extract<PostOutcome, { answered: false }>,
  timeoutMs: number,
  secrets: readonly string[],
): DeliveryFailure {
  return failure(
    outcome.timedOut
      ? `${provider} did not answer within ${timeoutMs} ms.`
      : `Could not reach ${provider}: ${outcome.error}`,
    { retryable: true },
    secrets,
  );
}

const IS_URL = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * Text bound for storage and display, clipped: every URL in it masked to scheme://host (a secret
 * that is a URL also wherever its path, query or values appear alone), every other secret (4+
 * characters) replaced.
 */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = maskUrls(
    text,
    secrets.filter((secret) => IS_URL.test(secret)),
  );
  for (const secret of secrets) {
    if (secret && secret.length >= 4 && !IS_URL.test(secret)) out = out.split(secret).join("***");
  }
  return clip(out);
}

export function clip(text: string, max = MAX_TEXT_LENGTH): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // undici wraps the useful part ("connect ECONNREFUSED 127.0.0.1:4000") in `cause`.
  const cause = error.cause instanceof Error ? error.cause.message : "";
  return cause && !error.message.includes(cause) ? `${error.message} (${cause})` : error.message;
}

/** An http(s) base URL without trailing slash; a bare host gets https:// (Infobip shows it so). */
export function normalizeBaseUrl(value: string, setting: string): string {
  const trimmed = value.trim().replace(/\/+$/, "");
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new Error(`${setting}: "${value}" is not a URL.`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new Error(`${setting}: only http(s) URLs are allowed.`);
  }
  return withScheme;
}
