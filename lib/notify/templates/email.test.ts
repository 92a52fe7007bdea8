import { describe, expect, it } from "vitest";
import type { IncidentNotice, Notice } from "@/lib/notify/types";
import { renderEmail } from "./email";

const OPENED = new Date("2025-03-01T14:05:00Z");

function notice(overrides: Partial<IncidentNotice> = {}): IncidentNotice {
  return {
    type: "firing",
    incident: {
      id: "inc_123",
      url: "https://monitor.example.com/incidents/inc_123",
      state: "firing",
      openedAt: OPENED,
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
    consoleUrl: "https://monitor.example.com",
    ...overrides,
  };
}

const resolved = (overrides: Partial<IncidentNotice> = {}) =>
  notice({
    type: "resolved",
    incident: {
      ...notice().incident,
      state: "resolved",
      resolvedAt: new Date(OPENED.getTime() + 12 * 60_000),
    },
    ...overrides,
  });

describe("renderEmail subjects", () => {
  it.each<[string, Notice, string]>([
    ["firing R14 on one dyno", notice(), "[Dyno Monitor] R14 on shop-prod web.2 (5 in 300 s)"],
    [
      "reminder",
      notice({ type: "repeat", repeatNumber: 2 }),
      "[Dyno Monitor] Reminder #2: R14 on shop-prod web.2 (5 in 300 s)",
    ],
    [
      "reminder without a number",
      notice({ type: "repeat" }),
      "[Dyno Monitor] Reminder: R14 on shop-prod web.2 (5 in 300 s)",
    ],
    ["resolved", resolved(), "[Dyno Monitor] Resolved: R14 on shop-prod web.2"],
    [
      "H12 on a dyno type",
      notice({
        code: "H12",
        target: { app: "shop-prod", dynoType: "web" },
        observed: { count: 12 },
        rule: { ...notice().rule, windowSeconds: 60 },
      }),
      "[Dyno Monitor] H12 on shop-prod web (12 in 60 s)",
    ],
    [
      "memory over quota",
      notice({
        code: null,
        rule: { id: "r", name: "RAM", kind: "memory", threshold: 500 },
        target: { app: "shop-prod", dyno: "web.1" },
        observed: { valueMb: 612.4, quotaMb: 512 },
      }),
      "[Dyno Monitor] High memory on shop-prod web.1 (612.4 MB of 512 MB)",
    ],
    [
      "5xx share",
      notice({
        code: null,
        rule: { id: "r", name: "5xx", kind: "http_5xx", windowSeconds: 300, threshold: 5 },
        target: { app: "shop-prod" },
        observed: { percent: 12.345, requests: 800 },
      }),
      "[Dyno Monitor] HTTP 5xx on shop-prod (12.3% 5xx in 300 s)",
    ],
    [
      "load",
      notice({
        code: null,
        rule: { id: "r", name: "CPU", kind: "load", threshold: 4 },
        target: { app: "shop-prod", dyno: "worker.1" },
        observed: { load: 4.254 },
      }),
      "[Dyno Monitor] High load on shop-prod worker.1 (load 4.25)",
    ],
    [
      "crash",
      notice({
        code: "crashed",
        rule: { id: "r", name: "Crashes", kind: "crash", windowSeconds: 600 },
        target: { app: "shop-prod", dyno: "web.3" },
        observed: { count: 2 },
      }),
      "[Dyno Monitor] Crash on shop-prod web.3 (2 in 600 s)",
    ],
    [
      "log silence",
      notice({
        code: null,
        rule: { id: "r", name: "Silence", kind: "ingest_silence", windowSeconds: 900 },
        target: { app: "shop-prod" },
        observed: {},
      }),
      "[Dyno Monitor] No logs on shop-prod (no logs for 900 s)",
    ],
    [
      "failing check without figures",
      notice({
        code: null,
        rule: { id: "r", name: "Homepage", kind: "check_failing" },
        target: { app: "shop-prod" },
        observed: {},
      }),
      "[Dyno Monitor] Check “Homepage” failing on shop-prod",
    ],
    [
      "line breaks in user input stay out of the subject",
      notice({ target: { app: "shop\r\nBcc: x@evil.test", dyno: "web.1\n" } }),
      "[Dyno Monitor] R14 on shop Bcc: x@evil.test web.1 (5 in 300 s)",
    ],
    [
      "test email",
      { type: "test", consoleUrl: "https://monitor.example.com" },
      "[Dyno Monitor] Test email",
    ],
  ])("%s", (_name, input, subject) => {
    expect(renderEmail(input).subject).toBe(subject);
  });

  it("caps very long subjects", () => {
    const { subject } = renderEmail(notice({ target: { app: "a".repeat(500) } }));
    expect(subject.length).toBeLessThanOrEqual(200);
    expect(subject).not.toMatch(/[\r\n]/);
  });
});

describe("renderEmail bodies", () => {
  it("escapes user-controlled values in the HTML and keeps the text twin readable", () => {
    const hostile = notice({
      target: { app: "<script>alert(1)</script>", dyno: 'web.1" onmouseover="x' },
      rule: { ...notice().rule, name: "<b>bold</b> & 'quoted'" },
      incident: { ...notice().incident, acknowledgedBy: "<img src=x onerror=alert(1)>" },
      action: { kind: "restart_dyno", outcome: "failed", detail: "<iframe src=//evil>" },
      summary: "5 × R14 <in> 300 s",
    });
    const { html, text, subject } = renderEmail(hostile);
    expect(html).not.toMatch(/<script|<img|<iframe|<b>bold/i);
    expect(html).not.toContain('" onmouseover="');
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("&lt;b&gt;bold&lt;/b&gt; &amp; &#39;quoted&#39;");
    expect(html).toContain("&lt;iframe src=//evil&gt;");
    // plain text is not HTML: it carries the values as they are
    expect(text).toContain("<script>alert(1)</script>");
    expect(subject).toContain("<script>alert(1)</script>");
  });

  it("never links to a non-http URL", () => {
    const { html, text } = renderEmail(
      notice({
        incident: { ...notice().incident, url: "javascript:alert(1)" },
        consoleUrl: "data:text/html,hi",
      }),
    );
    expect(html).not.toMatch(/href="(javascript|data):/i);
    expect(html).not.toContain("Open the incident");
    expect(text).toContain("javascript:alert(1)"); // shown, not linked, in text
  });

  it("is email-client safe: tables and inline styles, no scripts, stylesheets or images", () => {
    const { html } = renderEmail(notice({ series: series([1, 2, 3, 4]) }));
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html).not.toMatch(/<(script|style|link|img|svg|iframe)\b/i);
    expect(html).toContain('role="presentation"');
  });

  it("explains the code, the window and the figures in plain words", () => {
    const { html, text } = renderEmail(notice());
    for (const body of [html, text]) {
      expect(body).toContain("Memory quota exceeded");
      expect(body).toContain("300 s (5 min)");
      expect(body).toContain("Rule “R14 on web” fired for shop-prod web.2: 5 × R14 in 300 s.");
      expect(body).toContain("2025-03-01 14:05 UTC");
      expect(body).toContain("Nobody has acknowledged this incident yet.");
    }
    expect(text).toMatch(/^Count: +5$/m);
    expect(text).toMatch(/^Threshold: +3$/m);
    expect(renderEmail(notice({ code: "H12" })).text).toContain("H12: Request timeout.");
  });

  it("shows memory against the quota", () => {
    const { text } = renderEmail(
      notice({
        code: "R14",
        rule: { id: "r", name: "RAM", kind: "memory", threshold: 500 },
        observed: { valueMb: 640, quotaMb: 512 },
      }),
    );
    expect(text).toMatch(/^Memory: +640 MB of 512 MB quota \(125%\)$/m);
    expect(text).toMatch(/^Threshold: +500 MB$/m);
  });

  it("draws the series as table-cell bars and as a text sparkline", () => {
    const points = series([0, 1, 2, 3, 4, 5, 6, 7]);
    const { html, text } = renderEmail(notice({ series: points }));
    expect(html.match(/valign="bottom"/g)).toHaveLength(8);
    expect(text).toContain("▁▂▃▄▅▆▇█");
    expect(text).toContain("14:00–14:07 UTC, peak 7, threshold 3");
    // bars at or over the threshold take the status colour
    expect(html.match(/background:#dc2626;font-size:1px/g)).toHaveLength(5);
  });

  it("keeps at most 60 bars, and skips the chart for fewer than two points", () => {
    const many = renderEmail(notice({ series: series(Array.from({ length: 240 }, (_, i) => i)) }));
    expect(many.html.match(/valign="bottom"/g)).toHaveLength(60);
    expect(many.text).toContain("peak 239");
    expect(renderEmail(notice({ series: series([5]) })).html).not.toContain('valign="bottom"');
    const broken = renderEmail(
      notice({
        series: [
          { t: 0, v: Number.NaN },
          { t: 1, v: 2 },
        ],
      }),
    );
    expect(broken.html).not.toContain('valign="bottom"');
  });

  it.each<[NonNullable<IncidentNotice["action"]>, string]>([
    [{ kind: "restart_dyno", outcome: "performed" }, "Automatic action: restarted dyno web.2."],
    [
      { kind: "restart_dyno_type", outcome: "skipped_cooling" },
      "Automatic action: did not restart every web dyno: the last restart is too recent",
    ],
    [
      { kind: "restart_app", outcome: "skipped_loop_guard" },
      "Automatic action: did not restart every dyno of shop-prod: the loop guard stopped it",
    ],
    [
      { kind: "restart_dyno", outcome: "skipped_dry_run" },
      "Automatic action: would restart dyno web.2, but the rule is in dry-run mode.",
    ],
    [
      { kind: "restart_dyno", outcome: "skipped_silenced" },
      "Automatic action: did not restart dyno web.2: the incident is silenced.",
    ],
    [
      { kind: "restart_dyno", outcome: "failed", detail: "Heroku answered 503" },
      "Automatic action: tried to restart dyno web.2, and the restart failed (Heroku answered 503).",
    ],
    [{ kind: "none", outcome: "performed" }, "Automatic action: none is configured for this rule."],
  ])("says what the action did: %o", (action, sentence) => {
    const { html, text } = renderEmail(notice({ action }));
    expect(text).toContain(sentence);
    expect(html).toContain(sentence.replace("Automatic action:", "").trim());
  });

  it("reports acknowledgement and the reminder number", () => {
    const { text } = renderEmail(
      notice({
        type: "repeat",
        repeatNumber: 3,
        incident: { ...notice().incident, acknowledgedBy: "ana@example.com" },
      }),
    );
    expect(text).toContain("Acknowledged by ana@example.com.");
    expect(text).toContain("This is reminder #3");
    expect(text.startsWith("STILL FIRING: R14 on shop-prod web.2")).toBe(true);
  });

  it("renders the resolved email with how long the incident lasted", () => {
    const { html, text } = renderEmail(resolved());
    expect(text.startsWith("RESOLVED: R14 on shop-prod web.2")).toBe(true);
    expect(text).toContain(
      "no longer fires for shop-prod web.2; the incident was open for 12 min.",
    );
    expect(text).toMatch(/^Resolved: +2025-03-01 14:17 UTC \(after 12 min\)$/m);
    expect(text).not.toContain("Nobody has acknowledged");
    expect(html).toContain("#16a34a");
  });

  it("links the incident in HTML and in the text twin", () => {
    const url = "https://monitor.example.com/incidents/inc_123";
    const { html, text } = renderEmail(notice());
    expect(html).toContain(`href="${url}"`);
    expect(text).toContain(`Open the incident: ${url}`);
    expect(text).toContain("Sent by Dyno Monitor · https://monitor.example.com/");
  });

  it("renders the test email with a console link and who asked", () => {
    const { html, text } = renderEmail({
      type: "test",
      consoleUrl: "https://monitor.example.com",
      requestedBy: "<ana>",
    });
    expect(text).toContain("If you can read it, email alerts reach this address.");
    expect(text).toContain("<ana> sent it from the settings page.");
    expect(text).toContain("Open Dyno Monitor: https://monitor.example.com/");
    expect(html).toContain("&lt;ana&gt;");
    expect(html).toContain('href="https://monitor.example.com/"');
  });

  it("is deterministic and carries no secrets", () => {
    const input = notice({ series: series([1, 2, 3]) });
    expect(renderEmail(input)).toEqual(renderEmail(input));
    expect(JSON.stringify(renderEmail(input))).not.toMatch(/re_[A-Za-z0-9]|api[_ -]?key|token/i);
  });
});

function series(values: number[]) {
  const start = Date.UTC(2025, 2, 1, 14, 0);
  return values.map((v, i) => ({ t: start + i * 60_000, v }));
}
