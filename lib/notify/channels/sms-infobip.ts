// SMS through Infobip's "Send SMS message" endpoint, POST {baseUrl}/sms/3/messages (SMS API v3).
//
// Why v3 and not /sms/2/text/advanced: Infobip's current quickstart and API reference send with
// /sms/3/messages, and its official SDKs generate their send method from it; /sms/2/text/advanced
// still works but is the previous version. The v3 request is
//   { messages: [{ sender, destinations: [{ to }], content: { text } }] }
// with `to` in international format without "+" (41793026727), and the answer is
//   { bulkId, messages: [{ messageId, destination, status: { groupId, groupName, id, name,
//     description, action? }, details: { messageCount } }] }.
// An HTTP 200 does not mean the SMS was taken: each message carries a status whose group says
// PENDING / ACCEPTED / DELIVERED (sent) or REJECTED / UNDELIVERABLE (e.g. an invalid number).
// Errors come as { requestError: { serviceException: { messageId, text, validationErrors? } } }
// (newer gateways answer { errorCode, description, action, violations }; both are read).
//
// Infobip declares no idempotency header on this endpoint: a retried send can deliver twice, which
// the outbox prevents on our side by sending each row once it has succeeded.
import "server-only";
import type { DeliveryResult, SmsMessage, SmsSender } from "@/lib/notify/types";
import {
  clip,
  DEFAULT_SMS_TIMEOUT_MS,
  type FetchLike,
  failure,
  isRecord,
  normalizeBaseUrl,
  parseJson,
  postOnce,
  retryableStatus,
  str,
  unanswered,
} from "./sms-http";

export const INFOBIP_SEND_PATH = "/sms/3/messages";

export type InfobipSenderOptions = {
  /** The account's own base URL, e.g. https://xxxxx.api.infobip.com (scheme optional). */
  baseUrl: string;
  apiKey: string;
  /** Sender ID: an alphanumeric name (3–11 characters) or a number registered with Infobip. */
  sender: string;
  /** A send that takes longer is abandoned and reported as retryable (default 15 s). */
  timeoutMs?: number;
  /** Default: global fetch. */
  fetch?: FetchLike;
};

/** Status groups of a message Infobip took (or already delivered). */
const SENT_GROUPS = new Set(["PENDING", "ACCEPTED", "DELIVERED"]);

export function createInfobipSender(options: InfobipSenderOptions): SmsSender {
  const apiKey = options.apiKey.trim();
  const sender = options.sender.trim();
  if (!apiKey) throw new Error("Infobip sender: the API key is empty (it authenticates sends).");
  if (!sender) throw new Error("Infobip sender: the sender ID is empty (it is the SMS sender).");
  if (!options.baseUrl.trim()) {
    throw new Error("Infobip sender: the base URL is empty (every account has its own).");
  }
  const url = `${normalizeBaseUrl(options.baseUrl, "Infobip base URL")}${INFOBIP_SEND_PATH}`;
  const timeoutMs = options.timeoutMs ?? DEFAULT_SMS_TIMEOUT_MS;
  const fetchImpl: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));
  const secrets = [apiKey];

  return {
    async send(message: SmsMessage): Promise<DeliveryResult> {
      const to = message.to.replace(/[\s().-]/g, "").replace(/^\+/, "");
      if (!to) return { ok: false, retryable: false, error: "The SMS has no phone number." };
      if (!message.text.trim()) return { ok: false, retryable: false, error: "The SMS is empty." };

      const outcome = await postOnce(
        fetchImpl,
        url,
        {
          headers: {
            Authorization: `App ${apiKey}`,
            "Content-Type": "application/json",
            Accept: "application/json",
          },
          body: JSON.stringify({
            messages: [{ sender, destinations: [{ to }], content: { text: message.text } }],
          }),
        },
        timeoutMs,
      );
      if (!outcome.answered) return unanswered("Infobip", outcome, timeoutMs, secrets);
      const { status, headers, text } = outcome.answer;
      return classifyInfobipAnswer(status, text, headers, secrets);
    },
  };
}

/** Maps Infobip's answer to a DeliveryResult (exported for unit tests of odd answers). */
export function classifyInfobipAnswer(
  status: number,
  text: string,
  headers: Headers = new Headers(),
  secrets: readonly string[] = [],
  nowMs: number = Date.now(),
): DeliveryResult {
  const body = parseJson(text);

  if (status >= 200 && status < 300) {
    const first =
      isRecord(body) && Array.isArray(body.messages) && isRecord(body.messages[0])
        ? body.messages[0]
        : null;
    const messageStatus = first && isRecord(first.status) ? first.status : null;
    const group = str(messageStatus?.groupName)?.toUpperCase();
    const name = str(messageStatus?.name) ?? "no status";
    const description = str(messageStatus?.description);
    const action = str(messageStatus?.action);
    const messageId = str(first?.messageId) ?? null;
    const said = `${name}${description ? ` (${description})` : ""}`;

    if (!group || SENT_GROUPS.has(group)) {
      return {
        ok: true,
        providerId: messageId,
        response: clip(`${status} ${group ?? "no status group"} ${said}`),
      };
    }
    const advice = action ? ` ${action.replace(/\.+$/, "")}.` : "";
    const sentence = `Infobip did not take the SMS: ${group} ${said}.${advice}`;
    // EXPIRED (the validity period ran out before delivery) may go through on a new attempt;
    // REJECTED and UNDELIVERABLE (bad number, no credit, blocked sender) will not.
    const retryable = group === "EXPIRED";
    return failure(sentence, { retryable, status }, secrets);
  }

  const { code, detail } = infobipError(body);
  const said = `${status}${code ? ` ${code}` : ""}${detail ? `: ${detail}` : ""}`;
  if (status === 401 || status === 403) {
    return failure(
      `Infobip refused the API key (${said}). Check the Infobip API key setting.`,
      { retryable: false, status },
      secrets,
    );
  }
  if (status === 404) {
    return failure(
      `Infobip answered ${said}. Check the Infobip base URL setting.`,
      { retryable: false, status },
      secrets,
    );
  }
  if (status >= 300 && status < 400) {
    return failure(
      `Infobip answered ${status} with a redirect (to ${headers.get("location") ?? "nowhere"}). Check the Infobip base URL setting.`,
      { retryable: false, status },
      secrets,
    );
  }
  return failure(
    `Infobip answered ${said}.`,
    { retryable: retryableStatus(status), status, headers, nowMs },
    secrets,
  );
}

/** The code and text of either error shape Infobip uses. */
function infobipError(body: unknown): { code?: string; detail?: string } {
  if (!isRecord(body)) return {};
  const exception =
    isRecord(body.requestError) && isRecord(body.requestError.serviceException)
      ? body.requestError.serviceException
      : null;
  if (exception) {
    const fields = isRecord(exception.validationErrors)
      ? Object.entries(exception.validationErrors)
          .map(
            ([field, problems]) =>
              `${field}: ${Array.isArray(problems) ? problems.map(String).join(", ") : String(problems)}`,
          )
          .join("; ")
      : "";
    const text = str(exception.text);
    return {
      code: str(exception.messageId),
      detail: [text, fields ? `(${fields})` : ""].filter(Boolean).join(" ") || undefined,
    };
  }
  const violations = Array.isArray(body.violations)
    ? body.violations
        .filter(isRecord)
        .map((v) => `${str(v.property) ?? "request"}: ${str(v.violation) ?? "invalid"}`)
        .join("; ")
    : "";
  const description = str(body.description);
  return {
    code: str(body.errorCode),
    detail:
      [description, violations ? `(${violations})` : ""].filter(Boolean).join(" ") || undefined,
  };
}
