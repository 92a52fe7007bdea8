import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "@/lib/db/client";
import { runMigrations } from "@/lib/db/migrate";
import { apps, logEvents } from "@/lib/db/schema";

const scratch = mkdtempSync(join(tmpdir(), "dm-import-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const saved = [
  "2025-03-04T08:58:01.774512+00:00 heroku[web.1]: Process running mem=612M(119.5%)",
  "2025-03-04T08:58:01.776093+00:00 heroku[web.1]: Error R14 (Memory quota exceeded)",
  '2025-03-04T09:02:18.441902+00:00 heroku[router]: at=error code=H10 desc="App crashed" method=GET path="/" host=acme.herokuapp.com request_id=0a1b fwd="203.0.113.42" dyno= connect= service= status=503 bytes= protocol=https',
  "some text that is not a log line",
];

// Each run starts tsx and opens PGlite in a child process: seconds on an idle machine, far more with
// both cores busy. Generous limits, and each test prepares its own database and file.
const RUN_TIMEOUT_MS = 150_000;

/** A migrated PGlite directory of its own, with the app `acme-api`, and the saved log file. */
async function prepare(name: string): Promise<{ dir: string; file: string }> {
  const dir = join(scratch, name, "pglite");
  const db = openDatabase({ pgliteDir: dir });
  await runMigrations(db);
  const now = new Date();
  await db.db
    .insert(apps)
    .values({ herokuId: "imp-1", name: "acme-api", firstSeenAt: now, lastSyncedAt: now });
  await db.close();
  const file = join(scratch, name, "saved.log");
  writeFileSync(file, `${saved.join("\n")}\n`);
  return { dir, file };
}

function runImport(args: string[], pgliteDir: string) {
  return spawnSync(
    process.execPath,
    ["--conditions=react-server", "--import", "tsx", "scripts/logs-import.ts", ...args],
    {
      encoding: "utf8",
      env: { ...process.env, PGLITE_DIR: pgliteDir, DATABASE_URL: "", LOG_LEVEL: "error" },
      timeout: RUN_TIMEOUT_MS,
    },
  );
}

describe("npm run logs:import", () => {
  it(
    "backfills a saved heroku logs file once, with a progress bar, and says what it did",
    async () => {
      const { dir, file } = await prepare("backfill");

      const first = runImport(["--app", "acme-api", file], dir);
      expect(first.status).toBe(0);
      expect(first.stdout).toContain(
        "Imported 4 lines into acme-api: 3 new events, 0 already stored, 1 not log lines.",
      );
      expect(first.stderr).toMatch(/\[#+\] 100% 4 lines/);
      const again = runImport(["--app", "acme-api", file], dir);
      expect(again.stdout).toContain("0 new events, 3 already stored");

      const check = openDatabase({ pgliteDir: dir });
      const events = await check.db.select().from(logEvents);
      await check.close();
      expect(events.map((e) => e.code).sort()).toEqual(["H10", "R14", null]);
    },
    3 * RUN_TIMEOUT_MS,
  );

  it(
    "names the problem when the app is unknown",
    async () => {
      const { dir, file } = await prepare("unknown-app");
      const result = runImport(["--app", "nope", file], dir);
      expect(result.status).toBe(2);
      expect(result.stderr).toContain("No app named nope");
    },
    2 * RUN_TIMEOUT_MS,
  );
});
