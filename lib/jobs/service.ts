import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/context";
import type { RunJobInput } from "./schemas";
import { type JobResult, runJob } from "./tick";

/** A user's "Run now": runs the job under its lease and records who asked. */
export async function runJobManually({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: RunJobInput;
}): Promise<JobResult> {
  const result = await runJob({ ctx, name: input.job, trigger: "manual" });
  await recordAudit(ctx.db, ctx.actor, {
    action: "job.run",
    target: input.job,
    detail: { status: result.status, processed: result.processed },
    at: ctx.clock.now(),
  });
  return result;
}
