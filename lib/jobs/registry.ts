// lib/jobs: the registry of named jobs, the tick that runs due ones under a lease, and the
// scheduler. Job logic itself lives in the domain modules; entries here only wire it.
import { discoverApps } from "@/lib/apps/discover";
import { getConfig } from "@/lib/config";
import { getHerokuClient, getHerokuConnection } from "@/lib/heroku/connection";
import { ensureDemoDrains } from "@/lib/ingest/drains-service";
import { pollLogSources } from "@/lib/ingest/poll";
import { pruneRetention } from "@/lib/ingest/retention";
import { processOwner } from "./owner";
import { failAbandonedRuns, pruneJobRuns } from "./runs";
import type { JobDefinition } from "./types";

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

export const jobRegistry: readonly JobDefinition[] = [
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
