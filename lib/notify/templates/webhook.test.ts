import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { IncidentNotice } from "@/lib/notify/types";
import {
  renderWebhookBody,
  renderWebhookPayload,
  type SlackBlock,
  signWebhook,
  verifyWebhookSignature,
  webhookHeaders,
} from "./webhook";

const OPENED = new Date("2025-03-01T14:05:00Z");
const RESOLVED = new Date("2025-03-01T14:17:30Z");
const URL = "https://monitor.example.com/incidents/inc_123";

function notice(overrides: Partial<IncidentNotice> = {}): IncidentNotice {
  return {
    type: "firing",
    incident: {
      id: "inc_123",
      url: URL,
      state: "firing",
      openedAt: OPENED,
      fingerprint: "rule_1:shop-prod:web:web.2",
    },
    rule: {
      id: "rule_1",
      name: "R14 on web",
      kind: "error_code",
      windowSeconds: 300,
      threshold: 3,
    },
    target: { app: "shop-prod", dynoType: "web", dyno: "web.2" },
    code: "R14",
    observed: { count: 5 },
    summary: "5 × R14 in 300 s",
    action: { kind: "restart_dyno", outcome: "performed", detail: "cooling 10 min" },
    series: [
      { t: 1, v: 1 },
      { t: 2, v: 5 },
    ],
    consoleUrl: "https://monitor.example.com/",
    ...overrides,
  };
}

describe("renderWebhookPayload, generic", () => {
  it("describes a firing incident with ISO dates", () => {
    expect(renderWebhookPayload(notice(), "generic")).toEqual({
      version: 1,
      type: "firing",
      incident: {
        id: "inc_123",
        url: URL,
        state: "firing",
        fingerprint: "rule_1:shop-prod:web:web.2",
        openedAt: "2025-03-01T14:05:00.000Z",
        resolvedAt: null,
        acknowledgedBy: null,
      },
      rule: { id: "rule_1", name: "R14 on web", kind: "error_code" },
      target: { app: "shop-prod", dynoType: "web", dyno: "web.2" },
      code: "R14",
      summary: "5 × R14 in 300 s",
      observed: { count: 5 },
      action: { kind: "restart_dyno", outcome: "performed", detail: "cooling 10 min" },
      repeatNumber: null,
      links: { incident: URL, console: "https://monitor.example.com" },
    });
  });

  it("describes a resolution and a reminder", () => {
    const resolved = renderWebhookPayload(
      notice({
        type: "resolved",
        incident: {
          id: "inc_123",
          url: URL,
          state: "resolved",
          openedAt: OPENED,
          resolvedAt: RESOLVED,
          acknowledgedBy: "ana@example.com",
        },
        action: null,
        code: null,
        target: { app: "shop-prod" },
      }),
      "generic",
    );
    expect(resolved).toMatchObject({
      type: "resolved",
      incident: {
        state: "resolved",
        resolvedAt: "2025-03-01T14:17:30.000Z",
        acknowledgedBy: "ana@example.com",
      },
      target: { app: "shop-prod", dynoType: null, dyno: null },
      code: null,
      action: null,
    });
    expect(resolved.incident).not.toHaveProperty("fingerprint");

    expect(
      renderWebhookPayload(notice({ type: "repeat", repeatNumber: 3 }), "generic"),
    ).toMatchObject({ type: "repeat", repeatNumber: 3 });
  });

  it("describes a test delivery with the same keys", () => {
    const payload = renderWebhookPayload(
      { type: "test", consoleUrl: "https://monitor.example.com", requestedBy: "Ana" },
      "generic",
    );
    expect(payload).toEqual({
      version: 1,
      type: "test",
      incident: null,
      rule: null,
      target: null,
      code: null,
      summary:
        "This is a test message from Dyno Monitor, sent by Ana. If you can read it, webhook alerts reach this endpoint.",
      observed: null,
      action: null,
      repeatNumber: null,
      requestedBy: "Ana",
      links: { incident: null, console: "https://monitor.example.com" },
    });
    const generic = Object.keys(renderWebhookPayload(notice(), "generic"));
    expect(generic.every((key) => key in payload)).toBe(true);
  });

  it("renders the body as the JSON of the payload, and leaves the series out", () => {
    const body = renderWebhookBody(notice(), "generic");
    expect(body).toBe(JSON.stringify(renderWebhookPayload(notice(), "generic")));
    expect(JSON.parse(body).series).toBeUndefined();
  });
});

describe("renderWebhookPayload, slack", () => {
  const blocksOf = (type: SlackBlock["type"], blocks: SlackBlock[]) =>
    blocks.filter((b) => b.type === type);

  it("is an incoming-webhook message: text, header, summary, fields, a button", () => {
    const payload = renderWebhookPayload(notice(), "slack");
    expect(payload.text).toBe(":rotating_light: Firing: R14 on shop-prod web.2: 5 × R14 in 300 s");
    expect(payload.blocks[0]).toEqual({
      type: "header",
      text: { type: "plain_text", text: "Firing: R14 on shop-prod web.2", emoji: true },
    });
    expect(payload.blocks[1]).toEqual({
      type: "section",
      text: { type: "mrkdwn", text: `5 × R14 in 300 s · <${URL}|Open the incident>` },
    });
    const [fields] = blocksOf("section", payload.blocks).slice(1);
    expect(fields).toEqual({
      type: "section",
      fields: [
        { type: "mrkdwn", text: "*App*\nshop-prod" },
        { type: "mrkdwn", text: "*Dyno*\nweb.2" },
        { type: "mrkdwn", text: "*Code*\nR14" },
        { type: "mrkdwn", text: "*Rule*\nR14 on web" },
        { type: "mrkdwn", text: "*Action*\nRestarted web.2 (cooling 10 min)" },
      ],
    });
    expect(blocksOf("actions", payload.blocks)).toEqual([
      {
        type: "actions",
        elements: [
          {
            type: "button",
            text: { type: "plain_text", text: "Open the incident", emoji: true },
            url: URL,
            style: "danger",
          },
        ],
      },
    ]);
    expect(JSON.stringify(payload)).not.toContain("undefined");
  });

  it("says resolved and reminder in the header", () => {
    expect(renderWebhookPayload(notice({ type: "resolved" }), "slack").blocks[0]).toMatchObject({
      text: { text: "Resolved: R14 on shop-prod web.2" },
    });
    expect(
      renderWebhookPayload(notice({ type: "repeat", repeatNumber: 2 }), "slack").blocks[0],
    ).toMatchObject({ text: { text: "Still firing (reminder #2): R14 on shop-prod web.2" } });
  });

  it("escapes Slack's control characters in user text and keeps the header within 150", () => {
    const payload = renderWebhookPayload(
      notice({
        code: null,
        rule: { id: "r", name: `<!channel> & ${"x".repeat(200)}`, kind: "error_code" },
        summary: "a <b> & c",
      }),
      "slack",
    );
    // mrkdwn (and the fallback text) would turn "<!channel>" into a mention: it must be escaped.
    // plain_text (the header) is shown literally by Slack, so it stays readable there.
    const mrkdwnTexts = [
      payload.text,
      ...JSON.stringify(payload.blocks)
        .match(/"type":"mrkdwn","text":"(?:[^"\\]|\\.)*"/g)!
        .map((m) => JSON.parse(`{${m}}`).text as string),
    ];
    expect(mrkdwnTexts.length).toBeGreaterThan(3);
    for (const text of mrkdwnTexts) expect(text).not.toContain("<!channel>");
    expect(payload.text).toContain("&lt;!channel&gt; &amp;");
    expect(payload.blocks[1]).toMatchObject({
      text: { text: expect.stringContaining("a &lt;b&gt; &amp; c") },
    });
    const header = payload.blocks[0] as { text: { text: string } };
    expect([...header.text.text].length).toBeLessThanOrEqual(150);
  });

  it("links nothing that is not http(s)", () => {
    const payload = renderWebhookPayload(
      notice({ incident: { ...notice().incident, url: "javascript:alert(1)" } }),
      "slack",
    );
    expect(JSON.stringify(payload)).not.toContain("javascript:");
    expect(blocksOf("actions", payload.blocks)).toEqual([]);
  });

  it("renders the test message", () => {
    const payload = renderWebhookPayload(
      { type: "test", consoleUrl: "https://monitor.example.com" },
      "slack",
    );
    expect(payload.text).toBe(
      ":wave: This is a test message from Dyno Monitor. If you can read it, webhook alerts reach this endpoint.",
    );
    expect(payload.blocks[0]).toMatchObject({ type: "header" });
    expect(blocksOf("actions", payload.blocks)).toHaveLength(1);
  });
});

describe("signWebhook", () => {
  const SECRET = "whsec_test_0123456789";
  const BODY = '{"version":1,"type":"test","summary":"héllo"}';

  it("matches a known answer (openssl dgst -sha256 -hmac)", () => {
    expect(signWebhook(SECRET, 1_700_000_000, BODY)).toBe(
      "006a1abe18edf172e1a8fdce473f3e5fe27c524798f17da724e3d016df0536ca",
    );
  });

  it("is HMAC-SHA256 of '<timestamp>.<raw body>', computed independently", () => {
    const expected = createHmac("sha256", SECRET).update(`1700000000.${BODY}`).digest("hex");
    expect(signWebhook(SECRET, 1_700_000_000, BODY)).toBe(expected);
    expect(signWebhook(SECRET, 1_700_000_000, Buffer.from(BODY, "utf8"))).toBe(expected);
  });

  it("builds every header of a delivery", () => {
    expect(
      webhookHeaders({
        secret: SECRET,
        body: BODY,
        idempotencyKey: "outbox/42",
        timestampSeconds: 1_700_000_000,
      }),
    ).toEqual({
      "Content-Type": "application/json",
      "User-Agent": "dyno-monitor",
      "X-Dyno-Monitor-Delivery": "outbox/42",
      "X-Dyno-Monitor-Timestamp": "1700000000",
      "X-Dyno-Monitor-Signature":
        "sha256=006a1abe18edf172e1a8fdce473f3e5fe27c524798f17da724e3d016df0536ca",
    });
  });

  it("leaves the signature out without a secret", () => {
    const headers = webhookHeaders({
      secret: "",
      body: BODY,
      idempotencyKey: "k",
      timestampSeconds: 1,
    });
    expect(headers).not.toHaveProperty("X-Dyno-Monitor-Signature");
    expect(headers["X-Dyno-Monitor-Timestamp"]).toBe("1");
  });
});

describe("verifyWebhookSignature", () => {
  const SECRET = "whsec_receiver_secret";
  const NOW = 1_700_000_000;
  const BODY = renderWebhookBody(notice(), "generic");
  const signed = (overrides: Record<string, string> = {}, ts = NOW, body = BODY) => {
    const headers = webhookHeaders({
      secret: SECRET,
      body,
      idempotencyKey: "k",
      timestampSeconds: ts,
    });
    // Node lower-cases incoming header names.
    return Object.fromEntries(
      Object.entries({ ...headers, ...overrides }).map(([k, v]) => [k.toLowerCase(), v]),
    );
  };

  it("accepts an untouched delivery, from a Headers object or node's header record", () => {
    expect(verifyWebhookSignature(SECRET, signed(), BODY, 300, NOW)).toEqual({
      ok: true,
      timestampSeconds: NOW,
    });
    expect(
      verifyWebhookSignature(SECRET, new Headers(signed()), Buffer.from(BODY), 300, NOW),
    ).toEqual({
      ok: true,
      timestampSeconds: NOW,
    });
  });

  it("accepts a timestamp within the tolerance either way", () => {
    expect(verifyWebhookSignature(SECRET, signed(), BODY, 300, NOW + 300).ok).toBe(true);
    expect(verifyWebhookSignature(SECRET, signed(), BODY, 300, NOW - 300).ok).toBe(true);
  });

  it.each<[string, () => Record<string, string>, string, number, string]>([
    [
      "a tampered body",
      () => signed(),
      BODY.replace("shop-prod", "shop-dev"),
      NOW,
      "signature_mismatch",
    ],
    ["one byte appended", () => signed(), `${BODY} `, NOW, "signature_mismatch"],
    ["a stale timestamp", () => signed(), BODY, NOW + 301, "stale_timestamp"],
    ["a timestamp from the future", () => signed(), BODY, NOW - 301, "stale_timestamp"],
    [
      "a replayed signature with a new timestamp",
      () => signed({ "x-dyno-monitor-timestamp": String(NOW + 100) }),
      BODY,
      NOW + 100,
      "signature_mismatch",
    ],
    [
      "no timestamp",
      () => signed({ "x-dyno-monitor-timestamp": "" }),
      BODY,
      NOW,
      "missing_timestamp",
    ],
    [
      "a non-numeric timestamp",
      () => signed({ "x-dyno-monitor-timestamp": "1e9" }),
      BODY,
      NOW,
      "invalid_timestamp",
    ],
    [
      "no signature",
      () => signed({ "x-dyno-monitor-signature": "" }),
      BODY,
      NOW,
      "missing_signature",
    ],
    [
      "another scheme",
      () => signed({ "x-dyno-monitor-signature": "sha1=abc" }),
      BODY,
      NOW,
      "missing_signature",
    ],
    [
      "truncated hex",
      () => signed({ "x-dyno-monitor-signature": "sha256=006a1abe" }),
      BODY,
      NOW,
      "signature_mismatch",
    ],
  ])("rejects %s", (_name, headers, body, now, reason) => {
    expect(verifyWebhookSignature(SECRET, headers(), body, 300, now)).toEqual({
      ok: false,
      reason,
    });
  });

  it("rejects the wrong secret", () => {
    expect(verifyWebhookSignature("another-secret", signed(), BODY, 300, NOW)).toEqual({
      ok: false,
      reason: "signature_mismatch",
    });
  });

  it("accepts any one of several signatures (secret rotation)", () => {
    const good = signed()["x-dyno-monitor-signature"] ?? "";
    const headers = signed({ "x-dyno-monitor-signature": `sha256=${"0".repeat(64)}, ${good}` });
    expect(verifyWebhookSignature(SECRET, headers, BODY, 300, NOW).ok).toBe(true);
  });

  it("checks the raw bytes: re-serialised JSON with other spacing fails", () => {
    const reformatted = JSON.stringify(JSON.parse(BODY), null, 2);
    expect(verifyWebhookSignature(SECRET, signed(), reformatted, 300, NOW)).toEqual({
      ok: false,
      reason: "signature_mismatch",
    });
  });
});
