// Vitest globalSetup of the fault suite: starts the console once, before any scenario's clock runs,
// so a missing or stale build (minutes on a busy machine) is made here and not inside a scenario.
// CI runs the suite after e2e, whose `npm start` already built the same sources: then this takes
// seconds.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startConsole, stopConsole } from "./console-process";
import { LOG_DIR } from "./log-scan";

const BUILD_CHECK_PORT = 3250;

export default async function setup(): Promise<void> {
  // without Postgres the scenarios skip (or fail under CI): no build is needed for that
  if (!process.env.DATABASE_URL) return;
  const dir = mkdtempSync(join(tmpdir(), "dm-faults-build-"));
  try {
    const server = await startConsole({
      port: BUILD_CHECK_PORT,
      logFile: join(LOG_DIR, "faults-build.log"),
      readyTimeoutMs: 1_200_000,
      env: {
        PGLITE_DIR: join(dir, "pglite"),
        AUTH_SECRET: randomBytes(32).toString("base64url"),
        SECRETS_KEY: randomBytes(32).toString("base64"),
        SCHEDULER: "off",
        HEROKU_API_KEY: "faults-build-check",
        HEROKU_API_URL: "http://127.0.0.1:15499",
        LOG_LEVEL: "warn",
      },
    });
    await stopConsole(server);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
