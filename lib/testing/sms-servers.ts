// Local stand-ins for the two SMS APIs, for tests. Each checks a request the way its provider does
// and answers the way its provider does, errors included, records what it accepted, and can be
// told to fail the next requests with 429 or 5xx, or to never answer them.
//
// Infobip (POST /sms/3/messages, "Authorization: App <key>", JSON): a missing or wrong key is 401
// { requestError: { serviceException: { messageId: "UNAUTHORIZED", text: "Invalid login details" } } };
// a malformed body is 400 BAD_REQUEST with validationErrors; a destination that is not an
// international number (digits only, no "+") is still HTTP 200, with that message's status in the
// REJECTED group (REJECTED_DESTINATION), as Infobip answers.
//
// Twilio (POST /2010-04-01/Accounts/{Sid}/Messages.json, Basic Sid:Token, form-encoded): wrong
// credentials are 401 { code: 20003, message: "Authenticate", more_info, status }; a To that is not
// E.164 is 400 with code 21211; a missing To/From/Body is 400 with 21604/21603/21602; an accepted
// message is 201 with the Message resource (sid "SM…", status "queued").
import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { BodyTooLargeError, readBody, safeEqual, sendJson } from "@/lib/heroku/simulator/http";

export type SmsFailureStatus = 429 | 500 | 502 | 503;
/** An HTTP error, or "hang": the request is held open and never answered (nothing is sent). */
export type SmsFailure = SmsFailureStatus | "hang";

export type ReceivedSms = {
  /** The id answered to the client (Infobip messageId, Twilio sid). */
  id: string;
  at: Date;
  /** Request headers, names in lower case. */
  headers: Record<string, string>;
  /** The destination exactly as sent. */
  to: string;
  from: string;
  text: string;
  /** The parsed body: Infobip's JSON, or Twilio's form fields. */
  body: Record<string, unknown>;
};

export type SmsRequestRecord = { method: string; path: string; status: number };

export type SmsServer = {
  /** Base URL to pass to the sender, e.g. http://127.0.0.1:41234 */
  url: string;
  /** Messages the provider took (a rejected destination is not recorded here). */
  received: ReceivedSms[];
  /** Every request, failed ones included, in arrival order (status 0: never answered). */
  requests: SmsRequestRecord[];
  /** The next `n` send requests fail (after the credential check). */
  failNext(n: number, failure?: SmsFailure, options?: { retryAfter?: string }): void;
  close(): Promise<void>;
};

type Failure = { status: SmsFailure; retryAfter?: string };

class HttpAnswer extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

function headerMap(req: IncomingMessage): Record<string, string> {
  return Object.fromEntries(
    Object.entries(req.headers).map(([name, value]) => [
      name.toLowerCase(),
      Array.isArray(value) ? value.join(", ") : (value ?? ""),
    ]),
  );
}

function mediaType(req: IncomingMessage): string {
  return (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}

async function listen(
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    void handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// Infobip

const INFOBIP_PATH = "/sms/3/messages";
/** International format as Infobip takes it: country code and number, digits only. */
const INFOBIP_DESTINATION = /^[1-9]\d{7,14}$/;

const infobipError = (messageId: string, text: string, extra: Record<string, unknown> = {}) => ({
  requestError: { serviceException: { messageId, text, ...extra } },
});

const INFOBIP_FAILURES: Record<SmsFailureStatus, [string, string]> = {
  429: ["TOO_MANY_REQUESTS", "Too many requests"],
  500: ["GENERAL_ERROR", "Something went wrong. Please contact support."],
  502: ["GENERAL_ERROR", "Bad gateway."],
  503: ["GENERAL_ERROR", "Service unavailable."],
};

function appKey(header: string | undefined): string | undefined {
  return /^App\s+(\S+)\s*$/.exec(header ?? "")?.[1];
}

export async function startInfobipServer(options: { apiKey: string }): Promise<SmsServer> {
  const received: ReceivedSms[] = [];
  const requests: SmsRequestRecord[] = [];
  const failures: Failure[] = [];

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    const entry: SmsRequestRecord = { method: req.method ?? "", path, status: 0 };
    requests.push(entry);
    const answer = (status: number, body: unknown, headers?: Record<string, string>) => {
      entry.status = status;
      sendJson(res, status, body, headers);
    };
    try {
      if (path !== INFOBIP_PATH) {
        throw new HttpAnswer(404, infobipError("NOT_FOUND", "Requested URL not found."));
      }
      if (req.method !== "POST") {
        throw new HttpAnswer(405, infobipError("METHOD_NOT_ALLOWED", "Method not allowed."));
      }
      const key = appKey(req.headers.authorization);
      if (!key || !safeEqual(key, options.apiKey)) {
        throw new HttpAnswer(401, infobipError("UNAUTHORIZED", "Invalid login details"));
      }
      const failure = failures.shift();
      if (failure?.status === "hang") return;
      if (failure) {
        const [messageId, text] = INFOBIP_FAILURES[failure.status];
        throw new HttpAnswer(
          failure.status,
          infobipError(messageId, text),
          failure.retryAfter ? { "retry-after": failure.retryAfter } : {},
        );
      }
      if (mediaType(req) !== "application/json") {
        throw new HttpAnswer(
          415,
          infobipError("BAD_REQUEST", "Unsupported Content-Type: use application/json."),
        );
      }
      let body: unknown;
      try {
        body = JSON.parse(await readBody(req, 1 << 20));
      } catch (error) {
        if (error instanceof BodyTooLargeError) throw error;
        throw new HttpAnswer(400, infobipError("BAD_REQUEST", "Bad request"));
      }
      const messages = validateInfobip(body);

      const bulkId = randomUUID();
      const results = messages.flatMap((message) =>
        message.destinations.map((to) => {
          const messageId = randomUUID();
          if (!INFOBIP_DESTINATION.test(to)) {
            return {
              messageId,
              destination: to,
              status: {
                groupId: 5,
                groupName: "REJECTED",
                id: 52,
                name: "REJECTED_DESTINATION",
                description: "Invalid destination address.",
                action: "Check to parameter.",
              },
              details: { messageCount: 1 },
            };
          }
          received.push({
            id: messageId,
            at: new Date(),
            headers: headerMap(req),
            to,
            from: message.sender,
            text: message.text,
            body: body as Record<string, unknown>,
          });
          return {
            messageId,
            destination: to,
            status: {
              groupId: 1,
              groupName: "PENDING",
              id: 26,
              name: "PENDING_ACCEPTED",
              description: "Message sent to next instance",
            },
            details: { messageCount: Math.max(1, Math.ceil(message.text.length / 153)) },
          };
        }),
      );
      answer(200, { bulkId, messages: results });
    } catch (error) {
      if (error instanceof HttpAnswer) answer(error.status, error.body, error.headers);
      else if (error instanceof BodyTooLargeError) {
        answer(413, infobipError("BAD_REQUEST", "Request entity too large."));
      } else answer(500, infobipError("GENERAL_ERROR", "Something went wrong."));
    }
  }

  const { url, close } = await listen(handle);
  return {
    url,
    received,
    requests,
    failNext(n, status = 500, failOptions = {}) {
      for (let i = 0; i < n; i++) failures.push({ status, retryAfter: failOptions.retryAfter });
    },
    close,
  };
}

/** Infobip's field checks, answered as 400 BAD_REQUEST with validationErrors. */
function validateInfobip(
  body: unknown,
): { sender: string; destinations: string[]; text: string }[] {
  const errors: Record<string, string[]> = {};
  const add = (field: string, problem: string) => {
    errors[field] = [...(errors[field] ?? []), problem];
  };
  const messages =
    typeof body === "object" &&
    body !== null &&
    Array.isArray((body as { messages?: unknown }).messages)
      ? ((body as { messages: unknown[] }).messages as unknown[])
      : null;
  if (!messages || messages.length === 0) add("messages", "must not be empty");
  const out = (messages ?? []).map((raw, i) => {
    const message = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
    const sender = typeof message.sender === "string" ? message.sender : "";
    if (!sender.trim()) add(`messages[${i}].sender`, "must not be blank");
    const destinations = Array.isArray(message.destinations) ? message.destinations : [];
    if (destinations.length === 0) add(`messages[${i}].destinations`, "must not be empty");
    const tos = destinations.map((d, j) => {
      const to = typeof d === "object" && d !== null ? (d as { to?: unknown }).to : undefined;
      if (typeof to !== "string" || !to.trim()) {
        add(`messages[${i}].destinations[${j}].to`, "must not be blank");
        return "";
      }
      return to;
    });
    const content = (
      typeof message.content === "object" && message.content !== null ? message.content : {}
    ) as Record<string, unknown>;
    const text = typeof content.text === "string" ? content.text : "";
    if (!text.trim()) add(`messages[${i}].content.text`, "must not be blank");
    return { sender, destinations: tos, text };
  });
  if (Object.keys(errors).length > 0) {
    throw new HttpAnswer(
      400,
      infobipError("BAD_REQUEST", "Bad request", { validationErrors: errors }),
    );
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Twilio

const TWILIO_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/;
const E164 = /^\+[1-9]\d{7,14}$/;
const TWILIO_BODY_LIMIT = 1600;

const twilioError = (status: number, code: number, message: string) => ({
  code,
  message,
  more_info: `https://www.twilio.com/docs/errors/${code}`,
  status,
});

const TWILIO_FAILURES: Record<SmsFailureStatus, [number, string]> = {
  429: [20429, "Too Many Requests"],
  500: [20500, "Internal Server Error"],
  502: [20500, "Bad Gateway"],
  503: [20503, "Service Unavailable"],
};

function basicCredentials(header: string | undefined): { user: string; password: string } | null {
  const match = /^Basic\s+(\S+)\s*$/i.exec(header ?? "");
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon === -1
    ? null
    : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function rfc2822(date: Date): string {
  return date.toUTCString().replace("GMT", "+0000");
}

export async function startTwilioServer(options: {
  accountSid: string;
  authToken: string;
  /** Senders the account owns; when given, any other From is refused with 21606. */
  numbers?: string[];
}): Promise<SmsServer> {
  const received: ReceivedSms[] = [];
  const requests: SmsRequestRecord[] = [];
  const failures: Failure[] = [];

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    const entry: SmsRequestRecord = { method: req.method ?? "", path, status: 0 };
    requests.push(entry);
    const answer = (status: number, body: unknown, headers?: Record<string, string>) => {
      entry.status = status;
      sendJson(res, status, body, headers);
    };
    try {
      const match = TWILIO_PATH.exec(path);
      if (!match) {
        throw new HttpAnswer(
          404,
          twilioError(404, 20404, `The requested resource ${path} was not found`),
        );
      }
      const credentials = basicCredentials(req.headers.authorization);
      if (
        !credentials ||
        !safeEqual(credentials.user, options.accountSid) ||
        !safeEqual(credentials.password, options.authToken)
      ) {
        throw new HttpAnswer(401, twilioError(401, 20003, "Authenticate"), {
          "www-authenticate": 'Basic realm="Twilio API"',
        });
      }
      if (decodeURIComponent(match[1] ?? "") !== options.accountSid) {
        throw new HttpAnswer(
          404,
          twilioError(404, 20404, `The requested resource ${path} was not found`),
        );
      }
      if (req.method !== "POST") {
        throw new HttpAnswer(405, twilioError(405, 20004, "Method not allowed"));
      }
      const failure = failures.shift();
      if (failure?.status === "hang") return;
      if (failure) {
        const [code, message] = TWILIO_FAILURES[failure.status];
        throw new HttpAnswer(
          failure.status,
          twilioError(failure.status, code, message),
          failure.retryAfter ? { "retry-after": failure.retryAfter } : {},
        );
      }
      if (mediaType(req) !== "application/x-www-form-urlencoded") {
        throw new HttpAnswer(
          400,
          twilioError(400, 21604, "A 'To' phone number is required."), // Twilio reads no JSON body
        );
      }
      const form = new URLSearchParams(await readBody(req, 1 << 20));
      const to = form.get("To") ?? "";
      const from = form.get("From") ?? "";
      const service = form.get("MessagingServiceSid") ?? "";
      const text = form.get("Body") ?? "";
      if (!to)
        throw new HttpAnswer(400, twilioError(400, 21604, "A 'To' phone number is required."));
      if (!from && !service) {
        throw new HttpAnswer(400, twilioError(400, 21603, "A 'From' phone number is required."));
      }
      if (!text) throw new HttpAnswer(400, twilioError(400, 21602, "Message body is required."));
      if (!E164.test(to)) {
        throw new HttpAnswer(
          400,
          twilioError(400, 21211, `The 'To' number ${to} is not a valid phone number.`),
        );
      }
      if (from && options.numbers && !options.numbers.includes(from)) {
        throw new HttpAnswer(
          400,
          twilioError(
            400,
            21606,
            `The From phone number ${from} is not a valid, SMS-capable inbound phone number or short code for your account.`,
          ),
        );
      }
      if ([...text].length > TWILIO_BODY_LIMIT) {
        throw new HttpAnswer(
          400,
          twilioError(
            400,
            21617,
            "The concatenated message body exceeds the 1600 character limit.",
          ),
        );
      }

      const sid = `SM${randomBytes(16).toString("hex")}`;
      const now = rfc2822(new Date());
      const fields = Object.fromEntries(form.entries());
      received.push({
        id: sid,
        at: new Date(),
        headers: headerMap(req),
        to,
        from: from || service,
        text,
        body: fields,
      });
      const uri = `/2010-04-01/Accounts/${options.accountSid}/Messages/${sid}.json`;
      answer(201, {
        account_sid: options.accountSid,
        api_version: "2010-04-01",
        body: text,
        date_created: now,
        date_sent: null,
        date_updated: now,
        direction: "outbound-api",
        error_code: null,
        error_message: null,
        from: from || null,
        messaging_service_sid: service || null,
        num_media: "0",
        num_segments: String(Math.max(1, Math.ceil(text.length / 153))),
        price: null,
        price_unit: "USD",
        sid,
        status: service ? "accepted" : "queued",
        subresource_uris: { media: uri.replace(".json", "/Media.json") },
        to,
        uri,
      });
    } catch (error) {
      if (error instanceof HttpAnswer) answer(error.status, error.body, error.headers);
      else if (error instanceof BodyTooLargeError) {
        answer(413, twilioError(413, 20001, "Request entity too large"));
      } else answer(500, twilioError(500, 20500, "Internal Server Error"));
    }
  }

  const { url, close } = await listen(handle);
  return {
    url,
    received,
    requests,
    failNext(n, status = 500, failOptions = {}) {
      for (let i = 0; i < n; i++) failures.push({ status, retryAfter: failOptions.retryAfter });
    },
    close,
  };
}
