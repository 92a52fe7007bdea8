// `npm run worker`: runs background jobs in their own process, beside web instances started with
// SCHEDULER=off. Needs DATABASE_URL: the embedded PGlite database allows one process only.
import "./load-env";
import { ConfigError, getConfig } from "../lib/config";
import { isDriverSocketRace } from "../lib/db/availability";
import { closeDb, getDbHandle } from "../lib/db/client";
import { runMigrations } from "../lib/db/migrate";
import { startScheduler } from "../lib/jobs/scheduler";
import { guardConsole, log } from "../lib/log";

// A plain process dies of an uncaught exception. The driver's socket race (a connection cut during a
// database outage) is not ours and must not stop the jobs: logged, and the worker goes on. Anything
// else is a bug: logged, and the process exits so the platform restarts it.
process.on("uncaughtException", (error) => {
  if (isDriverSocketRace(error)) {
    log.warn("the database driver dropped a write on a cut connection; going on", {
      code: "socket-race",
    });
    return;
  }
  log.error("worker crashed", { error });
  process.exit(1);
});

async function main() {
  guardConsole();
  const config = getConfig();
  if (!config.databaseUrl) {
    process.stderr.write(
      "npm run worker needs DATABASE_URL: the embedded PGlite database belongs to the server process " +
        "(npm start runs the jobs itself). Set DATABASE_URL to a Postgres shared by the server and the worker.\n",
    );
    process.exit(1);
  }
  await runMigrations(getDbHandle());
  const scheduler = startScheduler();
  const stop = async () => {
    log.info("worker stopping");
    // Heroku sends SIGKILL 30 s after SIGTERM (DEPLOY.md §Stop): the job in hand gets 20 s, then
    // its lease is released for the next instance; nothing may keep the process past 27 s
    setTimeout(() => process.exit(0), 27_000).unref();
    await scheduler.stop({ graceMs: 20_000 });
    await closeDb();
    log.info("worker stopped");
    process.exit(0);
  };
  process.once("SIGINT", () => void stop());
  process.once("SIGTERM", () => void stop());
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof ConfigError || error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
