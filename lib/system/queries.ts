// Reads for the System and Overview pages: jobs, their runs, the monitor's own settings.
import "server-only";
import { getConfig } from "@/lib/config";
import { getDb, getDbHandle } from "@/lib/db/client";
import { jobRegistry } from "@/lib/jobs/registry";
import { listJobRuns, listJobStates } from "@/lib/jobs/runs";

export type JobOverview = {
  name: string;
  description: string;
  intervalSeconds: number;
  nextRunAt: string | null;
  lastRunAt: string | null;
  lastOutcome: string | null;
  leaseOwner: string | null;
  leaseUntil: string | null;
  progress: string | null;
};

const iso = (value: Date | null | undefined) => (value ? value.toISOString() : null);

export async function getJobOverview(): Promise<JobOverview[]> {
  const states = new Map((await listJobStates(getDb())).map((state) => [state.name, state]));
  return jobRegistry.map((job) => {
    const state = states.get(job.name);
    return {
      name: job.name,
      description: job.description,
      intervalSeconds: job.intervalSeconds,
      nextRunAt: iso(state?.nextRunAt),
      lastRunAt: iso(state?.lastRunAt),
      lastOutcome: state?.lastOutcome ?? null,
      leaseOwner: state?.leaseOwner ?? null,
      leaseUntil: iso(state?.leaseUntil),
      progress: state?.progress?.label ?? null,
    };
  });
}

export type JobRunRow = {
  id: string;
  job: string;
  trigger: string;
  startedAt: string;
  durationMs: number | null;
  outcome: string;
  error: string | null;
  summary: { processed: number; skipped: number; failed: number; detail?: string } | null;
};

export async function getRecentJobRuns(
  options: { job?: string; limit?: number } = {},
): Promise<JobRunRow[]> {
  const runs = await listJobRuns(getDb(), options);
  return runs.map((run) => ({
    id: run.id,
    job: run.job,
    trigger: run.trigger,
    startedAt: run.startedAt.toISOString(),
    durationMs: run.durationMs,
    outcome: run.outcome,
    error: run.error,
    summary: run.summary,
  }));
}

/** The monitor's own settings as a user may see them: no secret values, only whether they are set. */
export function getSettingsSummary() {
  const config = getConfig();
  return {
    appUrl: config.appUrl,
    database:
      getDbHandle().driver === "postgres"
        ? "Postgres (DATABASE_URL)"
        : `PGlite in ${config.pgliteDir}`,
    scheduler: config.scheduler,
    schedulerIntervalSeconds: config.schedulerIntervalSeconds,
    cronSecretSet: Boolean(config.cronSecret),
    authSecretFrom: config.authSecret ? "AUTH_SECRET" : "generated into the data directory",
    adminFromEnv: config.admin?.email ?? null,
    jobRunsRetentionDays: config.jobRunsRetentionDays,
    email: {
      provider: !config.demoMode && config.email.resendApiKey ? "resend" : "outbox",
      from: config.email.from,
      recipients: config.email.recipients,
      smsProvider: config.demoMode ? null : (config.sms?.provider ?? null),
      smsFrom: config.sms
        ? config.sms.provider === "twilio"
          ? config.sms.from
          : config.sms.sender
        : null,
      smsRecipients: config.smsRecipients,
    },
    alerts: config.alerts,
  };
}

/** No HEROKU_API_KEY: the console watches the built-in simulator's demo account. */
export function isDemoMode(): boolean {
  return getConfig().demoMode;
}
