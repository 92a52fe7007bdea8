// The webhook sender over real HTTP against lib/testing/webhook-receiver, which checks every
// delivery with verifyWebhookSignature on the raw bytes it received, as a real receiver should.
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { renderWebhookBody } from "@/lib/notify/templates/webhook";
import type { IncidentNotice, WebhookMessage } from "@/lib/notify/types";
import { startWebhookReceiver, type WebhookReceiver } from "@/lib/testing/webhook-receiver";
import { createWebhookSender } from "./webhook";

const SECRET = `whsec_${randomBytes(24).toString("hex")}`;

let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await startWebhookReceiver({ secret: SECRET });
});

afterAll(async () => {
  await receiver.close();
});

afterEach(() => {
  receiver.respondWith({ status: 200, body: "ok" });
});

const notice: IncidentNotice = {
  type: "firing",
  incident: {
    id: "inc_123",
    url: "https://monitor.example.com/incidents/inc_123",
    state: "firing",
    openedAt: new Date("2025-03-01T14:05:00Z"),
  },
  rule: { id: "rule_1", name: "R14 on web", kind: "error_code", windowSeconds: 300 },
  target: { app: "shop-prod", dynoType: "web", dyno: "web.2" },
  code: "R14",
  observed: { count: 5 },
  summary: "5 × R14 in 300 s — “leak”",
  consoleUrl: "https://monitor.example.com",
};

function message(overrides: Partial<WebhookMessage> = {}): WebhookMessage {
  return {
    url: `${receiver.url}/hooks/dyno-monitor`,
    secret: SECRET,
    preset: "generic",
    body: renderWebhookBody(notice, "generic"),
    idempotencyKey: `outbox/${randomUUID()}`,
    ...overrides,
  };
}

const deliveriesOf = (key: string) =>
  receiver.received.filter((r) => r.headers["x-dyno-monitor-delivery"] === key);

describe("createWebhookSender against a local receiver", () => {
  it("posts the exact body, signed; the receiver verifies the raw bytes", async () => {
    const msg = message();
    const result = await createWebhookSender().send(msg);

    expect(result).toEqual({ ok: true, providerId: null, response: "200: ok" });
    const [delivery] = deliveriesOf(msg.idempotencyKey);
    expect(delivery).toBeDefined();
    expect(delivery!.method).toBe("POST");
    expect(delivery!.path).toBe("/hooks/dyno-monitor");
    expect(delivery!.rawBody.equals(Buffer.from(msg.body, "utf8"))).toBe(true);
    expect(delivery!.verified).toMatchObject({ ok: true });
    expect(delivery!.headers["content-type"]).toBe("application/json");
    expect(delivery!.headers["user-agent"]).toBe("dyno-monitor");
    expect(delivery!.headers["x-dyno-monitor-signature"]).toMatch(/^sha256=[0-9a-f]{64}$/);
    const timestamp = Number(delivery!.headers["x-dyno-monitor-timestamp"]);
    expect(Math.abs(timestamp - Date.now() / 1000)).toBeLessThan(60);
  });

  it("signs with the injected clock: a delivery timestamped 10 minutes ago fails verification", async () => {
    const msg = message();
    const stale = createWebhookSender({ now: () => new Date(Date.now() - 600_000) });
    expect((await stale.send(msg)).ok).toBe(true);
    expect(deliveriesOf(msg.idempotencyKey)[0]!.verified).toEqual({
      ok: false,
      reason: "stale_timestamp",
    });
  });

  it("a receiver with another secret refuses the delivery; that 401 is not retryable", async () => {
    const strict = await startWebhookReceiver({ secret: "another-secret", rejectUnsigned: true });
    try {
      const result = await createWebhookSender().send(message({ url: strict.url }));
      expect(result).toEqual({
        ok: false,
        retryable: false,
        status: 401,
        error: `The webhook endpoint ${strict.url} answered 401: {"error":"signature_mismatch"}`,
      });
      expect(strict.received[0]!.verified).toEqual({ ok: false, reason: "signature_mismatch" });
    } finally {
      await strict.close();
    }
  });

  it("sends a Slack body unsigned when it has no secret", async () => {
    const msg = message({ preset: "slack", secret: "", body: renderWebhookBody(notice, "slack") });
    expect(await createWebhookSender().send(msg)).toMatchObject({ ok: true });
    const [delivery] = deliveriesOf(msg.idempotencyKey);
    expect(delivery!.headers).not.toHaveProperty("x-dyno-monitor-signature");
    expect(JSON.parse(delivery!.rawBody.toString("utf8"))).toMatchObject({
      text: expect.any(String),
      blocks: expect.any(Array),
    });
  });

  it("refuses a generic webhook without a secret, before sending", async () => {
    const msg = message({ secret: "" });
    const result = await createWebhookSender().send(msg);
    expect(result).toMatchObject({ ok: false, retryable: false });
    expect(!result.ok && result.error).toContain("has no signing secret");
    expect(deliveriesOf(msg.idempotencyKey)).toHaveLength(0);
  });

  it.each<[number, boolean]>([
    [500, true],
    [502, true],
    [503, true],
    [408, true],
    [429, true],
    [410, false],
    [400, false],
    [401, false],
    [404, false],
    [422, false],
  ])("maps %i to retryable: %s", async (status, retryable) => {
    receiver.respondWith({ status, body: `status ${status}` });
    const result = await createWebhookSender().send(message());
    expect(result).toMatchObject({ ok: false, retryable, status });
    if (status === 410) {
      expect(!result.ok && result.error).toBe(
        `The webhook endpoint ${receiver.url} is gone (410: status 410): remove or replace this webhook.`,
      );
    }
  });

  it("honours Retry-After in seconds and as an HTTP date", async () => {
    receiver.respondNext(
      { status: 503, headers: { "Retry-After": "7" } },
      { status: 429, headers: { "Retry-After": new Date(Date.now() + 30_000).toUTCString() } },
      { status: 400, headers: { "Retry-After": "7" } },
    );
    const sender = createWebhookSender();
    expect(await sender.send(message())).toMatchObject({ retryable: true, retryAfterSeconds: 7 });
    const dated = await sender.send(message());
    expect(dated.ok || !dated.retryable ? null : dated.retryAfterSeconds).toBeGreaterThanOrEqual(
      28,
    );
    expect(await sender.send(message())).not.toHaveProperty("retryAfterSeconds");
  });

  it("does not follow a redirect to another host, and does not name its path", async () => {
    const elsewhere = await startWebhookReceiver();
    try {
      receiver.respondNext({
        status: 302,
        headers: { Location: `${elsewhere.url}/hooks/secret-token-path` },
      });
      const result = await createWebhookSender().send(message());
      expect(result).toEqual({
        ok: false,
        retryable: false,
        status: 302,
        error: `The webhook endpoint ${receiver.url} answered 302 and redirects to ${elsewhere.url}; redirects are not followed: put the final URL in the webhook settings.`,
      });
      expect(elsewhere.received).toHaveLength(0);
    } finally {
      await elsewhere.close();
    }
  });

  it("gives up on an endpoint that does not answer in time, as retryable", async () => {
    // the answer would come after 10 s: giving up well before it proves the timeout, even on a
    // machine whose cores are busy
    receiver.respondNext({ status: 200, delayMs: 10_000 });
    const started = Date.now();
    const result = await createWebhookSender({ timeoutMs: 200 }).send(message());
    expect(result).toEqual({
      ok: false,
      retryable: true,
      error: `The webhook endpoint ${receiver.url} did not answer within 200 ms.`,
    });
    expect(Date.now() - started).toBeLessThan(8_000);
  });

  it("reports an unreachable endpoint as retryable", async () => {
    const gone = await startWebhookReceiver();
    await gone.close();
    const result = await createWebhookSender().send(message({ url: `${gone.url}/x` }));
    expect(result).toMatchObject({ ok: false, retryable: true });
    expect(!result.ok && result.error).toMatch(
      new RegExp(`^Could not reach the webhook endpoint ${gone.url}: `),
    );
  });

  it.each([
    ["ftp://example.com/hook", "must start with https:// or http://"],
    ["javascript:alert(1)", "must start with https:// or http://"],
    ["not a url", "not a valid URL"],
    ["https://user:pass@example.com/hook", "carries credentials"],
  ])("refuses %s without sending", async (url, words) => {
    const before = receiver.received.length;
    const result = await createWebhookSender().send(message({ url }));
    expect(result).toMatchObject({ ok: false, retryable: false });
    expect(!result.ok && result.error).toContain(words);
    expect(receiver.received.length).toBe(before);
  });

  it("keeps the URL's path and the secret out of every result, and clips the answer", async () => {
    const url = `${receiver.url}/services/T000/B000/XXXXsecretXXXX`;
    receiver.respondNext(
      { status: 500, body: `failed for ${url} with ${SECRET}` },
      { status: 200, body: "y".repeat(5_000) },
    );
    const failed = await createWebhookSender().send(message({ url }));
    expect(failed.ok).toBe(false);
    expect(JSON.stringify(failed)).not.toContain("XXXXsecretXXXX");
    expect(JSON.stringify(failed)).not.toContain(SECRET);
    const ok = await createWebhookSender().send(message({ url }));
    expect(ok.ok && ok.response.length).toBeLessThanOrEqual(210);
  });

  it.each([
    (path: string, query: string) => `bad request to ${path}?${query}`,
    (path: string, query: string) => `bad request to ${receiver.url}${path}?${query}`,
    (_path: string, query: string) => `unexpected query ${query}`,
    (_path: string, query: string) => `unexpected query ${decodeURIComponent(query)}`,
    (_path: string) => `no route for https://elsewhere.example${_path}?key=elsewhere-secret-1`,
  ])("keeps the URL's query values out of what the receiver echoes (%#)", async (echo) => {
    const path = "/hooks/h";
    const query = "token=q-secret-0123&sig=a%2Fb%2Bsignature";
    const url = `${receiver.url}${path}?${query}`;
    for (const status of [400, 200]) {
      receiver.respondNext({ status, body: echo(path, query) });
      const result = await createWebhookSender().send(message({ url }));
      const shown = JSON.stringify(result);
      for (const secret of [
        "q-secret-0123",
        "a/b+signature",
        "a%2Fb%2Bsignature",
        "elsewhere-secret-1",
      ]) {
        expect(shown).not.toContain(secret);
      }
      if (status === 400) expect(shown).toContain(new URL(receiver.url).host);
    }
  });
});
