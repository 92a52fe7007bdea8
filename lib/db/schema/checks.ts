// Status checks (web, Redis, Postgres) and their results. A check's credentials (a Redis or
// Postgres URL with its password) are stored encrypted (lib/checks/secrets.ts), beside a masked hint.
import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  real,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";
import { apps } from "./apps";

export const checkKinds = ["web", "redis", "postgres"] as const;
export type CheckKind = (typeof checkKinds)[number];
export const checkStatuses = ["up", "down", "unknown"] as const;
export type CheckStatus = (typeof checkStatuses)[number];

export const checks = pgTable(
  "checks",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    kind: text("kind").$type<CheckKind>().notNull(),
    /** The app this check belongs to, if any (shown beside it; rules may target it). */
    appId: uuid("app_id").references(() => apps.id, { onDelete: "set null" }),
    enabled: boolean("enabled").notNull().default(true),
    intervalSeconds: integer("interval_seconds").notNull(),
    timeoutMs: integer("timeout_ms").notNull(),
    /** Non-secret settings of the kind (web: url, method, statuses, body text; redis: list...). */
    config: jsonb("config").$type<Record<string, unknown>>().notNull(),
    /** AES-256-GCM of the Redis/Postgres URL under SECRETS_KEY; null for web checks. */
    secretCiphertext: text("secret_ciphertext"),
    /** The URL masked to scheme://host (`redis://•••@host:6379/•••`): all the console shows. */
    secretHint: text("secret_hint"),
    nextRunAt: timestamp("next_run_at", { withTimezone: true }).notNull().defaultNow(),
    leaseOwner: text("lease_owner"),
    leaseUntil: timestamp("lease_until", { withTimezone: true }),
    lastStatus: text("last_status").$type<CheckStatus>().notNull().default("unknown"),
    lastCheckedAt: timestamp("last_checked_at", { withTimezone: true }),
    consecutiveFailures: integer("consecutive_failures").notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // run-checks: enabled checks whose next run is due, oldest first
    index("checks_enabled_next_run_at_idx").on(t.enabled, t.nextRunAt),
    // an app's checks
    index("checks_app_id_idx").on(t.appId),
    check("checks_kind_check", sql`${t.kind} in ('web', 'redis', 'postgres')`),
    check("checks_last_status_check", sql`${t.lastStatus} in ('up', 'down', 'unknown')`),
  ],
);

/** What a result records besides its status: list length, TLS expiry, table found… */
export type CheckResultDetail = Record<string, unknown>;

export const checkResults = pgTable(
  "check_results",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    checkId: uuid("check_id")
      .notNull()
      .references(() => checks.id, { onDelete: "cascade" }),
    at: timestamp("at", { withTimezone: true }).notNull(),
    ok: boolean("ok").notNull(),
    latencyMs: real("latency_ms").notNull(),
    statusCode: integer("status_code"),
    detail: jsonb("detail").$type<CheckResultDetail>().notNull(),
    /** Why it failed, in words (timeout, connection refused, wrong status…); null when ok. */
    error: text("error"),
  },
  (t) => [
    // uptime, the response-time chart and recent failures: one check over a window
    index("check_results_check_id_at_idx").on(t.checkId, t.at),
    // retention: results older than RETENTION_DAYS
    index("check_results_at_idx").on(t.at),
  ],
);

export type Check = typeof checks.$inferSelect;
export type NewCheck = typeof checks.$inferInsert;
export type CheckResult = typeof checkResults.$inferSelect;
export type NewCheckResult = typeof checkResults.$inferInsert;
