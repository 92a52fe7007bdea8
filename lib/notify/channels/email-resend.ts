// Email through Resend's official SDK. The SDK never throws on an HTTP error: it returns
// `{ data, error: { statusCode, name, message } }`, and a network failure or timeout comes back as
// `statusCode: null`. This module turns both into a DeliveryResult: 2xx → ok with Resend's id;
// 429, 5xx and network failures → retryable; other 4xx (validation, bad key) → not retryable.
// Settings come in as arguments (lib/config reads them); the API key never appears in a result.
import "server-only";
import { Resend } from "resend";
import { maskUrls } from "@/lib/mask-urls";
import type { DeliveryResult, EmailMessage, EmailSender } from "@/lib/notify/types";

export const RESEND_DEFAULT_BASE_URL = "https://api.resend.com";
const DEFAULT_TIMEOUT_MS = 15_000;
const MAX_ERROR_LENGTH = 500;

export type ResendSenderOptions = {
  apiKey: string;
  /** "Dyno Monitor <alerts@example.com>": a sender on a domain verified in Resend. */
  from: string;
  /** Default https://api.resend.com; tests pass the URL of lib/testing/resend-server. */
  baseUrl?: string;
  /** A send that takes longer is abandoned and reported as retryable (default 15 s). */
  timeoutMs?: number;
  replyTo?: string;
};

type DeliveryFailure = Extract<DeliveryResult, { ok: false }>;

/** The error half of the SDK's answer, loosely: a proxy may answer without Resend's fields. */
export type ResendErrorLike = {
  statusCode?: number | null;
  name?: string | null;
  message?: string | null;
};

/** Errors that the same request can never get past, whatever the status says. */
const PERMANENT = new Set([
  "validation_error",
  "missing_required_field",
  "missing_api_key",
  "invalid_api_key",
  "restricted_api_key",
  "invalid_from_address",
  "invalid_idempotency_key",
  "invalid_idempotent_request",
  "invalid_parameter",
  "invalid_attachment",
  "invalid_access",
  "invalid_region",
  "not_found",
  "method_not_allowed",
  "security_error",
  // A 429, but it lasts until the next billing month: retries would only hide it.
  "monthly_quota_exceeded",
]);

const AUTH_ERRORS = new Set(["missing_api_key", "invalid_api_key", "restricted_api_key"]);

export function createResendSender(options: ResendSenderOptions): EmailSender {
  const apiKey = options.apiKey.trim();
  const from = options.from.trim();
  // An empty key would make the SDK fall back to the RESEND_API_KEY environment variable.
  if (!apiKey) throw new Error("Resend sender: the API key is empty (it authenticates sends).");
  if (!from) throw new Error("Resend sender: the from address is empty (it is the alert sender).");
  const baseUrl = (options.baseUrl?.trim() || RESEND_DEFAULT_BASE_URL).replace(/\/+$/, "");
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // An explicit baseUrl: otherwise the SDK would read the RESEND_BASE_URL variable itself.
  const client = new Resend(apiKey, { baseUrl });

  return {
    async send(message: EmailMessage): Promise<DeliveryResult> {
      if (message.to.length === 0) {
        return { ok: false, retryable: false, error: "The email has no recipients." };
      }
      const signal = AbortSignal.timeout(timeoutMs);
      let answer: Awaited<ReturnType<typeof client.emails.send>>;
      try {
        answer = await client.emails.send(
          {
            from,
            to: message.to,
            subject: message.subject,
            html: message.html,
            text: message.text,
            ...(options.replyTo ? { replyTo: options.replyTo } : {}),
          },
          { idempotencyKey: message.idempotencyKey, signal },
        );
      } catch (error) {
        // The SDK catches fetch failures itself; this is for anything it lets through.
        return {
          ok: false,
          retryable: true,
          error: scrub(`Could not reach Resend: ${errorText(error)}`, apiKey),
        };
      }
      if (answer.error) {
        if (signal.aborted && answer.error.statusCode == null) {
          return {
            ok: false,
            retryable: true,
            error: `Resend did not answer within ${timeoutMs} ms.`,
          };
        }
        return classifyResendError(answer.error, answer.headers, apiKey);
      }
      const id = typeof answer.data?.id === "string" ? answer.data.id : null;
      return { ok: true, providerId: id, response: clip(JSON.stringify(answer.data ?? null)) };
    },
  };
}

/** Maps the SDK's error to a failure: retryable for 429, 5xx and no answer; not for other 4xx. */
export function classifyResendError(
  error: ResendErrorLike,
  headers: Record<string, string> | null | undefined,
  apiKey?: string,
): DeliveryFailure {
  const status =
    typeof error.statusCode === "number" && error.statusCode > 0 ? error.statusCode : undefined;
  const name = error.name?.trim() || "unknown_error";
  const detail = error.message?.trim() || "no message";

  let retryable: boolean;
  if (PERMANENT.has(name)) retryable = false;
  else if (status === undefined)
    retryable = true; // network failure, or an answer without status
  else retryable = status === 408 || status === 409 || status === 429 || status >= 500;

  let text: string;
  if (AUTH_ERRORS.has(name) || status === 401) {
    text = `Resend rejected the API key (${status ?? "no status"} ${name}: ${detail}). Check the Resend API key setting.`;
  } else if (status === undefined && name === "application_error") {
    text = `Could not reach Resend: ${detail}`;
  } else {
    text = `Resend answered ${status ?? "without a status"} ${name}: ${detail}`;
  }

  const failure: DeliveryFailure = { ok: false, retryable, error: scrub(text, apiKey) };
  if (status !== undefined) failure.status = status;
  const retryAfter = retryAfterSeconds(headers?.["retry-after"]);
  if (retryable && retryAfter !== undefined) failure.retryAfterSeconds = retryAfter;
  return failure;
}

function retryAfterSeconds(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value.trim());
  return Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds) : undefined;
}

/** Removes the key (and anything shaped like a Resend key) from text bound for storage. */
function scrub(text: string, apiKey?: string): string {
  let out = text;
  if (apiKey && apiKey.length >= 4) out = out.split(apiKey).join("***");
  return clip(maskUrls(out).replace(/\bre_[A-Za-z0-9_]{6,}/g, "re_***"));
}

function clip(text: string): string {
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
