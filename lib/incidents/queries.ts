// Reads for the Incidents, Outbox and Activity pages (and the Overview's open-incident counts).
// Read-only; rows come back as plain serialisable objects (ISO times) for server components.
import "server-only";
import {
  and,
  asc,
  desc,
  eq,
  getTableColumns,
  gt,
  inArray,
  ne,
  or,
  type SQL,
  sql,
} from "drizzle-orm";
import { z } from "zod";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import {
  type Action,
  type ActionMeasure,
  type ActionStatus,
  actions,
  apps,
  type Channel,
  type Incident,
  type IncidentEvent,
  type IncidentState,
  incidentEvents,
  incidents,
  type Notification,
  type NotificationStatus,
  notifications,
  type RuleKind,
  rules,
  silences,
} from "@/lib/db/schema";
import { maskUrls } from "@/lib/mask-urls";
import { text } from "@/lib/validation";

const iso = (value: Date | null) => (value ? value.toISOString() : null);
const first = (value: unknown) => (Array.isArray(value) ? value[0] : value);

// ---------- cursors: keyset pagination, newest first, ties broken by id ----------

type Cursor = { at: Date; id: string };

const cursorPattern =
  /^(\d{1,15})\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

function encodeCursor(at: Date, id: string): string {
  return `${at.getTime()}.${id}`;
}

function decodeCursor(value: string | undefined): Cursor | null {
  const match = value ? cursorPattern.exec(value) : null;
  if (!match?.[1] || !match[2]) return null;
  return { at: new Date(Number(match[1])), id: match[2] };
}

/** `(at, id) < (cursor.at, cursor.id)`: the rows after the cursor in newest-first order. */
function olderThan(at: SQL, id: SQL, cursor: Cursor): SQL {
  return sql`(${at}, ${id}) < (${cursor.at.toISOString()}::timestamptz, ${cursor.id}::uuid)`;
}

export type Page<T> = { rows: T[]; next: string | null };

// ---------- incidents ----------

export const INCIDENT_STATE_FILTERS = ["open", "resolved", "all"] as const;
export type IncidentStateFilter = (typeof INCIDENT_STATE_FILTERS)[number];

/** The list's filters from the URL; anything malformed falls back to the default. */
export const incidentFiltersSchema = z.object({
  state: z.preprocess(first, z.enum(INCIDENT_STATE_FILTERS).catch("open")),
  app: z.preprocess(first, text().min(1).max(100).optional().catch(undefined)),
  /** `<0 open | 1 resolved>.<opened at, epoch ms>.<id>` of the last row shown. */
  before: z.preprocess(
    first,
    z
      .string()
      .regex(/^[01]\.\d{1,15}\.[0-9a-f-]{36}$/i)
      .optional()
      .catch(undefined),
  ),
});
export type IncidentFilters = z.infer<typeof incidentFiltersSchema>;

export function parseIncidentFilters(searchParams: Record<string, unknown>): IncidentFilters {
  return incidentFiltersSchema.parse({
    state: searchParams.state ?? undefined,
    app: searchParams.app ?? undefined,
    before: searchParams.before ?? undefined,
  });
}

export type NoticeCounts = Record<NotificationStatus, number> & { total: number };

export type IncidentRow = {
  id: string;
  state: IncidentState;
  ruleId: string | null;
  ruleName: string;
  kind: RuleKind;
  appId: string | null;
  appName: string;
  dynoType: string | null;
  dyno: string | null;
  code: string | null;
  summary: string;
  value: number | null;
  peakValue: number | null;
  openedAt: string;
  firingAt: string | null;
  resolvedAt: string | null;
  lastSeenAt: string;
  /** Firing notice and reminders (the machine's count). */
  notificationsSent: number;
  lastNotifiedAt: string | null;
  /** Every message in the outbox for this incident, by status. */
  notices: NoticeCounts;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  restarts: number;
};

const emptyCounts = (): NoticeCounts => ({ total: 0, pending: 0, sent: 0, held: 0, failed: 0 });

function toIncidentRow(incident: Incident, notices: NoticeCounts): IncidentRow {
  return {
    id: incident.id,
    state: incident.state,
    ruleId: incident.ruleId,
    ruleName: incident.ruleName,
    kind: incident.kind,
    appId: incident.appId,
    appName: incident.appName,
    dynoType: incident.dynoType,
    dyno: incident.dyno,
    code: incident.code,
    summary: incident.summary,
    value: incident.value,
    peakValue: incident.peakValue,
    openedAt: incident.openedAt.toISOString(),
    firingAt: iso(incident.firingAt),
    resolvedAt: iso(incident.resolvedAt),
    lastSeenAt: incident.lastSeenAt.toISOString(),
    notificationsSent: incident.notificationsSent,
    lastNotifiedAt: iso(incident.lastNotifiedAt),
    notices,
    acknowledgedAt: iso(incident.acknowledgedAt),
    acknowledgedBy: incident.acknowledgedBy,
    restarts: incident.restarts,
  };
}

async function noticeCounts(ids: string[]): Promise<Map<string, NoticeCounts>> {
  const counts = new Map<string, NoticeCounts>();
  if (ids.length === 0) return counts;
  const rows = await getDb()
    .select({
      incidentId: notifications.incidentId,
      status: notifications.status,
      n: sql<number>`count(*)::int`,
    })
    .from(notifications)
    .where(inArray(notifications.incidentId, ids))
    .groupBy(notifications.incidentId, notifications.status);
  for (const row of rows) {
    if (!row.incidentId) continue;
    const entry = counts.get(row.incidentId) ?? emptyCounts();
    entry[row.status] += Number(row.n);
    entry.total += Number(row.n);
    counts.set(row.incidentId, entry);
  }
  return counts;
}

const resolvedRank = sql<number>`(case when ${incidents.state} = 'resolved' then 1 else 0 end)`;

/**
 * Incidents matching the filters: open ones (pending, firing) first, then resolved; newest opened
 * first within each. `next` is the `before` value of the following page.
 */
export async function listIncidents(
  filters: IncidentFilters,
  options: { limit?: number } = {},
): Promise<Page<IncidentRow>> {
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 200);
  const conditions: (SQL | undefined)[] = [
    filters.state === "open"
      ? ne(incidents.state, "resolved")
      : filters.state === "resolved"
        ? eq(incidents.state, "resolved")
        : undefined,
    filters.app ? eq(incidents.appName, filters.app) : undefined,
  ];
  const rank = filters.before ? Number(filters.before.slice(0, 1)) : null;
  const cursor = decodeCursor(filters.before?.slice(2));
  if (cursor && rank !== null) {
    // open first, then newest first: past the cursor is a later group, or older in the same group
    conditions.push(
      or(
        sql`${resolvedRank} > ${rank}`,
        and(
          sql`${resolvedRank} = ${rank}`,
          olderThan(sql`${incidents.openedAt}`, sql`${incidents.id}`, cursor),
        ),
      ),
    );
  }
  const rows = await getDb()
    .select()
    .from(incidents)
    .where(and(...conditions))
    .orderBy(asc(resolvedRank), desc(incidents.openedAt), desc(incidents.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const counts = await noticeCounts(page.map((r) => r.id));
  const last = page.at(-1);
  return {
    rows: page.map((row) => toIncidentRow(row, counts.get(row.id) ?? emptyCounts())),
    next:
      rows.length > limit && last
        ? `${last.state === "resolved" ? 1 : 0}.${encodeCursor(last.openedAt, last.id)}`
        : null,
  };
}

/** App names that have incidents, for the list's app filter. */
export async function listIncidentAppNames(): Promise<string[]> {
  const rows = await getDb()
    .selectDistinct({ name: incidents.appName })
    .from(incidents)
    .orderBy(asc(incidents.appName));
  return rows.map((r) => r.name);
}

export type OpenIncidentCount = {
  appId: string | null;
  appName: string;
  pending: number;
  firing: number;
};

/** Open incidents per app, for the Overview. */
export async function countOpenIncidentsByApp(): Promise<OpenIncidentCount[]> {
  const rows = await getDb()
    .select({
      appId: incidents.appId,
      appName: incidents.appName,
      state: incidents.state,
      n: sql<number>`count(*)::int`,
    })
    .from(incidents)
    .where(ne(incidents.state, "resolved"))
    .groupBy(incidents.appId, incidents.appName, incidents.state);
  const byApp = new Map<string, OpenIncidentCount>();
  for (const row of rows) {
    const key = row.appId ?? row.appName;
    const entry = byApp.get(key) ?? {
      appId: row.appId,
      appName: row.appName,
      pending: 0,
      firing: 0,
    };
    if (row.state === "pending") entry.pending += Number(row.n);
    else entry.firing += Number(row.n);
    byApp.set(key, entry);
  }
  return [...byApp.values()].sort(
    (a, b) => b.firing - a.firing || a.appName.localeCompare(b.appName),
  );
}

// ---------- notifications ----------

export type NotificationRow = {
  id: string;
  incidentId: string | null;
  channel: Channel;
  type: string;
  recipients: string[];
  subject: string;
  status: NotificationStatus;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  providerId: string | null;
  providerResponse: string | null;
  createdAt: string;
  sentAt: string | null;
};

/** A notification with its plain-text body: the stored HTML is never handed to a page. */
export type NotificationMessage = NotificationRow & { text: string | null };

/** A provider's text as shown: rows stored before masking covered query strings may hold URLs. */
const shown = (value: string | null) => (value === null ? null : maskUrls(value));

function toNotificationRow(row: Omit<Notification, "body">): NotificationRow {
  return {
    id: row.id,
    incidentId: row.incidentId,
    channel: row.channel,
    type: row.type,
    recipients: row.recipients,
    subject: row.subject,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.nextAttemptAt.toISOString(),
    lastError: shown(row.lastError),
    providerId: row.providerId,
    providerResponse: shown(row.providerResponse),
    createdAt: row.createdAt.toISOString(),
    sentAt: iso(row.sentAt),
  };
}

function textOf(body: Record<string, unknown>): string | null {
  return typeof body.text === "string" ? body.text : null;
}

function toMessage(row: Notification): NotificationMessage {
  return { ...toNotificationRow(row), text: textOf(row.body) };
}

const { body: _body, ...notificationColumns } = getTableColumns(notifications);

export const OUTBOX_STATUS_FILTERS = ["all", "pending", "sent", "held", "failed"] as const;
export type OutboxStatusFilter = (typeof OUTBOX_STATUS_FILTERS)[number];

export const outboxFiltersSchema = z.object({
  status: z.preprocess(first, z.enum(OUTBOX_STATUS_FILTERS).catch("all")),
  before: z.preprocess(first, z.string().regex(cursorPattern).optional().catch(undefined)),
  view: z.preprocess(first, z.uuid().optional().catch(undefined)),
});
export type OutboxFilters = z.infer<typeof outboxFiltersSchema>;

export function parseOutboxFilters(searchParams: Record<string, unknown>): OutboxFilters {
  return outboxFiltersSchema.parse({
    status: searchParams.status ?? undefined,
    before: searchParams.before ?? undefined,
    view: searchParams.view ?? undefined,
  });
}

/** Every notification, newest first (without bodies). */
export async function listOutbox(
  filters: Pick<OutboxFilters, "status" | "before">,
  options: { limit?: number } = {},
): Promise<Page<NotificationRow>> {
  const limit = Math.min(Math.max(options.limit ?? 100, 1), 500);
  const cursor = decodeCursor(filters.before);
  const rows = await getDb()
    .select(notificationColumns)
    .from(notifications)
    .where(
      and(
        filters.status === "all" ? undefined : eq(notifications.status, filters.status),
        cursor
          ? olderThan(sql`${notifications.createdAt}`, sql`${notifications.id}`, cursor)
          : undefined,
      ),
    )
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    rows: page.map(toNotificationRow),
    next: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null,
  };
}

export type OutboxSummary = {
  /** RESEND_API_KEY is set: emails are sent rather than held. */
  emailConfigured: boolean;
  counts: Record<NotificationStatus, number>;
};

export async function getOutboxSummary(): Promise<OutboxSummary> {
  const rows = await getDb()
    .select({ status: notifications.status, n: sql<number>`count(*)::int` })
    .from(notifications)
    .groupBy(notifications.status);
  const counts: Record<NotificationStatus, number> = { pending: 0, sent: 0, held: 0, failed: 0 };
  for (const row of rows) counts[row.status] += Number(row.n);
  const config = getConfig();
  return { emailConfigured: !config.demoMode && Boolean(config.email.resendApiKey), counts };
}

/** One notification with its text body, or null for an unknown id. */
export async function getOutboxMessage(id: string): Promise<NotificationMessage | null> {
  if (!z.uuid().safeParse(id).success) return null;
  const [row] = await getDb().select().from(notifications).where(eq(notifications.id, id));
  return row ? toMessage(row) : null;
}

// ---------- restarts ----------

export type RestartRow = {
  id: string;
  incidentId: string | null;
  ruleId: string | null;
  appId: string | null;
  appName: string;
  kind: Action["kind"];
  target: string;
  status: ActionStatus;
  reason: string | null;
  actorLabel: string;
  requestedAt: string;
  before: ActionMeasure | null;
  after5: ActionMeasure | null;
  after15: ActionMeasure | null;
  /** null: not judged yet (or not a performed restart). */
  helped: boolean | null;
  helpedReason: string | null;
  threshold: number | null;
  /** The kind of the rule that asked for it: error rates are per minute, 5xx rates in %. */
  ruleKind: RuleKind | null;
  /** The error code the rule watches (R14, H12), if any. */
  code: string | null;
};

function toRestartRow(
  row: Action,
  rule: { kind: RuleKind | null; code: string | null } = { kind: null, code: null },
): RestartRow {
  return {
    id: row.id,
    incidentId: row.incidentId,
    ruleId: row.ruleId,
    appId: row.appId,
    appName: row.appName,
    kind: row.kind,
    target: row.target,
    status: row.status,
    reason: row.reason,
    actorLabel: row.actorLabel,
    requestedAt: row.requestedAt.toISOString(),
    before: row.before,
    after5: row.after5,
    after15: row.after15,
    helped: row.helped,
    helpedReason: row.helpedReason,
    threshold: row.threshold,
    ruleKind: rule.kind,
    code: rule.code,
  };
}

const restartFiltersSchema = z.object({
  before: z.preprocess(first, z.string().regex(cursorPattern).optional().catch(undefined)),
});

export function parseRestartFilters(searchParams: Record<string, unknown>): { before?: string } {
  return restartFiltersSchema.parse({ before: searchParams.before ?? undefined });
}

/** Restarts requested, performed, skipped or failed, newest first. */
export async function listRestarts(
  options: { before?: string; limit?: number } = {},
): Promise<Page<RestartRow>> {
  const limit = Math.min(Math.max(options.limit ?? 100, 1), 500);
  const cursor = decodeCursor(options.before);
  const rows = await getDb()
    .select({ action: actions, kind: incidents.kind, code: incidents.code })
    .from(actions)
    .leftJoin(incidents, eq(incidents.id, actions.incidentId))
    .where(cursor ? olderThan(sql`${actions.requestedAt}`, sql`${actions.id}`, cursor) : undefined)
    .orderBy(desc(actions.requestedAt), desc(actions.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1)?.action;
  return {
    rows: page.map((r) => toRestartRow(r.action, { kind: r.kind, code: r.code })),
    next: rows.length > limit && last ? encodeCursor(last.requestedAt, last.id) : null,
  };
}

// ---------- silences ----------

export type SilenceRow = {
  id: string;
  appId: string | null;
  /** null: every app. */
  appName: string | null;
  /** null: every dyno type. */
  dynoType: string | null;
  ruleId: string | null;
  /** null: every rule. */
  ruleName: string | null;
  until: string;
  reason: string;
  createdBy: string;
  createdAt: string;
};

async function selectSilences(where: SQL | undefined): Promise<SilenceRow[]> {
  const rows = await getDb()
    .select({ silence: silences, appName: apps.name, ruleName: rules.name })
    .from(silences)
    .leftJoin(apps, eq(apps.id, silences.appId))
    .leftJoin(rules, eq(rules.id, silences.ruleId))
    .where(where)
    .orderBy(asc(silences.until));
  return rows.map(({ silence, appName, ruleName }) => ({
    id: silence.id,
    appId: silence.appId,
    appName,
    dynoType: silence.dynoType,
    ruleId: silence.ruleId,
    ruleName,
    until: silence.until.toISOString(),
    reason: silence.reason,
    createdBy: silence.createdBy,
    createdAt: silence.createdAt.toISOString(),
  }));
}

/** Silences in force at `now`, ending soonest first. */
export async function listActiveSilences(now: Date): Promise<SilenceRow[]> {
  return selectSilences(gt(silences.until, now));
}

// ---------- one incident ----------

export type TimelineEntry = {
  id: string;
  at: string;
  source: "event" | "notification" | "action";
  /** Event kind (opened, firing, notified, repeat, action, silenced, acknowledged, resolved), or
   * `notice_<status>` for a delivery, or `restart_<status>` for a restart not on the timeline. */
  kind: string;
  message: string;
};

export type IncidentDetail = {
  incident: IncidentRow;
  timeline: TimelineEntry[];
  notifications: NotificationMessage[];
  restarts: RestartRow[];
  /** Silences in force now that cover this incident's target. */
  silences: SilenceRow[];
};

// Entries of one instant in the order the evaluator writes them: the state change, then its
// notice, then the restart; deliveries of that notice come last.
const KIND_ORDER: Record<string, number> = {
  opened: 0,
  firing: 1,
  repeat: 1,
  resolved: 1,
  silenced: 2,
  acknowledged: 3,
  notified: 4,
  action: 5,
};
const SOURCE_ORDER: Record<TimelineEntry["source"], number> = {
  event: 4.5,
  action: 6,
  notification: 7,
};

function deliveryMessage(row: Notification): string {
  const lastError = shown(row.lastError);
  const to = row.recipients.join(", ") || "nobody";
  const what = `${row.channel === "email" ? "Email" : row.channel} “${row.subject}”`;
  switch (row.status) {
    case "sent":
      return `${what} sent to ${to}${row.providerId ? ` (provider id ${row.providerId})` : ""}.`;
    case "held":
      return `${what} held in the outbox: ${lastError ?? "no provider is configured"}`;
    case "failed":
      return `${what} failed after ${row.attempts} attempt${row.attempts === 1 ? "" : "s"}: ${lastError ?? "unknown error"}`;
    default:
      return row.attempts > 0
        ? `${what} waiting for attempt ${row.attempts + 1}: ${lastError ?? ""}`.trim()
        : `${what} queued for ${to}.`;
  }
}

/**
 * The incident's own events, each email's delivery outcome, and the restarts the timeline does not
 * already mention, oldest first.
 */
export function mergeTimeline(
  events: readonly IncidentEvent[],
  sent: readonly Notification[],
  restarts: readonly Action[],
): TimelineEntry[] {
  const mentioned = new Set(
    events
      .map((e) => (typeof e.detail?.actionId === "string" ? e.detail.actionId : null))
      .filter((id) => id !== null),
  );
  const entries: (TimelineEntry & { rank: number; seq: number })[] = [];
  for (const e of events) {
    entries.push({
      id: e.id,
      at: e.at.toISOString(),
      source: "event",
      kind: e.kind,
      message: e.message,
      rank: KIND_ORDER[e.kind] ?? SOURCE_ORDER.event,
      seq: entries.length,
    });
  }
  for (const a of restarts) {
    if (mentioned.has(a.id)) continue;
    entries.push({
      id: a.id,
      at: a.requestedAt.toISOString(),
      source: "action",
      kind: `restart_${a.status}`,
      message: `${a.reason ?? a.status} (${a.actorLabel})`,
      rank: SOURCE_ORDER.action,
      seq: entries.length,
    });
  }
  for (const n of sent) {
    entries.push({
      id: n.id,
      at: (n.status === "sent" && n.sentAt ? n.sentAt : n.createdAt).toISOString(),
      source: "notification",
      kind: `notice_${n.status}`,
      message: deliveryMessage(n),
      rank: SOURCE_ORDER.notification,
      seq: entries.length,
    });
  }
  return entries
    .sort((a, b) => a.at.localeCompare(b.at) || a.rank - b.rank || a.seq - b.seq)
    .map(({ rank: _rank, seq: _seq, ...entry }) => entry);
}

/** One incident with its timeline, notifications, restarts and covering silences; null if unknown. */
export async function getIncident(id: string, now: Date): Promise<IncidentDetail | null> {
  if (!z.uuid().safeParse(id).success) return null;
  const db = getDb();
  const [incident] = await db.select().from(incidents).where(eq(incidents.id, id));
  if (!incident) return null;
  const [events, sent, restarts, covering] = await Promise.all([
    db
      .select()
      .from(incidentEvents)
      .where(eq(incidentEvents.incidentId, id))
      .orderBy(asc(incidentEvents.at)),
    db
      .select()
      .from(notifications)
      .where(eq(notifications.incidentId, id))
      .orderBy(asc(notifications.createdAt), asc(notifications.id)),
    db
      .select()
      .from(actions)
      .where(eq(actions.incidentId, id))
      .orderBy(asc(actions.requestedAt), asc(actions.id)),
    selectSilences(
      and(
        gt(silences.until, now),
        sql`(${silences.appId} is null or ${silences.appId} = ${incident.appId})`,
        sql`(${silences.ruleId} is null or ${silences.ruleId} = ${incident.ruleId})`,
        sql`(${silences.dynoType} is null or ${silences.dynoType} = ${incident.dynoType})`,
      ),
    ),
  ]);
  const counts = emptyCounts();
  for (const n of sent) {
    counts[n.status]++;
    counts.total++;
  }
  return {
    incident: toIncidentRow(incident, counts),
    timeline: mergeTimeline(events, sent, restarts),
    notifications: sent.map(toMessage),
    restarts: restarts.map((r) => toRestartRow(r, incident)),
    silences: covering,
  };
}
