// How each provider's answer becomes a DeliveryResult, for answers the local servers do not make.
import { describe, expect, it } from "vitest";
import type { DeliveryResult } from "@/lib/notify/types";
import { createSmsSender } from "./sms";
import { retryAfterSeconds } from "./sms-http";
import { classifyInfobipAnswer } from "./sms-infobip";
import { classifyTwilioAnswer } from "./sms-twilio";

const infobipSent = (groupName: string, name: string, description: string) =>
  JSON.stringify({
    bulkId: "b",
    messages: [
      {
        messageId: "m-1",
        destination: "41793026727",
        status: { groupId: 1, groupName, id: 7, name, description },
        details: { messageCount: 1 },
      },
    ],
  });

const serviceException = (messageId: string, text: string, extra = {}) =>
  JSON.stringify({ requestError: { serviceException: { messageId, text, ...extra } } });

describe("classifyInfobipAnswer", () => {
  it.each<[string, number, string, Partial<DeliveryResult>]>([
    [
      "pending",
      200,
      infobipSent("PENDING", "PENDING_ACCEPTED", "Accepted"),
      { ok: true, providerId: "m-1" },
    ],
    [
      "accepted (v1 group)",
      200,
      infobipSent("ACCEPTED", "MESSAGE_ACCEPTED", "Message accepted"),
      { ok: true },
    ],
    ["delivered", 200, infobipSent("DELIVERED", "DELIVERED_TO_HANDSET", "Delivered"), { ok: true }],
    [
      "rejected destination",
      200,
      infobipSent("REJECTED", "REJECTED_DESTINATION", "Invalid destination address."),
      { ok: false, retryable: false, status: 200 },
    ],
    [
      "no credit",
      200,
      infobipSent("REJECTED", "REJECTED_NOT_ENOUGH_CREDITS", "Not enough credits"),
      { ok: false, retryable: false },
    ],
    [
      "undeliverable",
      200,
      infobipSent("UNDELIVERABLE", "UNDELIVERABLE_NOT_DELIVERED", "Not delivered"),
      { ok: false, retryable: false },
    ],
    [
      "expired",
      200,
      infobipSent("EXPIRED", "EXPIRED_EXPIRED", "Expired"),
      { ok: false, retryable: true },
    ],
    ["an unknown group", 200, infobipSent("MYSTERY", "X", "x"), { ok: false, retryable: false }],
    ["a 2xx without a body", 200, "", { ok: true, providerId: null }],
    [
      "validation",
      400,
      serviceException("BAD_REQUEST", "Bad request", {
        validationErrors: { "messages[0].content.text": ["must not be blank"] },
      }),
      { ok: false, retryable: false, status: 400 },
    ],
    [
      "bad key",
      401,
      serviceException("UNAUTHORIZED", "Invalid login details"),
      { ok: false, retryable: false, status: 401 },
    ],
    [
      "forbidden",
      403,
      serviceException("FORBIDDEN", "Forbidden"),
      { ok: false, retryable: false, status: 403 },
    ],
    ["wrong base URL", 404, "<html>not found</html>", { ok: false, retryable: false, status: 404 }],
    ["redirect", 301, "", { ok: false, retryable: false, status: 301 }],
    [
      "rate limit",
      429,
      serviceException("TOO_MANY_REQUESTS", "Too many requests"),
      { ok: false, retryable: true, status: 429 },
    ],
    [
      "server error",
      500,
      serviceException("GENERAL_ERROR", "Something went wrong"),
      { ok: false, retryable: true, status: 500 },
    ],
    ["gateway timeout, HTML", 504, "<html>504</html>", { ok: false, retryable: true, status: 504 }],
  ])("%s", (_name, status, body, expected) => {
    const result = classifyInfobipAnswer(status, body);
    expect(result).toMatchObject(expected);
    if (!result.ok) expect(result.error.length).toBeGreaterThan(0);
  });

  it("reads the status description, the validation errors and the newer error shape", () => {
    const rejected = classifyInfobipAnswer(
      200,
      infobipSent("REJECTED", "REJECTED_DESTINATION", "Invalid destination address."),
    );
    expect(!rejected.ok && rejected.error).toBe(
      "Infobip did not take the SMS: REJECTED REJECTED_DESTINATION (Invalid destination address.).",
    );
    const invalid = classifyInfobipAnswer(
      400,
      serviceException("BAD_REQUEST", "Bad request", {
        validationErrors: { "messages[0].sender": ["must not be blank"] },
      }),
    );
    expect(!invalid.ok && invalid.error).toBe(
      "Infobip answered 400 BAD_REQUEST: Bad request (messages[0].sender: must not be blank).",
    );
    const newer = classifyInfobipAnswer(
      400,
      JSON.stringify({
        errorCode: "E400",
        description: "Request cannot be processed.",
        action: "Check the syntax.",
        violations: [{ property: "messages[0].destinations", violation: "must not be empty" }],
      }),
    );
    expect(!newer.ok && newer.error).toBe(
      "Infobip answered 400 E400: Request cannot be processed. (messages[0].destinations: must not be empty).",
    );
  });

  it("names the key problem without the key, and keeps Retry-After for retryable answers", () => {
    const key = "infobip-secret-key-123";
    const refused = classifyInfobipAnswer(
      401,
      serviceException("UNAUTHORIZED", `Invalid login details for ${key}`),
      new Headers(),
      [key],
    );
    expect(!refused.ok && refused.error).toBe(
      "Infobip refused the API key (401 UNAUTHORIZED: Invalid login details for ***). Check the Infobip API key setting.",
    );
    const limited = classifyInfobipAnswer(
      429,
      serviceException("TOO_MANY_REQUESTS", "Too many requests"),
      new Headers({ "retry-after": "3" }),
    );
    expect(limited).toMatchObject({ retryable: true, retryAfterSeconds: 3 });
    const invalid = classifyInfobipAnswer(400, "", new Headers({ "retry-after": "3" }));
    expect(invalid).not.toHaveProperty("retryAfterSeconds");
  });
});

const twilioError = (status: number, code: number, message: string) =>
  JSON.stringify({
    code,
    message,
    more_info: `https://www.twilio.com/docs/errors/${code}`,
    status,
  });

describe("classifyTwilioAnswer", () => {
  it.each<[string, number, string, Partial<DeliveryResult>]>([
    [
      "queued",
      201,
      JSON.stringify({ sid: "SM1", status: "queued", num_segments: "1" }),
      { ok: true, providerId: "SM1" },
    ],
    [
      "accepted (messaging service)",
      201,
      JSON.stringify({ sid: "SM2", status: "accepted" }),
      { ok: true, providerId: "SM2" },
    ],
    [
      "created but failed",
      201,
      JSON.stringify({
        sid: "SM3",
        status: "failed",
        error_code: 30007,
        error_message: "Carrier violation",
      }),
      { ok: false, retryable: false, status: 201 },
    ],
    [
      "invalid To",
      400,
      twilioError(400, 21211, "The 'To' number +12 is not a valid phone number."),
      { ok: false, retryable: false, status: 400 },
    ],
    [
      "unverified trial number",
      400,
      twilioError(400, 21608, "The number is unverified."),
      { ok: false, retryable: false },
    ],
    [
      "bad credentials",
      401,
      twilioError(401, 20003, "Authenticate"),
      { ok: false, retryable: false, status: 401 },
    ],
    [
      "test credentials",
      403,
      twilioError(403, 20008, "Resource not accessible with Test Account Credentials"),
      { ok: false, retryable: false, status: 403 },
    ],
    [
      "unknown account",
      404,
      twilioError(404, 20404, "The requested resource was not found"),
      { ok: false, retryable: false, status: 404 },
    ],
    [
      "rate limit",
      429,
      twilioError(429, 20429, "Too Many Requests"),
      { ok: false, retryable: true, status: 429 },
    ],
    [
      "server error",
      500,
      twilioError(500, 20500, "Internal Server Error"),
      { ok: false, retryable: true, status: 500 },
    ],
    [
      "unavailable, no JSON",
      503,
      "Service Unavailable",
      { ok: false, retryable: true, status: 503 },
    ],
  ])("%s", (_name, status, body, expected) => {
    expect(classifyTwilioAnswer(status, body)).toMatchObject(expected);
  });

  it("quotes Twilio's code and message", () => {
    const invalid = classifyTwilioAnswer(
      400,
      twilioError(400, 21211, "The 'To' number +12 is not a valid phone number."),
    );
    expect(!invalid.ok && invalid.error).toBe(
      "Twilio refused the SMS (400, error 21211: The 'To' number +12 is not a valid phone number.) See https://www.twilio.com/•••",
    );
    const auth = classifyTwilioAnswer(401, twilioError(401, 20003, "Authenticate"));
    expect(!auth.ok && auth.error).toBe(
      "Twilio refused the credentials (401, error 20003: Authenticate). Check the Twilio account SID and auth token settings.",
    );
  });
});

describe("retryAfterSeconds", () => {
  const NOW = Date.parse("2025-03-01T12:00:00Z");
  it.each<[string | null, number | undefined]>([
    ["7", 7],
    ["2.5", 3],
    ["0", 0],
    ["Sat, 01 Mar 2025 12:00:30 GMT", 30],
    ["Sat, 01 Mar 2025 11:00:00 GMT", 0],
    ["soon", undefined],
    ["", undefined],
    [null, undefined],
  ])("%j → %j", (value, expected) => {
    expect(retryAfterSeconds(value, NOW)).toBe(expected);
  });
});

describe("createSmsSender", () => {
  it("refuses empty settings instead of sending unauthenticated", () => {
    expect(() =>
      createSmsSender({
        provider: "infobip",
        baseUrl: "x.api.infobip.com",
        apiKey: " ",
        sender: "Dyno",
      }),
    ).toThrow(/API key is empty/);
    expect(() =>
      createSmsSender({ provider: "infobip", baseUrl: "", apiKey: "k", sender: "Dyno" }),
    ).toThrow(/base URL is empty/);
    expect(() =>
      createSmsSender({ provider: "infobip", baseUrl: "ftp://x", apiKey: "k", sender: "Dyno" }),
    ).toThrow(/only http\(s\)/);
    expect(() =>
      createSmsSender({
        provider: "twilio",
        accountSid: "AC1",
        authToken: "",
        from: "+15005550006",
      }),
    ).toThrow(/auth token is empty/);
    expect(() =>
      createSmsSender({ provider: "twilio", accountSid: "AC1", authToken: "t", from: " " }),
    ).toThrow(/from number is empty/);
  });

  it("refuses an unknown provider by name", () => {
    expect(() => createSmsSender({ provider: "vonage" } as never)).toThrow(
      'SMS sender: unknown provider "vonage" (expected "infobip" or "twilio").',
    );
  });
});
