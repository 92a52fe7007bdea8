import { describe, expect, it } from "vitest";
import type { IncidentNotice, Notice } from "@/lib/notify/types";
import { gsm7Length, isGsm7, renderSms, SMS_SEGMENT_SEPTETS, smsSegments, toGsm7 } from "./sms";

const OPENED = new Date("2025-03-01T14:05:00Z");
const URL = "https://monitor.example.com/incidents/inc_123";

function notice(overrides: Partial<IncidentNotice> = {}): IncidentNotice {
  return {
    type: "firing",
    incident: { id: "inc_123", url: URL, state: "firing", openedAt: OPENED },
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
    action: { kind: "restart_dyno", outcome: "performed" },
    consoleUrl: "https://monitor.example.com",
    ...overrides,
  };
}

/** Every rendering must be GSM-7 and, when its link allows, one segment. */
function expectOneSegment(text: string): void {
  expect(isGsm7(text)).toBe(true);
  expect(gsm7Length(text)).toBeLessThanOrEqual(SMS_SEGMENT_SEPTETS);
  expect(smsSegments(text)).toMatchObject({ encoding: "GSM-7", segments: 1 });
}

describe("gsm7Length", () => {
  it.each<[string, string, number | null]>([
    ["empty", "", 0],
    ["ASCII", "R14 shop-prod", 13],
    ["basic-table accents", "éèùìòÉÄÖÑÜäöñüà", 15],
    ["Greek capitals in the basic table", "ΔΦΓΛΩΠΨΣΘΞ", 10],
    ["extension characters count twice", "{}[]~^|\\€", 18],
    ["newline", "a\nb", 3],
    ["multiplication sign", "5 × R14", null],
    ["arrow", "a → b", null],
    ["ellipsis", "wait…", null],
    ["smart quotes", "“ok”", null],
    ["c cedilla (only Ç is GSM-7)", "ç", null],
    ["backtick", "`", null],
    ["emoji", "🔥", null],
  ])("%s", (_name, text, expected) => {
    expect(gsm7Length(text)).toBe(expected);
  });
});

describe("smsSegments", () => {
  it.each<[string, string, "GSM-7" | "UCS-2", number]>([
    ["160 septets: one segment", "a".repeat(160), "GSM-7", 1],
    ["161 septets: two parts of 153", "a".repeat(161), "GSM-7", 2],
    ["306 septets: two parts", "a".repeat(306), "GSM-7", 2],
    ["307 septets: three parts", "a".repeat(307), "GSM-7", 3],
    ["80 euro signs are 160 septets", "€".repeat(80), "GSM-7", 1],
    ["81 euro signs are 162 septets", "€".repeat(81), "GSM-7", 2],
    ["one arrow makes it UCS-2: 70 fit", `${"a".repeat(69)}→`, "UCS-2", 1],
    ["UCS-2 71 units: two parts of 67", `${"a".repeat(70)}→`, "UCS-2", 2],
  ])("%s", (_name, text, encoding, segments) => {
    expect(smsSegments(text)).toMatchObject({ encoding, segments });
  });
});

describe("toGsm7", () => {
  it.each<[string, string]>([
    ["5 × R14 → restart…", "5 x R14 -> restart..."],
    ["“quoted” ‘single’ – dash — long", "\"quoted\" 'single' - dash - long"],
    ["Zoë Çelik françois", "Zoe Çelik francois"],
    ["déjà vu ñ", "déjà vu ñ"],
    ["load ≥ 4 ± 1", "load >= 4 +/- 1"],
    ["fire 🔥 here", "fire ? here"],
    ["back`tick", "back'tick"],
    ["日本", "??"],
  ])("%j → %j", (input, expected) => {
    const out = toGsm7(input);
    expect(out).toBe(expected);
    expect(isGsm7(out)).toBe(true);
  });
});

describe("renderSms", () => {
  it.each<[string, Notice, string]>([
    ["firing with a restart", notice(), `R14 shop-prod web.2: 5 in 300s. Restarted web.2. ${URL}`],
    ["resolved", notice({ type: "resolved" }), `RESOLVED R14 shop-prod web.2 ${URL}`],
    [
      "reminder",
      notice({ type: "repeat", repeatNumber: 2, action: null }),
      `REMINDER #2 R14 shop-prod web.2: 5 in 300s. ${URL}`,
    ],
    [
      "firing without an action",
      notice({ action: { kind: "none", outcome: "performed" } }),
      `R14 shop-prod web.2: 5 in 300s. ${URL}`,
    ],
    [
      "restart skipped while cooling",
      notice({ action: { kind: "restart_dyno", outcome: "skipped_cooling" } }),
      `R14 shop-prod web.2: 5 in 300s. No restart: cooling period. ${URL}`,
    ],
    [
      "dry run of a dyno-type restart",
      notice({ action: { kind: "restart_dyno_type", outcome: "skipped_dry_run" } }),
      `R14 shop-prod web.2: 5 in 300s. Dry run: would restart all web dynos. ${URL}`,
    ],
    [
      "failed app restart",
      notice({ action: { kind: "restart_app", outcome: "failed" } }),
      `R14 shop-prod web.2: 5 in 300s. Restart failed. ${URL}`,
    ],
    [
      "memory on a dyno type",
      notice({
        code: null,
        rule: { id: "r", name: "RAM", kind: "memory" },
        target: { app: "shop-prod", dynoType: "worker" },
        observed: { valueMb: 612, quotaMb: 512 },
        action: null,
      }),
      `High memory shop-prod worker: 612MB of 512MB. ${URL}`,
    ],
    [
      "HTTP 5xx share",
      notice({
        code: null,
        rule: { id: "r", name: "5xx", kind: "http_5xx", windowSeconds: 300 },
        target: { app: "shop-prod" },
        observed: { percent: 12.345, requests: 800 },
        action: null,
      }),
      `HTTP 5xx shop-prod: 12.3% 5xx in 300s. ${URL}`,
    ],
    [
      "a rule without figures uses the summary, in GSM-7",
      notice({
        code: null,
        rule: { id: "r", name: "Health", kind: "check_failing" },
        target: { app: "shop-prod" },
        observed: {},
        summary: "GET /health → 503 “Service Unavailable”…",
        action: null,
      }),
      `Check Health failing shop-prod: GET /health -> 503 "Service Unavailable". ${URL}`,
    ],
  ])("%s", (_name, input, expected) => {
    const text = renderSms(input);
    expect(text).toBe(expected);
    expectOneSegment(text);
  });

  it("renders the test SMS", () => {
    const text = renderSms({
      type: "test",
      consoleUrl: "https://monitor.example.com",
      requestedBy: "Zoë “ops” Müller",
    });
    expect(text).toBe(
      'Dyno Monitor test SMS: alerts reach this number. Sent by Zoe "ops" Müller. https://monitor.example.com/',
    );
    expectOneSegment(text);
  });

  it("drops who asked for the test before going over one segment", () => {
    const text = renderSms({
      type: "test",
      consoleUrl: "https://monitor.example.com",
      requestedBy: "x".repeat(200),
    });
    expect(text).toBe(
      "Dyno Monitor test SMS: alerts reach this number. https://monitor.example.com/",
    );
  });

  it("shortens the summary first, and keeps the link and the action whole", () => {
    const text = renderSms(
      notice({
        code: null,
        rule: { id: "r", name: "Health", kind: "check_failing" },
        observed: {},
        summary: `GET /checkout answered 503 ${"and then more detail ".repeat(10)}`,
      }),
    );
    expectOneSegment(text);
    expect(text.endsWith(` Restarted web.2. ${URL}`)).toBe(true);
    expect(text).toMatch(
      /^Check Health failing shop-prod web\.2: GET \/checkout answered 503 .*\.\.\. /,
    );
  });

  it("drops the summary, then the action, then shortens the target, never the link", () => {
    const longUrl = `https://monitor.example.com/incidents/${"a".repeat(100)}`;
    const text = renderSms(
      notice({
        incident: { ...notice().incident, url: longUrl },
        target: { app: "a-very-long-heroku-app-name", dyno: "web.12" },
        code: null,
        rule: { id: "r", name: "A rule with a long descriptive name", kind: "error_code" },
        summary: "x".repeat(100),
        observed: {},
      }),
    );
    expectOneSegment(text);
    expect(text.endsWith(` ${longUrl}`)).toBe(true);
    expect(text).not.toContain("Restarted");
    expect(text).not.toContain("xxx");
    expect(text).toContain("...");
  });

  it("sends a link longer than a segment whole, in several parts", () => {
    const hugeUrl = `https://monitor.example.com/incidents/${"b".repeat(200)}`;
    const text = renderSms(notice({ incident: { ...notice().incident, url: hugeUrl } }));
    expect(text.endsWith(` ${hugeUrl}`)).toBe(true);
    expect(isGsm7(text)).toBe(true);
    expect(smsSegments(text).segments).toBe(2);
  });

  it("turns user text into GSM-7 and keeps links GSM-7 by percent-encoding", () => {
    const text = renderSms(
      notice({
        incident: { ...notice().incident, url: "https://monitor.example.com/i?q=a`b" },
        target: { app: "façade-prod", dyno: "web.1" },
        code: null,
        rule: { id: "r", name: "Erreur “grave”", kind: "error_code", windowSeconds: 300 },
        observed: { count: 2 },
        action: null,
      }),
    );
    expect(text).toBe(
      'Erreur "grave" facade-prod web.1: 2 in 300s. https://monitor.example.com/i?q=a%60b',
    );
    expectOneSegment(text);
  });

  it("flattens line breaks and control characters from names", () => {
    const text = renderSms(
      notice({ target: { app: "shop\nprod\u0007", dyno: "web.2" }, action: null }),
    );
    expect(text).toBe(`R14 shop prod web.2: 5 in 300s. ${URL}`);
  });

  it("is pure: the same notice renders the same text", () => {
    expect(renderSms(notice())).toBe(renderSms(notice()));
  });
});
