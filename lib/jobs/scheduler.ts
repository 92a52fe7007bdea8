import "server-only";
import { getConfig } from "@/lib/config";
import { systemActor } from "@/lib/context";
import { log } from "@/lib/log";
import { appCtx } from "@/lib/runtime";
import { tick } from "./tick";

export type Scheduler = { stop: () => Promise<void> };

/** The in-process scheduler: calls the same tick() as /api/cron/tick every few seconds. */
export function startScheduler(options: { intervalSeconds?: number } = {}): Scheduler {
  const intervalMs = (options.intervalSeconds ?? getConfig().schedulerIntervalSeconds) * 1000;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  const loop = async () => {
    try {
      const results = await tick({ ctx: appCtx(systemActor("scheduler")), trigger: "scheduler" });
      for (const result of results) {
        // a run that found nothing to do is routine: every 15 s per job would drown the log
        const routine = result.status !== "failed" && result.processed === 0 && result.failed === 0;
        (routine ? log.debug : log.info)("job ran", {
          job: result.job,
          status: result.status,
          processed: result.processed,
          failed: result.failed,
          durationMs: result.durationMs,
        });
      }
    } catch (error) {
      log.error("scheduler tick failed", { error });
    }
    if (!stopped) schedule(intervalMs);
  };
  const schedule = (delayMs: number) => {
    timer = setTimeout(() => {
      running = loop();
    }, delayMs);
  };
  schedule(1000);
  log.info("scheduler started", { intervalSeconds: intervalMs / 1000 });
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
