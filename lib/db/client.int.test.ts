import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { DatabaseLockedError, lockPgliteDir, openDatabase } from "./client";
import { runMigrations } from "./migrate";

const scratch = mkdtempSync(join(tmpdir(), "dm-pglite-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function openInChild(dir: string) {
  return spawnSync(
    process.execPath,
    ["--conditions=react-server", "--import", "tsx", "lib/testing/open-pglite.ts", dir],
    { encoding: "utf8", timeout: 60_000 },
  );
}

describe("the embedded PGlite database", () => {
  it("keeps its data across restarts of the process", async () => {
    const dir = join(scratch, "persist");
    const first = openDatabase({ pgliteDir: dir });
    await runMigrations(first);
    await first.db.execute(sql`insert into cache_entries (key, value) values ('kept', 'yes')`);
    await first.close();
    const second = openDatabase({ pgliteDir: dir });
    const result = (await second.db.execute(
      sql`select value from cache_entries where key = 'kept'`,
    )) as unknown as {
      rows: { value: string }[];
    };
    expect(result.rows[0]?.value).toBe("yes");
    await second.close();
  });

  it("refuses a second process with a message naming the owner, and lets it in once the owner closes", async () => {
    const dir = join(scratch, "owned");
    const owner = openDatabase({ pgliteDir: dir });
    await owner.db.execute(sql`select 1`);
    const refused = openInChild(dir);
    expect(refused.status).toBe(3);
    expect(refused.stderr).toContain("DatabaseLockedError");
    expect(refused.stderr).toContain(`already open in process ${process.pid}`);
    expect(refused.stderr).toContain("DATABASE_URL");
    await owner.close();
    const allowed = openInChild(dir);
    expect(allowed.stderr).toBe("");
    expect(allowed.stdout).toContain("opened");
  });

  it("takes over a lock left by a process that died", () => {
    const dir = join(scratch, "stale");
    writeFileSync(`${dir}.lock`, "999999");
    const release = lockPgliteDir(dir);
    release();
  });

  it("throws DatabaseLockedError for a live owner in the same test process's view", () => {
    const dir = join(scratch, "live");
    writeFileSync(`${dir}.lock`, String(process.ppid));
    expect(() => lockPgliteDir(dir)).toThrow(DatabaseLockedError);
  });
});
