import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  index,
  integer,
  pgTable,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

/** The connected Heroku account as discovery last saw it, one row per API base URL. */
export const herokuAccounts = pgTable("heroku_accounts", {
  apiUrl: text("api_url").primaryKey(),
  accountId: text("account_id"),
  email: text("email"),
  name: text("name"),
  demo: boolean("demo").notNull().default(false),
  checkedAt: timestamp("checked_at", { withTimezone: true }).notNull(),
  lastError: text("last_error"),
  lastErrorId: text("last_error_id"),
  rateRemaining: integer("rate_remaining"),
  rateCheckedAt: timestamp("rate_checked_at", { withTimezone: true }),
});

export const appStatuses = ["active", "gone"] as const;
export type AppStatus = (typeof appStatuses)[number];

export const apps = pgTable(
  "apps",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    herokuId: text("heroku_id").notNull(),
    name: text("name").notNull(),
    region: text("region"),
    stack: text("stack"),
    generation: text("generation").notNull().default("cedar"),
    webUrl: text("web_url"),
    maintenance: boolean("maintenance").notNull().default(false),
    releasedAt: timestamp("released_at", { withTimezone: true }),
    runtimeMetrics: boolean("runtime_metrics"),
    status: text("status").$type<AppStatus>().notNull().default("active"),
    goneAt: timestamp("gone_at", { withTimezone: true }),
    firstSeenAt: timestamp("first_seen_at", { withTimezone: true }).notNull(),
    lastSyncedAt: timestamp("last_synced_at", { withTimezone: true }).notNull(),
    lastSyncError: text("last_sync_error"),
  },
  (t) => [
    // discovery upserts by Heroku's app id (names can change); pages look apps up by name
    uniqueIndex("apps_heroku_id_key").on(t.herokuId),
    index("apps_name_idx").on(t.name),
    check("apps_status_check", sql`${t.status} in ('active', 'gone')`),
  ],
);

/** Process types of an app (Procfile entries), including types scaled to 0. */
export const formations = pgTable(
  "formations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    appId: uuid("app_id")
      .notNull()
      .references(() => apps.id, { onDelete: "cascade" }),
    type: text("type").notNull(),
    size: text("size").notNull(),
    quantity: integer("quantity").notNull(),
    memoryQuotaMb: real("memory_quota_mb"),
    command: text("command"),
    updatedAt: timestamp("updated_at", { withTimezone: true }),
    syncedAt: timestamp("synced_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    // one row per app and process type
    uniqueIndex("formations_app_id_type_key").on(t.appId, t.type),
  ],
);

export const dynos = pgTable(
  "dynos",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    appId: uuid("app_id")
      .notNull()
      .references(() => apps.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    herokuId: text("heroku_id").notNull(),
    type: text("type").notNull(),
    size: text("size"),
    state: text("state").notNull(),
    stateChangedAt: timestamp("state_changed_at", { withTimezone: true }),
    startedAt: timestamp("started_at", { withTimezone: true }),
    releaseVersion: integer("release_version"),
    syncedAt: timestamp("synced_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    // names (web.1) are stable across restarts; the Heroku id changes on each
    uniqueIndex("dynos_app_id_name_key").on(t.appId, t.name),
  ],
);

export type HerokuAccountRow = typeof herokuAccounts.$inferSelect;
export type App = typeof apps.$inferSelect;
export type NewApp = typeof apps.$inferInsert;
export type Formation = typeof formations.$inferSelect;
export type NewFormation = typeof formations.$inferInsert;
export type Dyno = typeof dynos.$inferSelect;
export type NewDyno = typeof dynos.$inferInsert;
