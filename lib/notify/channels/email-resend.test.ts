import { describe, expect, it } from "vitest";
import { classifyResendError, type ResendErrorLike } from "./email-resend";

describe("classifyResendError", () => {
  it.each<[string, ResendErrorLike, boolean, number | undefined]>([
    [
      "rate limit",
      { statusCode: 429, name: "rate_limit_exceeded", message: "slow down" },
      true,
      429,
    ],
    ["daily quota", { statusCode: 429, name: "daily_quota_exceeded", message: "quota" }, true, 429],
    [
      "monthly quota",
      { statusCode: 429, name: "monthly_quota_exceeded", message: "q" },
      false,
      429,
    ],
    [
      "server error",
      { statusCode: 500, name: "internal_server_error", message: "oops" },
      true,
      500,
    ],
    ["bad gateway", { statusCode: 502, name: "application_error", message: "bad" }, true, 502],
    ["in-flight duplicate", { statusCode: 409, name: "concurrent_idempotent_requests" }, true, 409],
    ["other payload", { statusCode: 409, name: "invalid_idempotent_request" }, false, 409],
    ["missing field", { statusCode: 422, name: "missing_required_field" }, false, 422],
    ["validation", { statusCode: 400, name: "validation_error", message: "bad" }, false, 400],
    ["testing domain only", { statusCode: 403, name: "validation_error" }, false, 403],
    ["missing key", { statusCode: 401, name: "missing_api_key" }, false, 401],
    ["invalid key", { statusCode: 403, name: "invalid_api_key" }, false, 403],
    ["unknown 4xx", { statusCode: 418, name: "teapot" }, false, 418],
    [
      "network (SDK)",
      { statusCode: null, name: "application_error", message: "x" },
      true,
      undefined,
    ],
    ["no fields at all", {}, true, undefined],
    ["permanent name without status", { name: "invalid_from_address" }, false, undefined],
    ["zero status", { statusCode: 0, name: "application_error" }, true, undefined],
  ])("%s", (_name, error, retryable, status) => {
    const result = classifyResendError(error, null);
    expect(result.retryable).toBe(retryable);
    expect(result.status).toBe(status);
    expect(result.error.length).toBeGreaterThan(0);
  });

  it("keeps Retry-After only on retryable failures", () => {
    const limited = { statusCode: 429, name: "rate_limit_exceeded", message: "slow" };
    expect(classifyResendError(limited, { "retry-after": "2.5" }).retryAfterSeconds).toBe(3);
    expect(classifyResendError(limited, { "retry-after": "soon" }).retryAfterSeconds).toBe(
      undefined,
    );
    const invalid = { statusCode: 422, name: "validation_error", message: "bad" };
    expect(classifyResendError(invalid, { "retry-after": "2" })).not.toHaveProperty(
      "retryAfterSeconds",
    );
  });

  it("scrubs the API key and Resend-shaped keys from the message", () => {
    const key = "re_live_abcdef123456";
    const result = classifyResendError(
      {
        statusCode: 400,
        name: "validation_error",
        message: `key ${key} and re_other_987654321 bad`,
      },
      null,
      key,
    );
    expect(result.error).not.toContain(key);
    expect(result.error).not.toContain("re_other_987654321");
    expect(result.error).toContain("***");
  });

  it("names the auth problem in words", () => {
    const result = classifyResendError(
      { statusCode: 401, name: "missing_api_key", message: "Missing API key" },
      null,
    );
    expect(result.error).toBe(
      "Resend rejected the API key (401 missing_api_key: Missing API key). Check the Resend API key setting.",
    );
  });
});
