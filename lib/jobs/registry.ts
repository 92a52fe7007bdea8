// lib/jobs: the registry of named jobs, the tick that runs due ones under a lease, and the
// scheduler. Job logic itself lives in the domain modules; entries here only wire it.
import { discoverApps } from "@/lib/apps/discover";
import { getConfig } from "@/lib/config";
import { getHerokuClient, getHerokuConnection } from "@/lib/heroku/connection";
import { failAbandonedRuns, pruneJobRuns } from "./runs";
import type { JobDefinition } from "./types";

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

export const jobRegistry: readonly JobDefinition[] = [
  {
    name: "discover",
    description: "Syncs apps, dyno types and dynos from the Heroku account.",
    intervalSeconds: 10 * 60,
    leaseSeconds: 5 * 60,
    async run(ctx) {
      const connection = await getHerokuConnection();
      const client = await getHerokuClient();
      return discoverApps({
        ctx,
        input: {
          client,
          apiUrl: connection.apiUrl,
          demo: connection.demo,
          reportProgress: ctx.reportProgress,
        },
      });
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
