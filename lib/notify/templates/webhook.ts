// Webhook payloads and their signature. Pure, except that verifyWebhookSignature reads the clock
// when the caller passes no `nowSeconds`.
//
// Two presets: "generic" is Dyno Monitor's own versioned JSON (below), "slack" is Slack's
// incoming-webhook format ({ text, blocks }). Every delivery is signed the same way, so a receiver
// can check it came from this console and was not replayed:
//
//   X-Dyno-Monitor-Timestamp: <unix seconds>
//   X-Dyno-Monitor-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
//   X-Dyno-Monitor-Delivery:  <idempotency key, the same on every retry of one delivery>
//
// verifyWebhookSignature is the reference implementation for receivers: compute the HMAC over the
// raw request bytes (never over re-serialised JSON), compare in constant time, and reject a
// timestamp more than five minutes away from now.
import { createHmac, timingSafeEqual } from "node:crypto";
import type {
  ActionKind,
  ActionOutcome,
  IncidentNotice,
  Notice,
  RuleKind,
  TestNotice,
  WebhookPreset,
} from "../types";
import { safeHref } from "./html";

export const WEBHOOK_VERSION = 1;
export const TIMESTAMP_HEADER = "X-Dyno-Monitor-Timestamp";
export const SIGNATURE_HEADER = "X-Dyno-Monitor-Signature";
export const DELIVERY_HEADER = "X-Dyno-Monitor-Delivery";
export const WEBHOOK_USER_AGENT = "dyno-monitor";
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** The generic payload, version 1. Dates are ISO 8601 strings in UTC. */
export type GenericWebhookPayload = {
  version: 1;
  type: Notice["type"];
  incident: {
    id: string;
    url: string;
    state: IncidentNotice["incident"]["state"];
    fingerprint?: string;
    openedAt: string;
    resolvedAt: string | null;
    acknowledgedBy: string | null;
  } | null;
  rule: { id: string; name: string; kind: RuleKind } | null;
  target: { app: string; dynoType: string | null; dyno: string | null } | null;
  code: string | null;
  summary: string;
  observed: IncidentNotice["observed"] | null;
  action: { kind: ActionKind; outcome: ActionOutcome; detail: string | null } | null;
  /** 1 for the first reminder… on "repeat" deliveries, else null. */
  repeatNumber: number | null;
  /** On "test" deliveries: who pressed the button. */
  requestedBy?: string | null;
  links: { incident: string | null; console: string };
};

type SlackText = { type: "plain_text" | "mrkdwn"; text: string; emoji?: boolean };
export type SlackBlock =
  | { type: "header"; text: SlackText }
  | { type: "section"; text?: SlackText; fields?: SlackText[] }
  | { type: "context"; elements: SlackText[] }
  | {
      type: "actions";
      elements: { type: "button"; text: SlackText; url: string; style?: "primary" | "danger" }[];
    };

/** Slack incoming-webhook body: `text` is the notification fallback, `blocks` the message. */
export type SlackWebhookPayload = { text: string; blocks: SlackBlock[] };

export function renderWebhookPayload(notice: Notice, preset: "generic"): GenericWebhookPayload;
export function renderWebhookPayload(notice: Notice, preset: "slack"): SlackWebhookPayload;
export function renderWebhookPayload(
  notice: Notice,
  preset: WebhookPreset,
): GenericWebhookPayload | SlackWebhookPayload;
export function renderWebhookPayload(
  notice: Notice,
  preset: WebhookPreset,
): GenericWebhookPayload | SlackWebhookPayload {
  return preset === "slack" ? slackPayload(notice) : genericPayload(notice);
}

/** The exact body to sign and send: JSON of renderWebhookPayload. */
export function renderWebhookBody(notice: Notice, preset: WebhookPreset): string {
  return JSON.stringify(renderWebhookPayload(notice, preset));
}

// ---------------------------------------------------------------------------------------------
// Generic

function genericPayload(notice: Notice): GenericWebhookPayload {
  const consoleUrl = notice.consoleUrl.replace(/\/+$/, "");
  if (notice.type === "test") {
    return {
      version: WEBHOOK_VERSION,
      type: "test",
      incident: null,
      rule: null,
      target: null,
      code: null,
      summary: testSentence(notice),
      observed: null,
      action: null,
      repeatNumber: null,
      requestedBy: notice.requestedBy?.trim() || null,
      links: { incident: null, console: consoleUrl },
    };
  }
  const { incident, rule, target } = notice;
  return {
    version: WEBHOOK_VERSION,
    type: notice.type,
    incident: {
      id: incident.id,
      url: incident.url,
      state: incident.state,
      ...(incident.fingerprint ? { fingerprint: incident.fingerprint } : {}),
      openedAt: iso(incident.openedAt),
      resolvedAt: incident.resolvedAt ? iso(incident.resolvedAt) : null,
      acknowledgedBy: incident.acknowledgedBy?.trim() || null,
    },
    rule: { id: rule.id, name: rule.name, kind: rule.kind },
    target: {
      app: target.app,
      dynoType: target.dynoType?.trim() || null,
      dyno: target.dyno?.trim() || null,
    },
    code: notice.code?.trim() || null,
    summary: notice.summary,
    observed: { ...notice.observed },
    action: notice.action
      ? {
          kind: notice.action.kind,
          outcome: notice.action.outcome,
          detail: notice.action.detail?.trim() || null,
        }
      : null,
    repeatNumber: notice.type === "repeat" ? (notice.repeatNumber ?? null) : null,
    links: { incident: incident.url, console: consoleUrl },
  };
}

function iso(date: Date): string {
  const ms = new Date(date).getTime();
  return Number.isFinite(ms) ? new Date(ms).toISOString() : String(date);
}

// ---------------------------------------------------------------------------------------------
// Slack (https://api.slack.com/messaging/webhooks, Block Kit)

const SLACK_HEADER_MAX = 150;
const SLACK_TEXT_MAX = 3000;
const SLACK_FIELD_MAX = 2000;
const STATUS_EMOJI: Record<Notice["type"], string> = {
  firing: ":rotating_light:",
  repeat: ":warning:",
  resolved: ":white_check_mark:",
  test: ":wave:",
};
const STATUS_WORD: Record<IncidentNotice["type"], string> = {
  firing: "Firing",
  repeat: "Still firing",
  resolved: "Resolved",
};

function slackPayload(notice: Notice): SlackWebhookPayload {
  return notice.type === "test" ? slackTest(notice) : slackIncident(notice);
}

function slackIncident(notice: IncidentNotice): SlackWebhookPayload {
  const { target } = notice;
  const where = target.dyno?.trim() || target.dynoType?.trim();
  const what = `${headline(notice)} on ${target.app}${where ? ` ${where}` : ""}`;
  const status =
    notice.type === "repeat" && notice.repeatNumber
      ? `${STATUS_WORD.repeat} (reminder #${notice.repeatNumber})`
      : STATUS_WORD[notice.type];
  const title = `${status}: ${what}`;
  const incidentHref = safeHref(notice.incident.url);

  const fields: SlackText[] = [
    field("App", target.app),
    where ? field("Dyno", where) : null,
    notice.code?.trim() ? field("Code", notice.code.trim()) : null,
    field("Rule", notice.rule.name),
    actionText(notice) ? field("Action", actionText(notice) ?? "") : null,
    notice.incident.acknowledgedBy?.trim()
      ? field("Acknowledged by", notice.incident.acknowledgedBy.trim())
      : null,
  ].filter((f): f is SlackText => f !== null);

  const summary = incidentHref
    ? `${mrkdwn(notice.summary)} · <${slackUrl(incidentHref)}|Open the incident>`
    : mrkdwn(notice.summary);

  const blocks: SlackBlock[] = [
    { type: "header", text: plain(title, SLACK_HEADER_MAX) },
    { type: "section", text: { type: "mrkdwn", text: clip(summary, SLACK_TEXT_MAX) } },
    { type: "section", fields },
  ];
  if (incidentHref) {
    blocks.push({
      type: "actions",
      elements: [
        {
          type: "button",
          text: plain("Open the incident", 75),
          url: incidentHref,
          ...(notice.type === "resolved" ? {} : { style: "danger" as const }),
        },
      ],
    });
  }
  blocks.push({
    type: "context",
    elements: [
      {
        type: "mrkdwn",
        text: clip(
          `Dyno Monitor · incident ${mrkdwn(notice.incident.id)} · opened ${iso(notice.incident.openedAt)}`,
          SLACK_TEXT_MAX,
        ),
      },
    ],
  });
  return {
    text: clip(
      `${STATUS_EMOJI[notice.type]} ${mrkdwn(title)}: ${mrkdwn(notice.summary)}`,
      SLACK_TEXT_MAX,
    ),
    blocks,
  };
}

function slackTest(notice: TestNotice): SlackWebhookPayload {
  const sentence = testSentence(notice);
  const consoleHref = safeHref(notice.consoleUrl);
  const blocks: SlackBlock[] = [
    { type: "header", text: plain("Dyno Monitor test message", SLACK_HEADER_MAX) },
    { type: "section", text: { type: "mrkdwn", text: clip(mrkdwn(sentence), SLACK_TEXT_MAX) } },
  ];
  if (consoleHref) {
    blocks.push({
      type: "actions",
      elements: [
        {
          type: "button",
          text: plain("Open Dyno Monitor", 75),
          url: consoleHref,
          style: "primary",
        },
      ],
    });
  }
  return { text: `${STATUS_EMOJI.test} ${mrkdwn(sentence)}`, blocks };
}

function field(label: string, value: string): SlackText {
  return { type: "mrkdwn", text: clip(`*${label}*\n${mrkdwn(value)}`, SLACK_FIELD_MAX) };
}

function plain(text: string, max: number): SlackText {
  return { type: "plain_text", text: clip(oneLine(text), max), emoji: true };
}

/** Slack mrkdwn: &, < and > are control characters and must be escaped. */
function mrkdwn(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** A URL inside <url|label>: "|" and ">" would end it early. */
function slackUrl(href: string): string {
  return href.replace(/\|/g, "%7C").replace(/>/g, "%3E");
}

function headline(notice: IncidentNotice): string {
  const code = notice.code?.trim();
  if (code && code !== "crashed") return code;
  switch (notice.rule.kind) {
    case "error_code":
      return notice.rule.name;
    case "http_5xx":
      return "HTTP 5xx";
    case "memory":
      return "High memory";
    case "load":
      return "High load";
    case "crash":
      return "Crash";
    case "ingest_silence":
      return "No logs";
    case "check_failing":
      return `Check "${notice.rule.name}" failing`;
  }
}

function actionText(notice: IncidentNotice): string | null {
  const action = notice.action;
  if (!action || action.kind === "none") return null;
  const { app, dyno, dynoType } = notice.target;
  const what =
    action.kind === "restart_dyno"
      ? dyno?.trim() || "the dyno"
      : action.kind === "restart_dyno_type"
        ? `every ${dynoType?.trim() || ""} dyno`.replace("  ", " ")
        : `every dyno of ${app}`;
  const outcome: Record<ActionOutcome, string> = {
    performed: `Restarted ${what}`,
    skipped_cooling: `Did not restart ${what}: cooling period`,
    skipped_loop_guard: `Did not restart ${what}: loop guard`,
    skipped_dry_run: `Would restart ${what} (dry run)`,
    skipped_silenced: `Did not restart ${what}: silenced`,
    failed: `Restarting ${what} failed`,
  };
  const detail = action.detail?.trim();
  return detail ? `${outcome[action.outcome]} (${oneLine(detail)})` : outcome[action.outcome];
}

function testSentence(notice: TestNotice): string {
  const by = notice.requestedBy?.trim();
  return `This is a test message from Dyno Monitor${by ? `, sent by ${oneLine(by)}` : ""}. If you can read it, webhook alerts reach this endpoint.`;
}

function oneLine(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: flattening them is the point
  return value.replace(/[\u0000-\u001f\u007f\u2028\u2029\s]+/g, " ").trim();
}

function clip(value: string, max: number): string {
  const chars = [...value];
  return chars.length > max ? `${chars.slice(0, max - 1).join("")}…` : value;
}

// ---------------------------------------------------------------------------------------------
// Signature

/** Hex HMAC-SHA256 of `"<timestamp>.<raw body>"` with the secret as key. */
export function signWebhook(
  secret: string,
  timestampSeconds: number,
  rawBody: string | Uint8Array,
): string {
  return createHmac("sha256", secret)
    .update(`${Math.trunc(timestampSeconds)}.`, "utf8")
    .update(typeof rawBody === "string" ? Buffer.from(rawBody, "utf8") : rawBody)
    .digest("hex");
}

export type WebhookHeaderInput = {
  /** Empty: no signature header (Slack only: Slack ignores it, and its URL is the secret). */
  secret: string;
  body: string | Uint8Array;
  idempotencyKey: string;
  timestampSeconds: number;
};

/** Every header of a delivery: content type, user agent, delivery id, timestamp, signature. */
export function webhookHeaders(input: WebhookHeaderInput): Record<string, string> {
  const timestamp = String(Math.trunc(input.timestampSeconds));
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "User-Agent": WEBHOOK_USER_AGENT,
    [DELIVERY_HEADER]: input.idempotencyKey,
    [TIMESTAMP_HEADER]: timestamp,
  };
  if (input.secret) {
    headers[SIGNATURE_HEADER] =
      `sha256=${signWebhook(input.secret, input.timestampSeconds, input.body)}`;
  }
  return headers;
}

export type HeaderSource =
  | Headers
  | Record<string, string | string[] | undefined>
  | { get(name: string): string | null };

export type VerifyResult =
  | { ok: true; timestampSeconds: number }
  | {
      ok: false;
      reason:
        | "missing_timestamp"
        | "invalid_timestamp"
        | "stale_timestamp"
        | "missing_signature"
        | "signature_mismatch";
    };

/**
 * Checks a delivery the way a receiver should: the timestamp is within `toleranceSeconds` of now
 * (either way), and one of the `sha256=` signatures in the header (comma-separated, so a sender can
 * sign with an old and a new secret while rotating) equals the HMAC of the raw body bytes, compared
 * in constant time.
 */
export function verifyWebhookSignature(
  secret: string,
  headers: HeaderSource,
  rawBody: string | Uint8Array,
  toleranceSeconds: number = DEFAULT_TOLERANCE_SECONDS,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): VerifyResult {
  const timestampText = header(headers, TIMESTAMP_HEADER)?.trim();
  if (!timestampText) return { ok: false, reason: "missing_timestamp" };
  if (!/^\d{1,12}$/.test(timestampText)) return { ok: false, reason: "invalid_timestamp" };
  const timestamp = Number(timestampText);
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) {
    return { ok: false, reason: "stale_timestamp" };
  }

  const signatureText = header(headers, SIGNATURE_HEADER);
  const candidates = (signatureText ?? "")
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part.toLowerCase().startsWith("sha256="))
    .map((part) => part.slice("sha256=".length));
  if (candidates.length === 0) return { ok: false, reason: "missing_signature" };

  const expected = Buffer.from(signWebhook(secret, timestamp, rawBody), "hex");
  let match = false;
  for (const candidate of candidates) {
    // Malformed hex cannot match, but is still compared (against zeros) so that every candidate
    // costs the same: the timing tells nothing about which check failed.
    const wellFormed = /^[0-9a-f]{64}$/i.test(candidate);
    const given = wellFormed ? Buffer.from(candidate, "hex") : Buffer.alloc(expected.length);
    if (timingSafeEqual(given, expected) && wellFormed) match = true;
  }
  return match
    ? { ok: true, timestampSeconds: timestamp }
    : { ok: false, reason: "signature_mismatch" };
}

function header(headers: HeaderSource, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === "function") {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(
    headers as Record<string, string | string[] | undefined>,
  )) {
    if (key.toLowerCase() !== lower || value === undefined) continue;
    return Array.isArray(value) ? value.join(", ") : value;
  }
  return undefined;
}
