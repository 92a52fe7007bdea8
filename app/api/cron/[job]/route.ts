// Vercel Cron (or any scheduler that can call a URL): GET with Authorization: Bearer CRON_SECRET.
// /api/cron/tick runs every due job; /api/cron/<job> runs that job now.
import { systemActor } from "@/lib/context";
import { withRoute } from "@/lib/http/route";
import { runJob, tick } from "@/lib/jobs/tick";
import { appCtx } from "@/lib/runtime";

export const dynamic = "force-dynamic";
export const maxDuration = 60;

export const GET = withRoute<{ job: string }, "cron">("cron", async ({ params }) => {
  const ctx = appCtx(systemActor("cron"));
  if (params.job === "tick") {
    const started = performance.now();
    const results = await tick({ ctx, trigger: "cron" });
    return {
      job: "tick",
      status: results.some((r) => r.status === "failed") ? "failed" : "ok",
      claimed: results.length,
      processed: results.reduce((sum, r) => sum + r.processed, 0),
      failed: results.filter((r) => r.status === "failed").length,
      durationMs: Math.round(performance.now() - started),
      jobs: results,
    };
  }
  const result = await runJob({ ctx, name: params.job, trigger: "cron" });
  return Response.json(result, { status: result.status === "busy" ? 409 : 200 });
});
