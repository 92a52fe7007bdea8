// The alert email: subject, an email-client-safe HTML body (tables, inline styles, no external CSS,
// scripts or images) and its plain-text twin. Pure: the same notice always renders the same email.
// Every value from a notice is escaped: app names, rule names and action details are user input.
import { formatDuration } from "@/lib/format";
import { codeInfo } from "@/lib/metrics/codes";
import type {
  ActionKind,
  ActionOutcome,
  IncidentNotice,
  Notice,
  RenderedEmail,
  RuleKind,
  SeriesPoint,
  TestNotice,
} from "@/lib/notify/types";
import { html, type SafeHtml, safeHref } from "./html";

const PRODUCT = "Dyno Monitor";
const PREFIX = `[${PRODUCT}]`;
const SUBJECT_MAX = 200;
const CHART_MAX_BARS = 60;
const CHART_HEIGHT = 48;
const SPARK = "▁▂▃▄▅▆▇█";

// Unquoted family names: a quote would be escaped inside the style attribute.
const FONT = "-apple-system,BlinkMacSystemFont,Segoe UI,Roboto,Helvetica,Arial,sans-serif";
const COLORS = {
  firing: "#dc2626",
  repeat: "#ea580c",
  resolved: "#16a34a",
  test: "#2563eb",
  text: "#18181b",
  muted: "#71717a",
  border: "#e4e4e7",
  page: "#f4f4f5",
  bar: "#94a3b8",
} as const;

const KIND_LABEL: Record<RuleKind, string> = {
  error_code: "Heroku error code",
  http_5xx: "HTTP 5xx rate",
  memory: "Memory use",
  load: "CPU load",
  crash: "Dyno crash",
  ingest_silence: "Log silence",
  check_failing: "Failing check",
};

/** The unit of `threshold` and `series` for each kind of rule. */
const KIND_UNIT: Record<RuleKind, string> = {
  error_code: "",
  http_5xx: "%",
  memory: " MB",
  load: "",
  crash: "",
  ingest_silence: " s",
  check_failing: "",
};

const STATUS_WORD: Record<Notice["type"], string> = {
  firing: "Firing",
  repeat: "Still firing",
  resolved: "Resolved",
  test: "Test",
};

export function renderEmail(notice: Notice): RenderedEmail {
  return notice.type === "test" ? renderTest(notice) : renderIncident(notice);
}

// ---------------------------------------------------------------------------------------------
// Incident emails

function renderIncident(notice: IncidentNotice): RenderedEmail {
  const subject = incidentSubject(notice);
  const color = COLORS[notice.type];
  const about = explain(notice);
  const facts = factRows(notice);
  const chart = chartData(notice);
  const action = actionSentence(notice);
  const status = statusLines(notice);
  const incidentHref = safeHref(notice.incident.url);
  const consoleHref = safeHref(notice.consoleUrl);
  const lead = leadSentence(notice);

  const body = html`
<tr><td style="padding:20px 24px 4px;">
  <h1 style="margin:0;font-size:20px;line-height:28px;color:${COLORS.text};">${headline(notice)} on ${targetLabel(notice)}</h1>
</td></tr>
<tr><td style="padding:8px 24px 0;font-size:15px;line-height:22px;">
  <p style="margin:0 0 8px;">${lead}</p>
  ${about.description ? html`<p style="margin:0 0 8px;"><strong>${about.title}</strong>: ${about.description}.</p>` : ""}
  ${about.advice ? html`<p style="margin:0 0 8px;color:${COLORS.muted};">${about.advice}</p>` : ""}
</td></tr>
<tr><td style="padding:8px 24px;">
  <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;font-size:14px;line-height:20px;">
    ${facts.map(
      ([label, value]) => html`<tr>
      <td style="padding:6px 12px 6px 0;border-top:1px solid ${COLORS.border};color:${COLORS.muted};white-space:nowrap;vertical-align:top;width:1%;">${label}</td>
      <td style="padding:6px 0;border-top:1px solid ${COLORS.border};vertical-align:top;">${value}</td>
    </tr>`,
    )}
  </table>
</td></tr>
${chart ? chartHtml(chart, color) : ""}
${
  action
    ? html`<tr><td style="padding:8px 24px;font-size:14px;line-height:20px;">
  <p style="margin:0;"><strong>Automatic action</strong>: ${action}</p>
</td></tr>`
    : ""
}
${
  status.length > 0
    ? html`<tr><td style="padding:8px 24px;font-size:14px;line-height:20px;">
  ${status.map((line) => html`<p style="margin:0 0 4px;">${line}</p>`)}
</td></tr>`
    : ""
}
${
  incidentHref
    ? html`<tr><td style="padding:16px 24px 8px;">
  ${button(incidentHref, "Open the incident", color)}
  <p style="margin:12px 0 0;font-size:12px;line-height:18px;color:${COLORS.muted};word-break:break-all;">${incidentHref}</p>
</td></tr>`
    : ""
}`;

  const text = [
    `${STATUS_WORD[notice.type].toUpperCase()}: ${headline(notice)} on ${targetLabel(notice)}`,
    "",
    lead,
    about.description ? `${about.title}: ${about.description}.` : null,
    about.advice,
    "",
    ...alignRows(facts),
    chart ? "" : null,
    chart ? chartText(chart) : null,
    action ? "" : null,
    action ? `Automatic action: ${action}` : null,
    status.length > 0 ? "" : null,
    ...status,
    "",
    `Open the incident: ${incidentHref ?? notice.incident.url}`,
    ...footerText(consoleHref),
  ];

  return {
    subject,
    html: layout(subject, notice.summary, color, STATUS_WORD[notice.type], body, consoleHref),
    text: joinText(text),
  };
}

function incidentSubject(notice: IncidentNotice): string {
  const what = `${headline(notice)} on ${targetLabel(notice)}`;
  const figures = subjectFigures(notice);
  const tail = figures ? ` (${figures})` : "";
  switch (notice.type) {
    case "firing":
      return oneLine(`${PREFIX} ${what}${tail}`, SUBJECT_MAX);
    case "repeat": {
      const n = notice.repeatNumber;
      return oneLine(`${PREFIX} Reminder${n ? ` #${n}` : ""}: ${what}${tail}`, SUBJECT_MAX);
    }
    case "resolved":
      return oneLine(`${PREFIX} Resolved: ${what}`, SUBJECT_MAX);
  }
}

/** "R14", "HTTP 5xx", "Memory"…: what the incident is about, in a word or two. */
function headline(notice: IncidentNotice): string {
  const code = notice.code?.trim();
  if (code && code !== "crashed") return oneLine(code, 20);
  switch (notice.rule.kind) {
    case "error_code":
      return oneLine(notice.rule.name, 60);
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
      return `Check “${oneLine(notice.rule.name, 60)}” failing`;
  }
}

function targetLabel(notice: IncidentNotice): string {
  const { app, dyno, dynoType } = notice.target;
  const where = dyno?.trim() || dynoType?.trim();
  return oneLine(where ? `${app} ${where}` : app, 80);
}

/** The short figures after the subject: "5 in 300 s", "612 MB of 512 MB", "load 4.2". */
function subjectFigures(notice: IncidentNotice): string | null {
  const { observed, rule } = notice;
  const window = rule.windowSeconds;
  const inWindow = window !== undefined ? ` in ${num(window)} s` : "";
  switch (rule.kind) {
    case "memory":
      if (observed.valueMb === undefined) break;
      return observed.quotaMb !== undefined
        ? `${num(observed.valueMb)} MB of ${num(observed.quotaMb)} MB`
        : `${num(observed.valueMb)} MB`;
    case "load":
      if (observed.load === undefined) break;
      return `load ${num(observed.load)}`;
    case "http_5xx":
      if (observed.percent !== undefined) return `${pct(observed.percent)}% 5xx${inWindow}`;
      break;
    case "ingest_silence":
      return window !== undefined ? `no logs for ${num(window)} s` : null;
    default:
      break;
  }
  if (observed.count !== undefined) return `${num(observed.count)}${inWindow}`;
  return null;
}

function leadSentence(notice: IncidentNotice): string {
  const rule = `Rule “${oneLine(notice.rule.name, 120)}”`;
  const summary = oneLine(notice.summary, 300);
  switch (notice.type) {
    case "firing":
      return `${rule} fired for ${targetLabel(notice)}: ${summary}.`;
    case "repeat":
      return `${rule} is still firing for ${targetLabel(notice)}: ${summary}.`;
    case "resolved": {
      const took = resolvedAfter(notice);
      return `${rule} no longer fires for ${targetLabel(notice)}${took ? `; the incident was open for ${took}` : ""}. Last figures: ${summary}.`;
    }
  }
}

/** The code or rule kind in plain words, with advice when there is some. */
function explain(notice: IncidentNotice): {
  title: string;
  description: string | null;
  advice: string | null;
} {
  const code = notice.code?.trim();
  if (code) {
    const info = codeInfo(code);
    return {
      title: code === "crashed" ? "Crash" : code,
      description: info.description,
      advice: info.advice,
    };
  }
  const title = KIND_LABEL[notice.rule.kind];
  switch (notice.rule.kind) {
    case "http_5xx":
      return {
        title,
        description: "the app answered too many requests with a server error (HTTP 500–599)",
        advice: "Look at the app's exceptions and at router errors (H12, H13) in the same window.",
      };
    case "memory":
      return {
        title,
        description: "the dyno used more memory than the rule allows",
        advice:
          "Above the dyno's quota Heroku swaps (R14) and then kills the dyno (R15): look for a leak, lower concurrency, or use a larger dyno.",
      };
    case "load":
      return {
        title,
        description: "the dyno's load average stayed above the rule's limit",
        advice:
          "The dyno is CPU-bound or waiting on I/O: scale out, or move heavy work to a worker.",
      };
    case "crash": {
      const info = codeInfo("crashed");
      return { title, description: info.description, advice: info.advice };
    }
    case "ingest_silence":
      return {
        title,
        description: "no log lines arrived from this app, so its charts and rules cannot see it",
        advice: "Check that the app's log drain still exists and points at this console.",
      };
    case "check_failing":
      return { title, description: "a health check is failing", advice: null };
    case "error_code":
      return { title, description: null, advice: null };
  }
}

function factRows(notice: IncidentNotice): [string, string][] {
  const { rule, target, observed, incident } = notice;
  const unit = KIND_UNIT[rule.kind];
  const rows: [string, string | null | undefined][] = [
    ["App", target.app],
    ["Dyno", target.dyno || target.dynoType],
    ["Rule", `${rule.name} (${KIND_LABEL[rule.kind]})`],
    ["Window", rule.windowSeconds !== undefined ? windowText(rule.windowSeconds) : null],
    ["Threshold", rule.threshold !== undefined ? `${num(rule.threshold)}${unit}` : null],
    ["Count", observed.count !== undefined ? num(observed.count) : null],
    [
      "5xx share",
      observed.percent !== undefined
        ? `${pct(observed.percent)}%${observed.requests !== undefined ? ` of ${num(observed.requests)} requests` : ""}`
        : null,
    ],
    [
      "Requests",
      observed.percent === undefined && observed.requests !== undefined
        ? num(observed.requests)
        : null,
    ],
    ["Memory", memoryText(observed.valueMb, observed.quotaMb)],
    ["Load", observed.load !== undefined ? num(observed.load) : null],
    ["Opened", utc(incident.openedAt)],
    [
      "Resolved",
      incident.resolvedAt
        ? `${utc(incident.resolvedAt)}${resolvedAfter(notice) ? ` (after ${resolvedAfter(notice)})` : ""}`
        : null,
    ],
    ["Incident", incident.id],
  ];
  return rows.flatMap(([label, value]) =>
    value === null || value === undefined || value === "" ? [] : [[label, oneLine(value, 300)]],
  );
}

function statusLines(notice: IncidentNotice): string[] {
  const lines: string[] = [];
  const by = notice.incident.acknowledgedBy?.trim();
  if (by) lines.push(`Acknowledged by ${oneLine(by, 120)}.`);
  else if (notice.type !== "resolved") lines.push("Nobody has acknowledged this incident yet.");
  if (notice.type === "repeat") {
    lines.push(
      notice.repeatNumber
        ? `This is reminder #${notice.repeatNumber}: reminders stop once the incident is acknowledged or resolved.`
        : "This is a reminder: reminders stop once the incident is acknowledged or resolved.",
    );
  }
  return lines;
}

function actionSentence(notice: IncidentNotice): string | null {
  const action = notice.action;
  if (!action) return null;
  const verb = actionVerb(action.kind, notice);
  const detail = action.detail?.trim() ? ` (${oneLine(action.detail, 300)})` : "";
  if (!verb) return `none is configured for this rule${detail}.`;
  const sentences: Record<ActionOutcome, string> = {
    performed: `${verb.done}.`,
    skipped_cooling: `did not ${verb.todo}: the last restart is too recent and its cooling period is still running.`,
    skipped_loop_guard: `did not ${verb.todo}: the loop guard stopped it after too many restarts in a row.`,
    skipped_dry_run: `would ${verb.todo}, but the rule is in dry-run mode.`,
    skipped_silenced: `did not ${verb.todo}: the incident is silenced.`,
    failed: `tried to ${verb.todo}, and the restart failed.`,
  };
  const sentence = sentences[action.outcome];
  return `${sentence.slice(0, -1)}${detail}.`;
}

function actionVerb(
  kind: ActionKind,
  notice: IncidentNotice,
): { done: string; todo: string } | null {
  const { app, dyno, dynoType } = notice.target;
  switch (kind) {
    case "none":
      return null;
    case "restart_dyno": {
      const name = dyno?.trim() ? `dyno ${dyno.trim()}` : "the dyno";
      return { done: `restarted ${name}`, todo: `restart ${name}` };
    }
    case "restart_dyno_type": {
      const what = dynoType?.trim() ? `every ${dynoType.trim()} dyno` : "every dyno of the type";
      return { done: `restarted ${what}`, todo: `restart ${what}` };
    }
    case "restart_app":
      return { done: `restarted every dyno of ${app}`, todo: `restart every dyno of ${app}` };
  }
}

// ---------------------------------------------------------------------------------------------
// The chart: a row of table cells (email clients drop SVG and canvas), and a unicode sparkline

type Chart = {
  values: number[];
  max: number;
  peak: number;
  threshold: number | null;
  unit: string;
  from: number;
  to: number;
};

function chartData(notice: IncidentNotice): Chart | null {
  const points = (notice.series ?? []).filter((p) => Number.isFinite(p.v) && Number.isFinite(p.t));
  if (points.length < 2) return null;
  const values = downsample(points, CHART_MAX_BARS);
  const peak = Math.max(...values);
  const threshold =
    notice.rule.threshold !== undefined && Number.isFinite(notice.rule.threshold)
      ? notice.rule.threshold
      : null;
  const max = Math.max(peak, threshold ?? 0, 0);
  return {
    values,
    max,
    peak,
    threshold,
    unit: KIND_UNIT[notice.rule.kind],
    from: points[0]?.t ?? 0,
    to: points[points.length - 1]?.t ?? 0,
  };
}

/** At most `bars` values, oldest first; each keeps the largest value of its slice. */
function downsample(points: SeriesPoint[], bars: number): number[] {
  if (points.length <= bars) return points.map((p) => p.v);
  const size = points.length / bars;
  return Array.from({ length: bars }, (_, i) =>
    Math.max(...points.slice(Math.floor(i * size), Math.floor((i + 1) * size)).map((p) => p.v)),
  );
}

function chartHtml(chart: Chart, color: string): SafeHtml {
  const width = Math.max(2, Math.floor(480 / chart.values.length) - 2);
  const cells = chart.values.map((v) => {
    const height =
      chart.max > 0 ? Math.max(1, Math.round((Math.max(v, 0) / chart.max) * CHART_HEIGHT)) : 1;
    const over = chart.threshold !== null && v >= chart.threshold;
    return html`<td valign="bottom" style="padding:0 1px;vertical-align:bottom;height:${CHART_HEIGHT}px;"><table role="presentation" cellpadding="0" cellspacing="0" border="0"><tr><td width="${width}" height="${height}" style="width:${width}px;height:${height}px;background:${over ? color : COLORS.bar};font-size:1px;line-height:1px;" title="${num(v)}${chart.unit}">&nbsp;</td></tr></table></td>`;
  });
  return html`<tr><td style="padding:8px 24px;">
  <table role="presentation" cellpadding="0" cellspacing="0" border="0" style="border-bottom:1px solid ${COLORS.border};"><tr>${cells}</tr></table>
  <p style="margin:6px 0 0;font-size:12px;line-height:18px;color:${COLORS.muted};">${chartCaption(chart)}</p>
</td></tr>`;
}

function chartText(chart: Chart): string {
  const line = chart.values
    .map((v) => {
      const level =
        chart.max > 0 ? Math.round((Math.max(v, 0) / chart.max) * (SPARK.length - 1)) : 0;
      return SPARK[level] ?? SPARK[0];
    })
    .join("");
  return `${line}\n${chartCaption(chart)}`;
}

function chartCaption(chart: Chart): string {
  const threshold =
    chart.threshold !== null ? `, threshold ${num(chart.threshold)}${chart.unit}` : "";
  return `${hhmm(chart.from)}–${hhmm(chart.to)} UTC, peak ${num(chart.peak)}${chart.unit}${threshold}`;
}

// ---------------------------------------------------------------------------------------------
// The test email

function renderTest(notice: TestNotice): RenderedEmail {
  const subject = `${PREFIX} Test email`;
  const consoleHref = safeHref(notice.consoleUrl);
  const by = notice.requestedBy?.trim() ? oneLine(notice.requestedBy, 120) : null;
  const lead = `This is a test email from ${PRODUCT}. If you can read it, email alerts reach this address.`;
  const asked = by ? `${by} sent it from the settings page.` : null;
  const body = html`
<tr><td style="padding:20px 24px 4px;">
  <h1 style="margin:0;font-size:20px;line-height:28px;color:${COLORS.text};">Email alerts work</h1>
</td></tr>
<tr><td style="padding:8px 24px 8px;font-size:15px;line-height:22px;">
  <p style="margin:0 0 8px;">${lead}</p>
  ${asked ? html`<p style="margin:0 0 8px;color:${COLORS.muted};">${asked}</p>` : ""}
</td></tr>
${consoleHref ? html`<tr><td style="padding:8px 24px;">${button(consoleHref, `Open ${PRODUCT}`, COLORS.test)}</td></tr>` : ""}`;
  const text = [
    "TEST: Email alerts work",
    "",
    lead,
    asked,
    "",
    consoleHref ? `Open ${PRODUCT}: ${consoleHref}` : null,
    ...footerText(consoleHref),
  ];
  return {
    subject,
    html: layout(subject, lead, COLORS.test, STATUS_WORD.test, body, consoleHref),
    text: joinText(text),
  };
}

// ---------------------------------------------------------------------------------------------
// Shared pieces

function layout(
  subject: string,
  preheader: string,
  color: string,
  status: string,
  body: SafeHtml,
  consoleHref: string | null,
): string {
  return html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${subject}</title>
</head>
<body style="margin:0;padding:0;background:${COLORS.page};">
<div style="display:none;max-height:0;overflow:hidden;mso-hide:all;">${oneLine(preheader, 200)}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:${COLORS.page};">
<tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" style="width:100%;max-width:600px;background:#ffffff;border:1px solid ${COLORS.border};border-top:4px solid ${color};font-family:${FONT};color:${COLORS.text};">
<tr><td style="padding:16px 24px 0;font-size:13px;line-height:20px;color:${COLORS.muted};">
  ${PRODUCT} &middot; <span style="display:inline-block;padding:1px 8px;border-radius:10px;background:${color};color:#ffffff;font-weight:bold;">${status}</span>
</td></tr>
${body}
<tr><td style="padding:16px 24px 20px;font-size:12px;line-height:18px;color:${COLORS.muted};border-top:1px solid ${COLORS.border};">
  Sent by ${PRODUCT}${consoleHref ? html` &middot; <a href="${consoleHref}" style="color:${COLORS.muted};">${consoleHref}</a>` : ""}. Rules, silences and recipients are managed in the console.
</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
`.value;
}

function button(href: string, label: string, color: string): SafeHtml {
  return html`<table role="presentation" cellpadding="0" cellspacing="0" border="0"><tr>
    <td style="border-radius:6px;background:${color};"><a href="${href}" style="display:inline-block;padding:10px 18px;font-size:15px;line-height:20px;color:#ffffff;text-decoration:none;font-weight:bold;">${label}</a></td>
  </tr></table>`;
}

function footerText(consoleHref: string | null): string[] {
  return ["", "--", `Sent by ${PRODUCT}${consoleHref ? ` · ${consoleHref}` : ""}`];
}

function alignRows(rows: [string, string][]): string[] {
  const width = Math.max(0, ...rows.map(([label]) => label.length)) + 2;
  return rows.map(([label, value]) => `${`${label}:`.padEnd(width)}${value}`);
}

function joinText(lines: (string | null | undefined)[]): string {
  return `${lines
    .filter((line): line is string => line !== null && line !== undefined)
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim()}\n`;
}

/** One line of at most `max` characters: control characters and line breaks become spaces. */
function oneLine(value: string, max: number): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
  const flat = value.replace(/[\u0000-\u001f\u007f\u2028\u2029\s]+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1).trimEnd()}…` : flat;
}

function num(value: number): string {
  if (!Number.isFinite(value)) return "–";
  return String(Number.isInteger(value) ? value : Number(value.toFixed(2)));
}

function pct(value: number): string {
  return Number.isFinite(value) ? String(Number(value.toFixed(1))) : "–";
}

function windowText(seconds: number): string {
  return seconds >= 120
    ? `${num(seconds)} s (${formatDuration(seconds * 1000)})`
    : `${num(seconds)} s`;
}

function memoryText(valueMb: number | undefined, quotaMb: number | undefined): string | null {
  if (valueMb === undefined) return null;
  if (quotaMb === undefined || quotaMb <= 0) return `${num(valueMb)} MB`;
  return `${num(valueMb)} MB of ${num(quotaMb)} MB quota (${Math.round((valueMb / quotaMb) * 100)}%)`;
}

function resolvedAfter(notice: IncidentNotice): string | null {
  const { openedAt, resolvedAt } = notice.incident;
  if (!resolvedAt) return null;
  const ms = resolvedAt.getTime() - openedAt.getTime();
  return Number.isFinite(ms) && ms >= 0 ? formatDuration(ms) : null;
}

function utc(date: Date): string {
  const ms = date.getTime();
  return Number.isFinite(ms)
    ? `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`
    : "–";
}

function hhmm(epochMs: number): string {
  return Number.isFinite(epochMs) ? new Date(epochMs).toISOString().slice(11, 16) : "–";
}
