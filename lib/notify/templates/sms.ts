// The alert SMS: one line that fits one GSM-7 segment (160 septets) whenever the link allows it.
// Pure: the same notice always renders the same text.
//
// Why GSM-7: a single character outside the GSM 03.38 alphabet (×, →, …, smart quotes, most
// accents) switches the whole SMS to UCS-2, where a segment holds 70 characters instead of 160:
// the same alert would cost three SMS. So text is converted to GSM-7 first (ASCII stand-ins, then
// accents stripped, then "?"), and when it is still too long the summary is shortened first, then
// the automatic action is dropped, then the target label is shortened. The link is never cut: a
// link that alone exceeds a segment makes a multi-part SMS rather than a broken link.
import type { ActionKind, ActionOutcome, IncidentNotice, Notice, TestNotice } from "../types";
import { safeHref } from "./html";

/** Septets in one GSM-7 segment; a longer text is split into parts of 153. */
export const SMS_SEGMENT_SEPTETS = 160;
const CONCAT_SEGMENT_SEPTETS = 153;
const UCS2_SEGMENT_UNITS = 70;
const UCS2_CONCAT_UNITS = 67;
/** A summary shorter than this (with its "...") says nothing: drop it instead. */
const MIN_SUMMARY = 8;
const ELLIPSIS = "...";

// GSM 03.38 default alphabet (one septet each) and its extension table (escape + one septet).
const GSM7_BASIC = new Set(
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà",
);
const GSM7_EXTENSION = new Set("\f^{}\\[~]|€");

/** ASCII stand-ins for characters that alerts and user input commonly contain. */
const REPLACEMENTS: Record<string, string> = {
  "×": "x",
  "→": "->",
  "←": "<-",
  "⇒": "=>",
  "…": "...",
  "‘": "'",
  "’": "'",
  "‚": "'",
  "‛": "'",
  "′": "'",
  "`": "'",
  "´": "'",
  "“": '"',
  "”": '"',
  "„": '"',
  "‟": '"',
  "″": '"',
  "«": '"',
  "»": '"',
  "–": "-",
  "—": "-",
  "‒": "-",
  "―": "-",
  "−": "-",
  "‐": "-",
  "‑": "-",
  "•": "*",
  "·": "-",
  "≥": ">=",
  "≤": "<=",
  "≠": "!=",
  "±": "+/-",
  "÷": "/",
  µ: "u",
  "°": " deg",
  "©": "(c)",
  "®": "(R)",
  "™": "TM",
  "\u00a0": " ",
  "\u2009": " ",
  "\u202f": " ",
  "\t": " ",
};

/** Septets the text takes in GSM-7, or null when a character has no GSM-7 encoding. */
export function gsm7Length(text: string): number | null {
  let septets = 0;
  for (const char of text) {
    if (GSM7_BASIC.has(char)) septets += 1;
    else if (GSM7_EXTENSION.has(char)) septets += 2;
    else return null;
  }
  return septets;
}

export function isGsm7(text: string): boolean {
  return gsm7Length(text) !== null;
}

/** How a text is sent: its encoding, its length in that encoding's units, and the SMS parts. */
export function smsSegments(text: string): {
  encoding: "GSM-7" | "UCS-2";
  units: number;
  segments: number;
} {
  const septets = gsm7Length(text);
  if (septets !== null) {
    return {
      encoding: "GSM-7",
      units: septets,
      segments: septets <= SMS_SEGMENT_SEPTETS ? 1 : Math.ceil(septets / CONCAT_SEGMENT_SEPTETS),
    };
  }
  const units = text.length; // UTF-16 code units: an emoji takes two, as in UCS-2/UTF-16 SMS
  return {
    encoding: "UCS-2",
    units,
    segments: units <= UCS2_SEGMENT_UNITS ? 1 : Math.ceil(units / UCS2_CONCAT_UNITS),
  };
}

/**
 * The text in the GSM-7 alphabet: known symbols become ASCII, accented letters outside the
 * alphabet lose their accent (ç → c, á → a; é and ü stay, GSM-7 has them), anything else "?".
 */
export function toGsm7(text: string): string {
  let out = "";
  for (const char of text) {
    if (GSM7_BASIC.has(char) || GSM7_EXTENSION.has(char)) {
      out += char;
      continue;
    }
    const replacement = REPLACEMENTS[char];
    if (replacement !== undefined) {
      out += replacement;
      continue;
    }
    const bare = char.normalize("NFD").replace(/\p{M}+/gu, "");
    out += bare && isGsm7(bare) ? bare : "?";
  }
  return out;
}

export function renderSms(notice: Notice): string {
  return notice.type === "test" ? renderTest(notice) : renderIncident(notice);
}

// ---------------------------------------------------------------------------------------------

type Parts = {
  prefix: string;
  head: string;
  summary: string;
  action: string;
  link: string;
};

function renderIncident(notice: IncidentNotice): string {
  const prefix =
    notice.type === "resolved"
      ? "RESOLVED"
      : notice.type === "repeat"
        ? `REMINDER${notice.repeatNumber ? ` #${notice.repeatNumber}` : ""}`
        : "";
  const parts: Parts = {
    prefix,
    head: text(`${headline(notice)} ${targetLabel(notice)}`),
    summary: notice.type === "resolved" ? "" : text(figures(notice) ?? notice.summary),
    action: notice.type === "resolved" ? "" : text(actionPhrase(notice) ?? ""),
    link: link(notice.incident.url),
  };
  return fitSegment(parts);
}

function renderTest(notice: TestNotice): string {
  const by = notice.requestedBy?.trim() ? text(notice.requestedBy) : "";
  const consoleLink = link(notice.consoleUrl);
  const base = "Dyno Monitor test SMS: alerts reach this number.";
  const withBy = by ? `${base} Sent by ${by}.` : base;
  const candidates = [withBy, base].map((t) => (consoleLink ? `${t} ${consoleLink}` : t));
  return candidates.find(fits) ?? candidates[candidates.length - 1] ?? base;
}

function compose({ prefix, head, summary, action, link }: Parts): string {
  let out = prefix ? `${prefix} ${head}` : head;
  if (summary) out += `: ${summary}${summary.endsWith(ELLIPSIS) ? "" : "."}`;
  if (action) out += ` ${action}.`;
  if (link) out += ` ${link}`;
  return out;
}

function fits(candidate: string): boolean {
  const septets = gsm7Length(candidate);
  return septets !== null && septets <= SMS_SEGMENT_SEPTETS;
}

/** The longest rendering that fits one segment: summary, then action, then the head give way. */
function fitSegment(parts: Parts): string {
  const full = compose(parts);
  if (fits(full)) return full;

  for (let keep = codePoints(parts.summary) - 1; keep >= MIN_SUMMARY; keep--) {
    const candidate = compose({ ...parts, summary: truncate(parts.summary, keep) });
    if (fits(candidate)) return candidate;
  }
  const noSummary = { ...parts, summary: "" };
  if (fits(compose(noSummary))) return compose(noSummary);

  const bare = { ...noSummary, action: "" };
  if (fits(compose(bare))) return compose(bare);

  for (let keep = codePoints(parts.head) - 1; keep >= MIN_SUMMARY; keep--) {
    const candidate = compose({ ...bare, head: truncate(parts.head, keep) });
    if (fits(candidate)) return candidate;
  }
  // The link alone is too long for one segment: send it whole, in several parts.
  return compose({ ...bare, head: truncate(parts.head, MIN_SUMMARY) });
}

function codePoints(value: string): number {
  return [...value].length;
}

/** At most `keep` characters, the last three of them "..." when something was cut. */
function truncate(value: string, keep: number): string {
  const chars = [...value];
  if (chars.length <= keep) return value;
  return `${chars
    .slice(0, Math.max(0, keep - ELLIPSIS.length))
    .join("")
    .trimEnd()}${ELLIPSIS}`;
}

/** One GSM-7 line: whitespace and control characters collapse to one space. */
function text(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: flattening them is the point
  const flat = value.replace(/[\u0000-\u001f\u007f\u2028\u2029\s]+/g, " ").trim();
  return toGsm7(flat)
    .replace(/ {2,}/g, " ")
    .replace(/[.\s]+$/, "");
}

/** An http(s) link whose characters are all GSM-7 (percent-encoding the few that are not). */
function link(url: string): string {
  const href = safeHref(url) ?? url.trim();
  let out = "";
  for (const char of href) {
    out += isGsm7(char) && !/\s/.test(char) ? char : encodeURIComponent(char);
  }
  return out;
}

/** "R14", "HTTP 5xx", "High memory"…: what the incident is about, in a word or two. */
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
      return `Check ${notice.rule.name} failing`;
  }
}

function targetLabel(notice: IncidentNotice): string {
  const { app, dyno, dynoType } = notice.target;
  const where = dyno?.trim() || dynoType?.trim();
  return where ? `${app} ${where}` : app;
}

/** Compact figures: "5 in 300s", "612MB of 512MB", "load 4.2", "12.5% 5xx in 300s". */
function figures(notice: IncidentNotice): string | null {
  const { observed, rule } = notice;
  const window = rule.windowSeconds;
  const inWindow = window !== undefined && Number.isFinite(window) ? ` in ${num(window)}s` : "";
  switch (rule.kind) {
    case "memory":
      if (observed.valueMb === undefined) break;
      return observed.quotaMb !== undefined
        ? `${num(observed.valueMb)}MB of ${num(observed.quotaMb)}MB`
        : `${num(observed.valueMb)}MB`;
    case "load":
      if (observed.load === undefined) break;
      return `load ${num(observed.load)}`;
    case "http_5xx":
      if (observed.percent !== undefined) {
        return `${Number(observed.percent.toFixed(1))}% 5xx${inWindow}`;
      }
      break;
    case "ingest_silence":
      if (window !== undefined) return `no logs for ${num(window)}s`;
      break;
    default:
      break;
  }
  if (observed.count !== undefined) return `${num(observed.count)}${inWindow}`;
  return null;
}

function actionPhrase(notice: IncidentNotice): string | null {
  const action = notice.action;
  if (!action || action.kind === "none") return null;
  const what = restartTarget(action.kind, notice);
  const phrases: Record<ActionOutcome, string> = {
    performed: `Restarted ${what}`,
    skipped_cooling: "No restart: cooling period",
    skipped_loop_guard: "No restart: loop guard",
    skipped_dry_run: `Dry run: would restart ${what}`,
    skipped_silenced: "No restart: silenced",
    failed: "Restart failed",
  };
  return phrases[action.outcome];
}

function restartTarget(kind: Exclude<ActionKind, "none">, notice: IncidentNotice): string {
  const { dyno, dynoType } = notice.target;
  switch (kind) {
    case "restart_dyno":
      return dyno?.trim() || "the dyno";
    case "restart_dyno_type":
      return dynoType?.trim() ? `all ${dynoType.trim()} dynos` : "the dyno type";
    case "restart_app":
      return "all dynos";
  }
}

function num(value: number): string {
  if (!Number.isFinite(value)) return "-";
  return String(Number.isInteger(value) ? value : Number(value.toFixed(2)));
}
