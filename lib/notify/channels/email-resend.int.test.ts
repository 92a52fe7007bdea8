// The real Resend SDK against lib/testing/resend-server: what goes over the wire, and how each
// answer becomes a DeliveryResult.
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmailMessage } from "@/lib/notify/types";
import { type ResendServer, startResendServer } from "@/lib/testing/resend-server";
import { createResendSender } from "./email-resend";

const API_KEY = `re_test_${randomUUID().replaceAll("-", "")}`;
const FROM = "Dyno Monitor <alerts@monitor.example.com>";

let server: ResendServer;

beforeAll(async () => {
  server = await startResendServer({ apiKey: API_KEY });
});

afterAll(async () => {
  await server.close();
});

function message(overrides: Partial<EmailMessage> = {}): EmailMessage {
  return {
    to: ["ana@example.com", "Ops <ops@example.com>"],
    subject: "[Dyno Monitor] R14 on shop-prod web.2 (5 in 300 s)",
    html: "<p>R14 on shop-prod web.2</p>",
    text: "R14 on shop-prod web.2\n",
    idempotencyKey: `outbox/${randomUUID()}`,
    ...overrides,
  };
}

const sender = (options: { apiKey?: string; from?: string } = {}) =>
  createResendSender({
    apiKey: options.apiKey ?? API_KEY,
    from: options.from ?? FROM,
    baseUrl: server.url,
  });

const recordedWith = (key: string) => server.received.filter((e) => e.idempotencyKey === key);
const requestsWith = (key: string) => server.requests.filter((r) => r.idempotencyKey === key);

describe("createResendSender against a local Resend", () => {
  it("posts the email with the bearer key and the idempotency key, and returns Resend's id", async () => {
    const msg = message();
    const result = await sender().send(msg);

    const [email] = recordedWith(msg.idempotencyKey);
    expect(email).toBeDefined();
    expect(result).toEqual({
      ok: true,
      providerId: email!.id,
      response: JSON.stringify({ id: email!.id }),
    });
    expect(email!.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(email!.body).toEqual({
      from: FROM,
      to: msg.to,
      subject: msg.subject,
      html: msg.html,
      text: msg.text,
    });
    expect(email!.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(email!.headers["idempotency-key"]).toBe(msg.idempotencyKey);
    expect(email!.headers["content-type"]).toBe("application/json");
    expect(email!.headers["user-agent"]).toMatch(/^resend-node:/);
  });

  it("records a send repeated with the same key once, and answers the same id", async () => {
    const msg = message();
    const first = await sender().send(msg);
    const second = await sender().send(msg);

    expect(first.ok && second.ok).toBe(true);
    expect(second).toEqual(first);
    expect(recordedWith(msg.idempotencyKey)).toHaveLength(1);
    expect(requestsWith(msg.idempotencyKey).map((r) => [r.status, r.replayed])).toEqual([
      [200, false],
      [200, true],
    ]);
  });

  it("retries after a 500 with the same key deliver the email once", async () => {
    const msg = message();
    server.failNext(1, 500);
    const failed = await sender().send(msg);
    const retried = await sender().send(msg);
    const again = await sender().send(msg);

    expect(failed).toMatchObject({ ok: false, retryable: true, status: 500 });
    expect(!failed.ok && failed.error).toContain("500 internal_server_error");
    expect(retried.ok).toBe(true);
    expect(again).toEqual(retried);
    expect(recordedWith(msg.idempotencyKey)).toHaveLength(1);
    expect(requestsWith(msg.idempotencyKey).map((r) => r.status)).toEqual([500, 200, 200]);
  });

  it.each([
    [500, true],
    [502, true],
    [503, true],
    [429, true],
  ] as const)("maps an injected %i to retryable: %s", async (status, retryable) => {
    const msg = message();
    server.failNext(1, status);
    const result = await sender().send(msg);
    expect(result).toMatchObject({ ok: false, retryable, status });
    expect(recordedWith(msg.idempotencyKey)).toHaveLength(0);
  });

  it("passes Retry-After on a 429", async () => {
    server.failNext(1, 429);
    const result = await sender().send(message());
    expect(result).toMatchObject({
      ok: false,
      retryable: true,
      status: 429,
      retryAfterSeconds: 1,
    });
    expect(!result.ok && result.error).toContain("rate_limit_exceeded");
  });

  it("reports a wrong API key as not retryable, without the key", async () => {
    const wrongKey = `re_wrong_${randomUUID().replaceAll("-", "")}`;
    const msg = message();
    const result = await sender({ apiKey: wrongKey }).send(msg);

    expect(result).toMatchObject({ ok: false, retryable: false, status: 403 });
    const error = result.ok ? "" : result.error;
    expect(error).toContain("Resend rejected the API key");
    expect(error).toContain("invalid_api_key");
    expect(error).not.toContain(wrongKey);
    expect(error).not.toContain(API_KEY);
    expect(JSON.stringify(result)).not.toContain(wrongKey);
    expect(recordedWith(msg.idempotencyKey)).toHaveLength(0);
  });

  it("answers 401 missing_api_key to a request without a bearer key", async () => {
    const response = await fetch(`${server.url}/emails`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ from: FROM, to: "a@example.com", subject: "s", text: "t" }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ statusCode: 401, name: "missing_api_key" });
  });

  it.each([
    ["an invalid from address", { from: "not an address" }, {}, "Invalid `from` field"],
    ["an invalid recipient", {}, { to: ["nobody"] }, "Invalid `to` field"],
    ["no html and no text", {}, { html: "", text: "" }, "Missing `html` or `text` field."],
  ])("reports %s as a 422 that is not retryable", async (_name, options, overrides, words) => {
    const msg = message(overrides);
    const result = await sender(options).send(msg);
    expect(result).toMatchObject({ ok: false, retryable: false, status: 422 });
    expect(!result.ok && result.error).toContain(words);
    expect(recordedWith(msg.idempotencyKey)).toHaveLength(0);
  });

  it("reports the same key with another payload as a conflict that is not retryable", async () => {
    const msg = message();
    expect((await sender().send(msg)).ok).toBe(true);
    const result = await sender().send({ ...msg, subject: "something else" });
    expect(result).toMatchObject({ ok: false, retryable: false, status: 409 });
    expect(!result.ok && result.error).toContain("invalid_idempotent_request");
    expect(recordedWith(msg.idempotencyKey)).toHaveLength(1);
  });

  it("does not send to an empty recipient list", async () => {
    const msg = message({ to: [] });
    expect(await sender().send(msg)).toEqual({
      ok: false,
      retryable: false,
      error: "The email has no recipients.",
    });
    expect(requestsWith(msg.idempotencyKey)).toHaveLength(0);
  });

  it("reports an unreachable Resend as retryable", async () => {
    const gone = await startResendServer({ apiKey: API_KEY });
    const url = gone.url;
    await gone.close();
    const result = await createResendSender({ apiKey: API_KEY, from: FROM, baseUrl: url }).send(
      message(),
    );
    expect(result).toMatchObject({ ok: false, retryable: true });
    expect(result).not.toHaveProperty("status");
    expect(!result.ok && result.error).toContain("Could not reach Resend");
  });

  it("gives up on a Resend that does not answer, as retryable", async () => {
    const silent = createServer(() => {
      // never answers
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const result = await createResendSender({
        apiKey: API_KEY,
        from: FROM,
        baseUrl: `http://127.0.0.1:${port}`,
        timeoutMs: 200,
      }).send(message());
      expect(result).toEqual({
        ok: false,
        retryable: true,
        error: "Resend did not answer within 200 ms.",
      });
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it("refuses an empty key instead of falling back to the environment", () => {
    expect(() => createResendSender({ apiKey: " ", from: FROM })).toThrow(/API key is empty/);
    expect(() => createResendSender({ apiKey: API_KEY, from: "" })).toThrow(/from address/);
  });
});
