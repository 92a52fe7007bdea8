import type { Ctx } from "@/lib/context";
import type { JobProgress, JobSummary, JobTrigger } from "@/lib/db/schema/jobs";

export type { JobProgress, JobSummary, JobTrigger };

export type JobContext = Ctx & {
  /** Wall-clock budget for bounded work: stop taking new items after this instant. */
  deadline: Date;
  trigger: JobTrigger;
  /** Shows how far the run is ("12 of 100 apps") on the System and Apps pages. */
  reportProgress: (progress: JobProgress) => Promise<void>;
};

export type JobDefinition = {
  /** kebab-case; also the cron URL: /api/cron/<name>. */
  name: string;
  description: string;
  intervalSeconds: number;
  /** How long a claim lasts; a crashed runner's lease expires after this. */
  leaseSeconds: number;
  run: (ctx: JobContext) => Promise<JobSummary>;
};
