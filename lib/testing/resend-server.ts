// A local stand-in for Resend's `POST /emails`, for tests: it checks the request the way Resend does
// (bearer key, required fields, Idempotency-Key) and answers the way Resend does, errors included
// (`{ statusCode, message, name }`, https://resend.com/docs/api-reference/errors). It records every
// accepted email and can be told to fail the next requests with 429 or 5xx, or to never answer
// them (with or without taking the email: a timeout the sender cannot tell apart).
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  BodyTooLargeError,
  bearerToken,
  readBody,
  safeEqual,
  sendJson,
} from "@/lib/heroku/simulator/http";

export type ReceivedEmail = {
  /** The id answered to the client. */
  id: string;
  at: Date;
  /** Request headers, names in lower case. */
  headers: Record<string, string>;
  idempotencyKey: string | null;
  /** The JSON body exactly as the client sent it (snake_case fields, as the API defines them). */
  body: Record<string, unknown>;
};

export type ReceivedRequest = {
  method: string;
  path: string;
  status: number;
  idempotencyKey: string | null;
  /** True when an Idempotency-Key matched an earlier email and its answer was replayed. */
  replayed: boolean;
};

export type FailureStatus = 429 | 500 | 502 | 503;

/**
 * How a request fails: an HTTP error, or no answer at all. "hang" takes nothing; "hang-after-accept"
 * takes the email (and its idempotency key) and then never answers, as when an answer is lost.
 */
export type Failure = FailureStatus | "hang" | "hang-after-accept";

export type ResendServer = {
  /** Base URL for `new Resend(key, { baseUrl })`, e.g. http://127.0.0.1:41234 */
  url: string;
  /** Accepted emails, once each (an idempotent replay is not recorded again). */
  received: ReceivedEmail[];
  /** Every request, failed ones included, in arrival order (status 0: never answered). */
  requests: ReceivedRequest[];
  /**
   * The next `n` requests to POST /emails fail (after the key check); a 429 carries
   * `Retry-After: retryAfter` (default "1").
   */
  failNext(n: number, failure?: Failure, options?: { retryAfter?: string }): void;
  close(): Promise<void>;
};

type ResendErrorName =
  | "missing_api_key"
  | "invalid_api_key"
  | "validation_error"
  | "missing_required_field"
  | "invalid_idempotency_key"
  | "invalid_idempotent_request"
  | "not_found"
  | "method_not_allowed"
  | "rate_limit_exceeded"
  | "internal_server_error"
  | "application_error";

class ResendHttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly errorName: ResendErrorName,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const FAILURES: Record<FailureStatus, [ResendErrorName, string]> = {
  429: [
    "rate_limit_exceeded",
    "Too many requests. You can only make 2 requests per second. See rate limit response headers for more information. Or contact support to increase rate limit.",
  ],
  500: ["internal_server_error", "An unexpected error occurred."],
  502: ["application_error", "Bad gateway."],
  503: ["application_error", "Service unavailable."],
};

const ADDRESS_FORMAT =
  "The email address needs to follow the `email@example.com` or `Name <email@example.com>` format.";
const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;
const NAMED_EMAIL = /^[^<>]*<\s*([^\s@<>]+@[^\s@<>]+\.[^\s@<>]+)\s*>$/;

function isAddress(value: unknown): boolean {
  if (typeof value !== "string") return false;
  const trimmed = value.trim();
  return EMAIL.test(trimmed) || NAMED_EMAIL.test(trimmed);
}

/** Resend's checks on a send, in its order: required fields, then their formats. */
function validateEmail(body: Record<string, unknown>): void {
  for (const field of ["from", "to", "subject"] as const) {
    const value = body[field];
    if (value === undefined || value === null || value === "") {
      throw new ResendHttpError(422, "missing_required_field", `Missing \`${field}\` field.`);
    }
  }
  if (!isAddress(body.from)) {
    throw new ResendHttpError(422, "validation_error", `Invalid \`from\` field. ${ADDRESS_FORMAT}`);
  }
  const to = Array.isArray(body.to) ? body.to : [body.to];
  if (to.length === 0) {
    throw new ResendHttpError(422, "missing_required_field", "Missing `to` field.");
  }
  if (to.length > 50) {
    throw new ResendHttpError(
      422,
      "validation_error",
      "Too many recipients: `to` takes at most 50.",
    );
  }
  if (!to.every(isAddress)) {
    throw new ResendHttpError(422, "validation_error", `Invalid \`to\` field. ${ADDRESS_FORMAT}`);
  }
  if (typeof body.subject !== "string") {
    throw new ResendHttpError(422, "validation_error", "The `subject` field must be a string.");
  }
  const hasHtml = typeof body.html === "string" && body.html.length > 0;
  const hasText = typeof body.text === "string" && body.text.length > 0;
  if (!hasHtml && !hasText) {
    throw new ResendHttpError(422, "validation_error", "Missing `html` or `text` field.");
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

export async function startResendServer(options: { apiKey: string }): Promise<ResendServer> {
  const received: ReceivedEmail[] = [];
  const requests: ReceivedRequest[] = [];
  const failures: { failure: Failure; retryAfter: string }[] = [];
  const byKey = new Map<string, { body: string; id: string }>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://localhost").pathname.replace(/\/+$/, "");
    const idempotencyKey = req.headers["idempotency-key"];
    const key = typeof idempotencyKey === "string" ? idempotencyKey : null;
    const entry: ReceivedRequest = {
      method: req.method ?? "",
      path,
      status: 0,
      idempotencyKey: key,
      replayed: false,
    };
    requests.push(entry);
    let silent = false;
    const answer = (status: number, body: unknown, headers?: Record<string, string>) => {
      if (silent) return;
      entry.status = status;
      sendJson(res, status, body, headers);
    };

    try {
      if (path !== "/emails") {
        throw new ResendHttpError(404, "not_found", "The requested endpoint does not exist.");
      }
      if (req.method !== "POST") {
        throw new ResendHttpError(
          405,
          "method_not_allowed",
          "Method is not allowed for the requested path.",
        );
      }
      const token = bearerToken(req.headers.authorization);
      if (!token) {
        throw new ResendHttpError(
          401,
          "missing_api_key",
          "Missing API key in the authorization header. Include the following header in the request: Authorization: Bearer YOUR_API_KEY",
        );
      }
      if (!safeEqual(token, options.apiKey)) {
        throw new ResendHttpError(403, "invalid_api_key", "API key is invalid");
      }
      const next = failures.shift();
      if (next?.failure === "hang") return;
      if (next?.failure === "hang-after-accept") silent = true;
      else if (next) {
        const { failure, retryAfter } = next;
        const [name, message] = FAILURES[failure];
        throw new ResendHttpError(
          failure,
          name,
          message,
          failure === 429
            ? {
                "retry-after": retryAfter,
                "ratelimit-limit": "2",
                "ratelimit-remaining": "0",
                "ratelimit-reset": retryAfter,
              }
            : {},
        );
      }
      if (key !== null && (key.length < 1 || key.length > 256)) {
        throw new ResendHttpError(
          400,
          "invalid_idempotency_key",
          "The key must be between 1-256 chars.",
        );
      }

      const raw = await readBody(req, 10 << 20);
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        throw new ResendHttpError(400, "validation_error", "The request body is not valid JSON.");
      }
      if (!body || typeof body !== "object" || Array.isArray(body)) {
        throw new ResendHttpError(
          422,
          "validation_error",
          "The request body must be a JSON object.",
        );
      }
      const email = body as Record<string, unknown>;
      const canonical = JSON.stringify(email);

      if (key !== null) {
        const earlier = byKey.get(key);
        if (earlier && earlier.body !== canonical) {
          throw new ResendHttpError(
            409,
            "invalid_idempotent_request",
            "Same idempotency key used with a different request payload.",
          );
        }
        if (earlier) {
          entry.replayed = true;
          answer(200, { id: earlier.id });
          return;
        }
      }

      validateEmail(email);
      const id = randomUUID();
      if (key !== null) byKey.set(key, { body: canonical, id });
      received.push({
        id,
        at: new Date(),
        headers: headerMap(req),
        idempotencyKey: key,
        body: email,
      });
      answer(200, { id });
    } catch (error) {
      if (error instanceof ResendHttpError) {
        answer(
          error.statusCode,
          { statusCode: error.statusCode, message: error.message, name: error.errorName },
          error.headers,
        );
      } else if (error instanceof BodyTooLargeError) {
        answer(413, {
          statusCode: 413,
          message: "Request body too large.",
          name: "validation_error",
        });
      } else {
        answer(500, {
          statusCode: 500,
          message: "An unexpected error occurred.",
          name: "internal_server_error",
        });
      }
    }
  }

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
    received,
    requests,
    failNext(n, failure = 500, failOptions = {}) {
      const retryAfter = failOptions.retryAfter ?? "1";
      for (let i = 0; i < n; i++) failures.push({ failure, retryAfter });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
