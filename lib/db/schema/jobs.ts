import { sql } from "drizzle-orm";
import { check, index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/** One row per registered job: when it is due and who holds its lease. */
export const jobs = pgTable("jobs", {
  name: text("name").primaryKey(),
  nextRunAt: timestamp("next_run_at", { withTimezone: true }).notNull().defaultNow(),
  leaseOwner: text("lease_owner"),
  leaseUntil: timestamp("lease_until", { withTimezone: true }),
  lastRunAt: timestamp("last_run_at", { withTimezone: true }),
  lastOutcome: text("last_outcome"),
  /** What a running job reports while it works ("12 of 100 apps"); cleared when it ends. */
  progress: jsonb("progress").$type<JobProgress>(),
});

export type JobProgress = { done: number; total: number; label: string };

export const jobRunOutcomes = ["running", "ok", "failed"] as const;
export type JobRunOutcome = (typeof jobRunOutcomes)[number];
export const jobTriggers = ["scheduler", "cron", "manual"] as const;
export type JobTrigger = (typeof jobTriggers)[number];

export type JobSummary = { processed: number; skipped: number; failed: number; detail?: string };

export const jobRuns = pgTable(
  "job_runs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    job: text("job").notNull(),
    trigger: text("trigger").$type<JobTrigger>().notNull(),
    owner: text("owner").notNull(),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    durationMs: integer("duration_ms"),
    outcome: text("outcome").$type<JobRunOutcome>().notNull().default("running"),
    error: text("error"),
    summary: jsonb("summary").$type<JobSummary>(),
  },
  (t) => [
    // System page: newest runs, optionally of one job; prune: runs older than the retention
    index("job_runs_started_at_idx").on(t.startedAt),
    index("job_runs_job_started_at_idx").on(t.job, t.startedAt),
    check("job_runs_outcome_check", sql`${t.outcome} in ('running', 'ok', 'failed')`),
  ],
);

/**
 * One row per running console process (web, worker): what it is and when its scheduler last
 * ticked, so the System page can show a dead worker and the heartbeat's last answer.
 */
export const processTicks = pgTable("process_ticks", {
  processId: text("process_id").primaryKey(),
  role: text("role").notNull(),
  host: text("host").notNull(),
  pid: integer("pid"),
  startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
  lastTickAt: timestamp("last_tick_at", { withTimezone: true }).notNull(),
  lastTickJobs: integer("last_tick_jobs").notNull().default(0),
  lastHeartbeatAt: timestamp("last_heartbeat_at", { withTimezone: true }),
  lastHeartbeatError: text("last_heartbeat_error"),
});

export type Job = typeof jobs.$inferSelect;
export type JobRun = typeof jobRuns.$inferSelect;
export type NewJobRun = typeof jobRuns.$inferInsert;
export type ProcessTick = typeof processTicks.$inferSelect;
export type NewProcessTick = typeof processTicks.$inferInsert;
