// lib/jobs: the registry of named jobs, the tick that runs due ones under a lease, and the
// scheduler. Job logic itself lives in the domain modules; entries here only wire it.
import { discoverApps } from "@/lib/apps/discover";
import { runChecksJob } from "@/lib/checks/runner";
import { getConfig } from "@/lib/config";
import { getHerokuClient, getHerokuConnection } from "@/lib/heroku/connection";
import { evaluateRules } from "@/lib/incidents/evaluate";
import { ensureDemoDrains } from "@/lib/ingest/drains-service";
import { pollLogSources } from "@/lib/ingest/poll";
import { pruneRetention } from "@/lib/ingest/retention";
import { deliveryFromConfig, enabledWebhookEndpoints } from "@/lib/notify/channels";
import { deliverOutbox } from "@/lib/notify/outbox";
import { judgeRestarts } from "@/lib/remediation/judge";
import { resolveAppUrl } from "@/lib/settings/app-url";
import { processOwner } from "./owner";
import { failAbandonedRuns, pruneJobRuns } from "./runs";
import type { JobDefinition } from "./types";

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

export const jobRegistry: readonly JobDefinition[] = [
  {
    name: "evaluate-rules",
    description:
      "Measures every enabled rule, opens, repeats and resolves incidents, queues notices and restarts.",
    intervalSeconds: 15,
    leaseSeconds: 2 * 60,
    async run(ctx) {
      const config = getConfig();
      const result = await evaluateRules(ctx, {
        restarter: await getHerokuClient(),
        settings: {
          ...config.alerts,
          recipients: config.email.recipients,
          smsRecipients: config.smsRecipients,
          webhookEndpoints: await enabledWebhookEndpoints(ctx.db),
          consoleUrl: (await resolveAppUrl(ctx.db, config)).url,
        },
      });
      return {
        processed: result.rules,
        skipped: 0,
        failed: result.failed,
        detail: `${result.rules} rules: ${result.opened} incidents opened, ${result.resolved} resolved, ${result.notices} notices, ${result.restarts} restarts`,
      };
    },
  },
  {
    name: "deliver-outbox",
    description: "Sends queued notifications (email through Resend) with retries and backoff.",
    intervalSeconds: 15,
    leaseSeconds: 2 * 60,
    async run(ctx) {
      const config = getConfig();
      const result = await deliverOutbox(ctx, deliveryFromConfig(ctx, config));
      return {
        processed: result.sent + result.held,
        skipped: result.retrying,
        failed: result.failed,
        detail: `${result.sent} sent, ${result.held} held (${config.demoMode ? "demo mode" : "no provider"}), ${result.retrying} to retry, ${result.failed} failed`,
      };
    },
  },
  {
    name: "judge-restarts",
    description: "Measures memory and errors 5 and 15 minutes after each restart: did it help?",
    intervalSeconds: 60,
    leaseSeconds: 2 * 60,
    async run(ctx) {
      const { helpedEarlySeconds, helpedSeconds } = getConfig().alerts;
      const changed = await judgeRestarts(ctx, {
        earlySeconds: helpedEarlySeconds,
        helpedSeconds,
      });
      return { processed: changed, skipped: 0, failed: 0, detail: `${changed} restarts measured` };
    },
  },
  {
    name: "run-checks",
    description:
      "Runs the status checks that are due (web, Redis, Postgres) and records their results; hourly, removes results older than RETENTION_DAYS.",
    intervalSeconds: 15,
    leaseSeconds: 2 * 60,
    async run(ctx) {
      return runChecksJob(ctx, {
        owner: processOwner,
        deadline: ctx.deadline,
        retentionDays: getConfig().retentionDays,
      });
    },
  },
  {
    name: "poll-logs",
    description: "Reads the logs of apps without a drain through Heroku log sessions (tail).",
    intervalSeconds: 30,
    leaseSeconds: 5 * 60,
    async run(ctx) {
      const config = getConfig();
      return pollLogSources({
        ctx,
        options: {
          client: await getHerokuClient(),
          owner: processOwner,
          tailSeconds: config.poll.tailSeconds,
          intervalSeconds: config.poll.intervalSeconds,
        },
      });
    },
  },
  {
    name: "prune-retention",
    description:
      "Removes log events, metric samples and request statistics older than RETENTION_DAYS.",
    intervalSeconds: 60 * 60,
    leaseSeconds: 10 * 60,
    async run(ctx) {
      const removed = await pruneRetention(ctx.db, {
        now: ctx.clock.now(),
        retentionDays: getConfig().retentionDays,
      });
      return {
        processed: removed.events + removed.samples + removed.requestMinutes,
        skipped: 0,
        failed: 0,
        detail: `removed ${removed.events} events, ${removed.samples} samples, ${removed.requestMinutes} request minutes, ${removed.frames} drain frame ids`,
      };
    },
  },
  {
    name: "discover",
    description: "Syncs apps, dyno types and dynos from the Heroku account.",
    intervalSeconds: 10 * 60,
    leaseSeconds: 5 * 60,
    async run(ctx) {
      const connection = await getHerokuConnection();
      const client = await getHerokuClient();
      const summary = await discoverApps({
        ctx,
        input: {
          client,
          apiUrl: connection.apiUrl,
          demo: connection.demo,
          reportProgress: ctx.reportProgress,
        },
      });
      // demo mode: the simulator's apps push their logs to this console through drains
      if (connection.demo) {
        const added = await ensureDemoDrains({ ctx, client, appUrl: getConfig().appUrl });
        if (added) summary.detail = `${summary.detail}; ${added} drains added`;
      }
      return summary;
    },
  },
  {
    name: "prune-job-runs",
    description: "Removes job run records older than JOB_RUNS_RETENTION_DAYS.",
    intervalSeconds: 60 * 60,
    leaseSeconds: 5 * 60,
    async run(ctx) {
      const before = new Date(
        ctx.clock.now().getTime() - getConfig().jobRunsRetentionDays * DAY_MS,
      );
      const now = ctx.clock.now();
      const abandoned = await failAbandonedRuns(ctx.db, new Date(now.getTime() - 2 * HOUR_MS), now);
      const removed = await pruneJobRuns(ctx.db, before);
      return {
        processed: removed,
        skipped: 0,
        failed: 0,
        detail: `removed ${removed} runs started before ${before.toISOString()}; closed ${abandoned} abandoned runs`,
      };
    },
  },
];

export function findJob(name: string, registry: readonly JobDefinition[] = jobRegistry) {
  return registry.find((job) => job.name === name);
}
