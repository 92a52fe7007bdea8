// SMS through Twilio's Messages resource:
//   POST {baseUrl}/2010-04-01/Accounts/{AccountSid}/Messages.json
// with HTTP Basic auth (Account SID : Auth Token) and a form-encoded body To, From (or
// MessagingServiceSid for an "MG…" sender) and Body. Twilio answers 201 with the Message resource
// ({ sid: "SM…", status: "queued" | "accepted", error_code, error_message, … }); errors come as
// { code, message, more_info, status }, e.g. 400 with code 21211 for an invalid To number and 401
// with code 20003 ("Authenticate") for wrong credentials.
//
// Twilio does not honour an idempotency key on Messages: a POST repeated after a lost answer
// sends a second SMS. The outbox prevents double sends on our side (one row, one key, no resend
// once it succeeded); nothing here can make Twilio deduplicate.
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

export const TWILIO_DEFAULT_BASE_URL = "https://api.twilio.com";

export type TwilioSenderOptions = {
  /** Default https://api.twilio.com; tests pass the URL of lib/testing/sms-servers. */
  baseUrl?: string;
  /** "AC…": the account's SID, also the Basic auth user. */
  accountSid: string;
  authToken: string;
  /** A Twilio number in E.164 (+15017122661), an alphanumeric sender, or a Messaging Service "MG…". */
  from: string;
  /** A send that takes longer is abandoned and reported as retryable (default 15 s). */
  timeoutMs?: number;
  /** Default: global fetch. */
  fetch?: FetchLike;
};

/** Message statuses of an SMS Twilio will not send. */
const FAILED_STATUSES = new Set(["failed", "undelivered", "canceled"]);

export function createTwilioSender(options: TwilioSenderOptions): SmsSender {
  const accountSid = options.accountSid.trim();
  const authToken = options.authToken.trim();
  const from = options.from.trim();
  if (!accountSid)
    throw new Error("Twilio sender: the account SID is empty (it names the account).");
  if (!authToken)
    throw new Error("Twilio sender: the auth token is empty (it authenticates sends).");
  if (!from) throw new Error("Twilio sender: the from number is empty (it is the SMS sender).");
  const base = normalizeBaseUrl(
    options.baseUrl?.trim() || TWILIO_DEFAULT_BASE_URL,
    "Twilio base URL",
  );
  const url = `${base}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Messages.json`;
  const basic = Buffer.from(`${accountSid}:${authToken}`).toString("base64");
  const timeoutMs = options.timeoutMs ?? DEFAULT_SMS_TIMEOUT_MS;
  const fetchImpl: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));
  const secrets = [authToken, basic];
  const fromField = /^MG[0-9a-f]{32}$/i.test(from) ? "MessagingServiceSid" : "From";

  return {
    async send(message: SmsMessage): Promise<DeliveryResult> {
      const to = message.to.replace(/[\s().-]/g, "");
      if (!to) return { ok: false, retryable: false, error: "The SMS has no phone number." };
      if (!message.text.trim()) return { ok: false, retryable: false, error: "The SMS is empty." };

      const form = new URLSearchParams({ To: to, [fromField]: from, Body: message.text });
      const outcome = await postOnce(
        fetchImpl,
        url,
        {
          headers: {
            Authorization: `Basic ${basic}`,
            "Content-Type": "application/x-www-form-urlencoded",
            Accept: "application/json",
          },
          body: form.toString(),
        },
        timeoutMs,
      );
      if (!outcome.answered) return unanswered("Twilio", outcome, timeoutMs, secrets);
      const { status, headers, text } = outcome.answer;
      return classifyTwilioAnswer(status, text, headers, secrets);
    },
  };
}

/** Maps Twilio's answer to a DeliveryResult (exported for unit tests of odd answers). */
export function classifyTwilioAnswer(
  status: number,
  text: string,
  headers: Headers = new Headers(),
  secrets: readonly string[] = [],
  nowMs: number = Date.now(),
): DeliveryResult {
  const body = parseJson(text);
  const record = isRecord(body) ? body : {};

  if (status >= 200 && status < 300) {
    const sid = str(record.sid) ?? null;
    const messageStatus = str(record.status) ?? "unknown";
    if (FAILED_STATUSES.has(messageStatus)) {
      const code = str(record.error_code);
      const message = str(record.error_message);
      return failure(
        `Twilio did not send the SMS: ${messageStatus}${code ? `, error ${code}` : ""}${message ? `: ${message}` : ""}.`,
        { retryable: false, status },
        secrets,
      );
    }
    const segments = str(record.num_segments);
    return {
      ok: true,
      providerId: sid,
      response: clip(
        `${status} ${messageStatus}${sid ? ` ${sid}` : ""}${segments ? `, ${segments} segment(s)` : ""}`,
      ),
    };
  }

  const code = str(record.code);
  const message = str(record.message);
  const moreInfo = str(record.more_info);
  const said = `${status}${code ? `, error ${code}` : ""}${message ? `: ${message}` : ""}`;
  if (status === 401 || status === 403) {
    return failure(
      `Twilio refused the credentials (${said}). Check the Twilio account SID and auth token settings.`,
      { retryable: false, status },
      secrets,
    );
  }
  if (status === 404) {
    return failure(
      `Twilio answered ${said}. Check the Twilio account SID and base URL settings.`,
      { retryable: false, status },
      secrets,
    );
  }
  if (status >= 300 && status < 400) {
    return failure(
      `Twilio answered ${status} with a redirect. Check the Twilio base URL setting.`,
      { retryable: false, status },
      secrets,
    );
  }
  const retryable = retryableStatus(status);
  return failure(
    `Twilio ${retryable ? "answered" : "refused the SMS"} (${said})${moreInfo && !retryable ? ` See ${moreInfo}` : ""}`,
    { retryable, status, headers, nowMs },
    secrets,
  );
}
