// Rules, incidents, the notification outbox, restarts (actions), silences and API tokens.
import { sql } from "drizzle-orm";
import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { apps } from "./apps";
import { users } from "./auth";

export type RuleKind =
  | "error_code"
  | "http_5xx"
  | "memory"
  | "load"
  | "crash"
  | "ingest_silence"
  | "check_failing";
export type RuleAction = "none" | "restart_dyno" | "restart_dyno_type" | "restart_app";
export type Channel = "email" | "sms" | "webhook";

/** What a rule watches and what it does; kind-specific thresholds live in `params` (lib/rules). */
export const rules = pgTable(
  "rules",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    kind: text("kind").$type<RuleKind>().notNull(),
    /** null: every app. */
    appId: uuid("app_id").references(() => apps.id, { onDelete: "cascade" }),
    /** null: every dyno type of the app. */
    dynoType: text("dyno_type"),
    /** One dyno (`web.2`), or null. */
    dyno: text("dyno"),
    params: jsonb("params").$type<Record<string, unknown>>().notNull(),
    channels: text("channels").array().$type<Channel[]>().notNull(),
    /** Email addresses (and later phone numbers); empty: ALERT_RECIPIENTS. */
    recipients: text("recipients").array().notNull(),
    action: text("action").$type<RuleAction>().notNull().default("none"),
    /** Seconds between repeat notifications while firing; null: EMAIL_COOLING_PERIOD_PER_TOPIC. */
    repeatIntervalSeconds: integer("repeat_interval_seconds"),
    /** Restart cooling period override (seconds); null: the DYNO_/APP_RESTART_COOLING_PERIOD. */
    restartCoolingSeconds: integer("restart_cooling_seconds"),
    dryRun: boolean("dry_run").notNull().default(false),
    enabled: boolean("enabled").notNull().default(true),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("rules_app_id_idx").on(t.appId)],
);

export type IncidentState = "pending" | "firing" | "resolved";

/**
 * One breach of one rule on one target. At most one open (pending or firing) incident per
 * fingerprint (rule + app + dyno type [+ dyno]), enforced by a partial unique index, so two
 * evaluators racing on the same breach open one incident.
 */
export const incidents = pgTable(
  "incidents",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ruleId: uuid("rule_id").references(() => rules.id, { onDelete: "set null" }),
    ruleName: text("rule_name").notNull(),
    kind: text("kind").$type<RuleKind>().notNull(),
    fingerprint: text("fingerprint").notNull(),
    appId: uuid("app_id").references(() => apps.id, { onDelete: "cascade" }),
    appName: text("app_name").notNull(),
    dynoType: text("dyno_type"),
    dyno: text("dyno"),
    code: text("code"),
    state: text("state").$type<IncidentState>().notNull(),
    openedAt: timestamp("opened_at", { withTimezone: true }).notNull(),
    firingAt: timestamp("firing_at", { withTimezone: true }),
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull(),
    /** The measure that breached (count, %, MB, load) at the last evaluation, and its summary. */
    value: real("value"),
    peakValue: real("peak_value"),
    summary: text("summary").notNull(),
    notificationsSent: integer("notifications_sent").notNull().default(0),
    lastNotifiedAt: timestamp("last_notified_at", { withTimezone: true }),
    acknowledgedAt: timestamp("acknowledged_at", { withTimezone: true }),
    acknowledgedBy: text("acknowledged_by"),
    restarts: integer("restarts").notNull().default(0),
  },
  (t) => [
    uniqueIndex("incidents_open_fingerprint_key").on(t.fingerprint).where(sql`state <> 'resolved'`),
    index("incidents_state_opened_at_idx").on(t.state, t.openedAt),
    index("incidents_app_id_opened_at_idx").on(t.appId, t.openedAt),
  ],
);

/** An incident's timeline: opened, firing, repeat, acknowledged, silenced, restart, resolved. */
export const incidentEvents = pgTable(
  "incident_events",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    incidentId: uuid("incident_id")
      .notNull()
      .references(() => incidents.id, { onDelete: "cascade" }),
    at: timestamp("at", { withTimezone: true }).notNull(),
    kind: text("kind").notNull(),
    message: text("message").notNull(),
    detail: jsonb("detail").$type<Record<string, unknown>>(),
  },
  (t) => [index("incident_events_incident_id_at_idx").on(t.incidentId, t.at)],
);

/** held: no provider configured; the message stays readable in the console. */
export type NotificationStatus = "pending" | "sent" | "held" | "failed";

/** The outbox: written in the incident's transaction, delivered by the deliver-outbox job. */
export const notifications = pgTable(
  "notifications",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    incidentId: uuid("incident_id").references(() => incidents.id, { onDelete: "cascade" }),
    channel: text("channel").$type<Channel>().notNull(),
    /** firing, repeat, resolved, test */
    type: text("type").notNull(),
    recipients: text("recipients").array().notNull(),
    subject: text("subject").notNull(),
    /** The rendered message (email: html and text). */
    body: jsonb("body").$type<Record<string, unknown>>().notNull(),
    /** Sent as the provider's idempotency key: a retried delivery is one message. */
    idempotencyKey: text("idempotency_key").notNull(),
    status: text("status").$type<NotificationStatus>().notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull(),
    leaseUntil: timestamp("lease_until", { withTimezone: true }),
    lastError: text("last_error"),
    providerId: text("provider_id"),
    providerResponse: text("provider_response"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    sentAt: timestamp("sent_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("notifications_idempotency_key_key").on(t.idempotencyKey),
    index("notifications_status_next_attempt_at_idx").on(t.status, t.nextAttemptAt),
    index("notifications_created_at_idx").on(t.createdAt),
    index("notifications_incident_id_idx").on(t.incidentId),
  ],
);

export type ActionStatus =
  | "performed"
  | "skipped_cooling"
  | "skipped_loop_guard"
  | "skipped_dry_run"
  | "skipped_silenced"
  | "failed";

export type ActionMeasure = {
  /** Highest RSS as % of quota among the target's dynos. */
  memoryPercent: number | null;
  /** Errors per minute of the rule's code (error-code rules) or 5xx % (5xx rules). */
  errorRate: number | null;
  /** R14s seen in the window (memory rules). */
  r14: number | null;
};

/** Restarts: requested by a rule (or a user), performed or skipped, and whether they helped. */
export const actions = pgTable(
  "actions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    incidentId: uuid("incident_id").references(() => incidents.id, { onDelete: "set null" }),
    ruleId: uuid("rule_id").references(() => rules.id, { onDelete: "set null" }),
    appId: uuid("app_id").references(() => apps.id, { onDelete: "cascade" }),
    appName: text("app_name").notNull(),
    /** restart_dyno, restart_dyno_type, restart_app */
    kind: text("kind").$type<Exclude<RuleAction, "none">>().notNull(),
    /** The dyno (`web.2`), the dyno type (`web`) or the app's name. */
    target: text("target").notNull(),
    status: text("status").$type<ActionStatus>().notNull(),
    reason: text("reason"),
    actorLabel: text("actor_label").notNull(),
    requestedAt: timestamp("requested_at", { withTimezone: true }).notNull(),
    before: jsonb("before").$type<ActionMeasure>(),
    after5: jsonb("after_5").$type<ActionMeasure>(),
    after15: jsonb("after_15").$type<ActionMeasure>(),
    /** null until judged (15 minutes after, by default). */
    helped: boolean("helped"),
    helpedReason: text("helped_reason"),
    /** Memory % (memory rules) or rate (error rules) that fired the rule: the bar for "helped". */
    threshold: real("threshold"),
  },
  (t) => [
    index("actions_requested_at_idx").on(t.requestedAt),
    index("actions_status_helped_idx").on(t.status, t.helped),
  ],
);

/** Mutes notifications and actions for a target until a time; incidents are still recorded. */
export const silences = pgTable(
  "silences",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** null: every app */
    appId: uuid("app_id").references(() => apps.id, { onDelete: "cascade" }),
    dynoType: text("dyno_type"),
    ruleId: uuid("rule_id").references(() => rules.id, { onDelete: "cascade" }),
    until: timestamp("until", { withTimezone: true }).notNull(),
    reason: text("reason").notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("silences_until_idx").on(t.until)],
);

/** Bearer tokens for scripts: stored hashed, shown once, acting with their owner's role. */
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** sha256 hex of the token. */
    tokenHash: text("token_hash").notNull(),
    /** The first characters, to recognise a token in the list. */
    prefix: text("prefix").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("api_tokens_token_hash_key").on(t.tokenHash)],
);

export type Rule = typeof rules.$inferSelect;
export type NewRule = typeof rules.$inferInsert;
export type Incident = typeof incidents.$inferSelect;
export type IncidentEvent = typeof incidentEvents.$inferSelect;
export type Notification = typeof notifications.$inferSelect;
export type Action = typeof actions.$inferSelect;
export type Silence = typeof silences.$inferSelect;
export type ApiToken = typeof apiTokens.$inferSelect;
