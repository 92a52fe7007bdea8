import "server-only";
import { getConfig } from "@/lib/config";
import { systemActor } from "@/lib/context";
import { log } from "@/lib/log";
import { appCtx } from "@/lib/runtime";
import { processOwner } from "./owner";
import { releaseOwnedLeases } from "./runs";
import { tick } from "./tick";

export type Scheduler = {
  /**
   * Stops taking work, waits up to `graceMs` for the job in hand, then releases whatever this
   * process still holds (leases, unfinished runs) so another instance can take it at once.
   */
  stop: (options?: { graceMs?: number }) => Promise<void>;
};

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/** The in-process scheduler: calls the same tick() as /api/cron/tick every few seconds. */
export function startScheduler(options: { intervalSeconds?: number } = {}): Scheduler {
  const intervalMs = (options.intervalSeconds ?? getConfig().schedulerIntervalSeconds) * 1000;
  const stopping = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  const loop = async () => {
    try {
      const results = await tick({
        ctx: appCtx(systemActor("scheduler")),
        trigger: "scheduler",
        signal: stopping.signal,
      });
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
    if (!stopping.signal.aborted) schedule(intervalMs);
  };
  const schedule = (delayMs: number) => {
    timer = setTimeout(() => {
      running = loop();
    }, delayMs);
  };
  schedule(1000);
  log.info("scheduler started", { intervalSeconds: intervalMs / 1000 });
  return {
    async stop({ graceMs = 20_000 } = {}) {
      if (stopping.signal.aborted) return;
      stopping.abort();
      if (timer) clearTimeout(timer);
      const finished = await Promise.race([
        (running ?? Promise.resolve()).then(() => true),
        sleep(graceMs).then(() => false),
      ]);
      try {
        const ctx = appCtx(systemActor("scheduler"));
        const released = await releaseOwnedLeases(ctx.db, processOwner, ctx.clock.now());
        log.info("scheduler stopped", { finished, released });
      } catch (error) {
        log.warn("scheduler stopped; its leases could not be released (they expire)", { error });
      }
    },
  };
}
