import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/context";
import { type StartScenarioInput, startDemoScenario, stopDemoScenario } from "@/lib/heroku/demo";
import { runJobManually } from "@/lib/jobs/service";
import type { JobResult } from "@/lib/jobs/tick";

export const syncNowSchema = z.object({});

/** "Sync now": runs discovery at once under its lease (busy when a run is already going). */
export async function syncNow({ ctx }: { ctx: Ctx }): Promise<JobResult & { detail?: string }> {
  return runJobManually({ ctx, input: { job: "discover" } });
}

/** Demo controls: starts a simulator scenario and records who did it. */
export async function startScenario({ ctx, input }: { ctx: Ctx; input: StartScenarioInput }) {
  const scenario = await startDemoScenario(input);
  await recordAudit(ctx.db, ctx.actor, {
    action: "demo.scenario_started",
    target: `${input.app}${input.dyno ? ` ${input.dyno}` : ""}`,
    detail: { scenario: input.name },
    at: ctx.clock.now(),
  });
  return scenario;
}

export async function stopScenario({ ctx, input }: { ctx: Ctx; input: { id: string } }) {
  await stopDemoScenario(input);
  await recordAudit(ctx.db, ctx.actor, {
    action: "demo.scenario_stopped",
    target: input.id,
    at: ctx.clock.now(),
  });
}
