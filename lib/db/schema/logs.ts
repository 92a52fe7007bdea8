import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { apps } from "./apps";

/**
 * Error and lifecycle events: H/R/L codes, state changes, crashes, restarts, releases. One row per
 * log line, deduplicated by fingerprint (app + exact timestamp + source + process + message), so
 * overlapping poll windows, drain retries and backfills never count a line twice.
 */
export const logEvents = pgTable(
  "log_events",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    appId: uuid("app_id")
      .notNull()
      .references(() => apps.id, { onDelete: "cascade" }),
    ts: timestamp("ts", { withTimezone: true, precision: 6 }).notNull(),
    source: text("source").notNull(),
    proc: text("proc").notNull(),
    dyno: text("dyno"),
    dynoType: text("dyno_type"),
    kind: text("kind").notNull(),
    code: text("code"),
    message: text("message").notNull(),
    detail: jsonb("detail").$type<Record<string, unknown>>(),
    fingerprint: text("fingerprint").notNull(),
  },
  (t) => [
    // idempotent ingestion: a line is stored once whichever path brings it, however often
    uniqueIndex("log_events_fingerprint_key").on(t.fingerprint),
    // rules and timelines: one app, one dyno type, one code, one window
    index("log_events_app_id_dyno_type_code_ts_idx").on(t.appId, t.dynoType, t.code, t.ts),
    // app timeline without a code filter; retention by time
    index("log_events_app_id_ts_idx").on(t.appId, t.ts),
    index("log_events_ts_idx").on(t.ts),
  ],
);

/**
 * Runtime metrics per dyno (PLATFORM.md §4.8), one row per dyno and second: the load line and
 * the memory line of one sample merge into one row.
 */
export const metricSamples = pgTable(
  "metric_samples",
  {
    appId: uuid("app_id")
      .notNull()
      .references(() => apps.id, { onDelete: "cascade" }),
    dyno: text("dyno").notNull(),
    dynoType: text("dyno_type").notNull(),
    ts: timestamp("ts", { withTimezone: true }).notNull(),
    instance: text("instance"),
    size: text("size"),
    load1m: real("load_1m"),
    load5m: real("load_5m"),
    load15m: real("load_15m"),
    memoryTotalMb: real("memory_total_mb"),
    memoryRssMb: real("memory_rss_mb"),
    memoryCacheMb: real("memory_cache_mb"),
    memorySwapMb: real("memory_swap_mb"),
    memoryQuotaMb: real("memory_quota_mb"),
    memoryPgpgin: bigint("memory_pgpgin", { mode: "number" }),
    memoryPgpgout: bigint("memory_pgpgout", { mode: "number" }),
  },
  (t) => [
    primaryKey({ name: "metric_samples_pkey", columns: [t.appId, t.dyno, t.ts] }),
    // memory and load charts: one app, one dyno type, one window
    index("metric_samples_app_id_dyno_type_ts_idx").on(t.appId, t.dynoType, t.ts),
    index("metric_samples_ts_idx").on(t.ts),
  ],
);

/** Bucket widths of metric_rollups (seconds); a chart step that one divides reads rollups. */
export const METRIC_ROLLUP_STEPS = [300, 3600] as const;

/**
 * Per-dyno maxima of metric_samples in 5-minute and 1-hour buckets (epoch-aligned), kept by
 * upsertSamples, so long chart windows read one row per dyno and bucket instead of every sample.
 * Maxima only: replaying samples leaves them unchanged. Swap and quota count samples with RSS.
 */
export const metricRollups = pgTable(
  "metric_rollups",
  {
    appId: uuid("app_id")
      .notNull()
      .references(() => apps.id, { onDelete: "cascade" }),
    dyno: text("dyno").notNull(),
    dynoType: text("dyno_type").notNull(),
    stepSeconds: integer("step_seconds").notNull(),
    bucket: timestamp("bucket", { withTimezone: true }).notNull(),
    memoryRssMax: real("memory_rss_max"),
    memorySwapMax: real("memory_swap_max"),
    memoryQuotaMax: real("memory_quota_max"),
    load1mMax: real("load_1m_max"),
  },
  (t) => [
    primaryKey({
      name: "metric_rollups_pkey",
      columns: [t.appId, t.dyno, t.stepSeconds, t.bucket],
    }),
    // memory and load charts: one app, one step, one window (a dyno type filter reads the same rows)
    index("metric_rollups_app_id_step_seconds_bucket_idx").on(t.appId, t.stepSeconds, t.bucket),
    // retention by time
    index("metric_rollups_bucket_idx").on(t.bucket),
  ],
);

/** Router traffic per app, dyno type and minute; service times as a mergeable histogram. */
export const requestStats = pgTable(
  "request_stats",
  {
    appId: uuid("app_id")
      .notNull()
      .references(() => apps.id, { onDelete: "cascade" }),
    dynoType: text("dyno_type").notNull(),
    minute: timestamp("minute", { withTimezone: true }).notNull(),
    requests: integer("requests").notNull(),
    status1xx: integer("status_1xx").notNull(),
    status2xx: integer("status_2xx").notNull(),
    status3xx: integer("status_3xx").notNull(),
    status4xx: integer("status_4xx").notNull(),
    status5xx: integer("status_5xx").notNull(),
    routerErrors: integer("router_errors").notNull(),
    serviceMsSum: bigint("service_ms_sum", { mode: "number" }).notNull(),
    serviceMsMax: integer("service_ms_max").notNull(),
    serviceHist: integer("service_hist").array().notNull(),
  },
  (t) => [primaryKey({ name: "request_stats_pkey", columns: [t.appId, t.dynoType, t.minute] })],
);

/** The poll path's log sources: one per app and log source, claimed with a lease. */
export const logSources = pgTable(
  "log_sources",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    appId: uuid("app_id")
      .notNull()
      .references(() => apps.id, { onDelete: "cascade" }),
    source: text("source").$type<"heroku" | "app">().notNull(),
    dyno: text("dyno"),
    enabled: boolean("enabled").notNull().default(true),
    nextPollAt: timestamp("next_poll_at", { withTimezone: true }).notNull().defaultNow(),
    leaseOwner: text("lease_owner"),
    leaseUntil: timestamp("lease_until", { withTimezone: true }),
    // high-water mark: the newest instant stored and the fingerprints seen at that instant
    hwmTs: timestamp("hwm_ts", { withTimezone: true }),
    /** Microseconds past hwm_ts's millisecond (JS dates hold milliseconds). */
    hwmMicros: integer("hwm_micros"),
    hwmFingerprints: text("hwm_fingerprints").array(),
    linesRead: bigint("lines_read", { mode: "number" }).notNull().default(0),
    linesStored: bigint("lines_stored", { mode: "number" }).notNull().default(0),
    duplicates: bigint("duplicates", { mode: "number" }).notNull().default(0),
    lastRunLines: integer("last_run_lines"),
    lastError: text("last_error"),
    lastErrorAt: timestamp("last_error_at", { withTimezone: true }),
    lastSuccessAt: timestamp("last_success_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("log_sources_app_id_source_key").on(t.appId, t.source),
    // the poller claims due sources
    index("log_sources_next_poll_at_idx").on(t.nextPollAt),
  ],
);

/** HTTPS log drains: our per-app secret (URL credentials), and what arrived through it. */
export const drains = pgTable(
  "drains",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    appId: uuid("app_id")
      .notNull()
      .references(() => apps.id, { onDelete: "cascade" }),
    /** sha256 of the drain URL's secret (its password, or the path's `<drain id>.<secret>`). */
    tokenHash: text("token_hash").notNull(),
    /** The secret a rotation replaced keeps working until previousTokenExpiresAt (grace). */
    previousTokenHash: text("previous_token_hash"),
    previousTokenExpiresAt: timestamp("previous_token_expires_at", { withTimezone: true }),
    herokuDrainId: text("heroku_drain_id"),
    herokuDrainToken: text("heroku_drain_token"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    rotatedAt: timestamp("rotated_at", { withTimezone: true }),
    lastFrameAt: timestamp("last_frame_at", { withTimezone: true }),
    batches: bigint("batches", { mode: "number" }).notNull().default(0),
    lines: bigint("lines", { mode: "number" }).notNull().default(0),
    duplicateBatches: bigint("duplicate_batches", { mode: "number" }).notNull().default(0),
    badFrames: bigint("bad_frames", { mode: "number" }).notNull().default(0),
    /** Lines stored with NUL, invalid UTF-8 or lone surrogates replaced by U+FFFD. */
    repairedLines: bigint("repaired_lines", { mode: "number" }).notNull().default(0),
    droppedByHeroku: bigint("dropped_by_heroku", { mode: "number" }).notNull().default(0),
  },
  (t) => [uniqueIndex("drains_app_id_key").on(t.appId)],
);

/**
 * Logplex-Frame-Id and line count of every batch received, so a retried batch is stored once and
 * the console can tell lines per minute (kept one day).
 */
export const drainFrames = pgTable(
  "drain_frames",
  {
    drainId: uuid("drain_id")
      .notNull()
      .references(() => drains.id, { onDelete: "cascade" }),
    frameId: text("frame_id").notNull(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull(),
    /** Lines in the batch: the console's lines per minute are summed from these. */
    lines: integer("lines").notNull().default(0),
  },
  (t) => [
    primaryKey({ name: "drain_frames_pkey", columns: [t.drainId, t.frameId] }),
    index("drain_frames_received_at_idx").on(t.receivedAt),
  ],
);

export type LogEvent = typeof logEvents.$inferSelect;
export type MetricSample = typeof metricSamples.$inferSelect;
export type MetricRollup = typeof metricRollups.$inferSelect;
export type RequestStat = typeof requestStats.$inferSelect;
export type LogSource = typeof logSources.$inferSelect;
export type Drain = typeof drains.$inferSelect;
