// Server start-up (instrumentation.ts): settings, database and migrations, the configured admin,
// and the in-process scheduler.
import "server-only";
import { ensureConfiguredAdmin } from "@/lib/auth/service";
import { getConfig, resolveAuthSecret } from "@/lib/config";
import { systemActor } from "@/lib/context";
import { closeDb, getDbHandle } from "@/lib/db/client";
import { runMigrations } from "@/lib/db/migrate";
import { closeHerokuConnection } from "@/lib/heroku/connection";
import { requestJobSoon } from "@/lib/jobs/due";
import { startScheduler } from "@/lib/jobs/scheduler";
import { log } from "@/lib/log";
import { appCtx } from "@/lib/runtime";
import { hasShutdownCaller, onShutdown, runShutdown } from "./shutdown";

// Heroku sends SIGKILL 30 s after SIGTERM (DEPLOY.md §Stop): the job in hand gets 20 s, then its
// lease is released; the rest of the shutdown fits in what is left
const SCHEDULER_GRACE_MS = 20_000;

const startedKey = Symbol.for("dyno-monitor.started");

export async function startServer(): Promise<void> {
  const store = globalThis as typeof globalThis & { [startedKey]?: boolean };
  if (store[startedKey]) return;
  store[startedKey] = true;

  const config = getConfig();
  const { generated } = resolveAuthSecret(config);
  if (generated) {
    log.warn("AUTH_SECRET is not set: generated one into the data directory", {
      dataDir: config.dataDir,
    });
  }
  const handle = getDbHandle();
  await runMigrations(handle);
  log.info("database ready", {
    driver: handle.driver,
    ...(handle.driver === "pglite" ? { dir: config.pgliteDir } : {}),
  });

  if (config.admin) {
    const outcome = await ensureConfiguredAdmin({
      ctx: appCtx(systemActor("ADMIN_EMAIL")),
      admin: config.admin,
    });
    log.info(
      outcome === "created" ? "admin created from ADMIN_EMAIL" : "admin from ADMIN_EMAIL exists",
      {
        email: config.admin.email,
      },
    );
  }

  if (config.demoMode) {
    // demo mode: the embedded simulator starts empty on every boot, so discovery runs at the first
    // tick (not when its interval next comes round) and gives the demo apps their drains again
    await requestJobSoon(handle.db, "discover", new Date());
  }

  if (config.scheduler === "on") {
    const scheduler = startScheduler();
    onShutdown(() => scheduler.stop({ graceMs: SCHEDULER_GRACE_MS }));
  } else {
    log.info("scheduler off (SCHEDULER=off): run jobs through /api/cron/* or npm run worker");
  }
  onShutdown(closeHerokuConnection);
  onShutdown(closeDb);
  // under `next start` or `next dev` nobody calls the hook: the signal does
  if (!hasShutdownCaller()) {
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      process.once(signal, () => void runShutdown());
    }
  }
}
