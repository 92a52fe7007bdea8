// scripts/start.mjs on a platform never builds: a missing build ends the process at once with a
// message naming `npm run build` (a dyno must bind $PORT within 60 s; building takes minutes).
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const dir = mkdtempSync(join(tmpdir(), "dm-start-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The launcher alone, in a directory with no build: what a slug without `npm run build` holds. */
function unbuiltCopy(): string {
  mkdirSync(join(dir, "scripts"), { recursive: true });
  for (const file of ["start.mjs", "server.mjs", "build-entries.mjs"]) {
    copyFileSync(join(process.cwd(), "scripts", file), join(dir, "scripts", file));
  }
  return dir;
}

describe("scripts/start.mjs on a platform", () => {
  it.each([
    ["DYNO", { DYNO: "web.1" }],
    ["NODE_ENV=production", { NODE_ENV: "production" }],
  ])("with %s and no build: exits 1 naming npm run build, builds nothing", (_label, extra) => {
    const root = unbuiltCopy();
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? root,
      PORT: "3430",
      ...extra,
    };
    const started = performance.now();
    const run = spawnSync(process.execPath, [join(root, "scripts", "start.mjs")], {
      cwd: root,
      // Next's types insist on NODE_ENV
      env: env as NodeJS.ProcessEnv,
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/npm run build/);
    expect(run.stdout).not.toMatch(/building/i);
    // nothing was built: a build takes minutes, this took a moment
    expect(performance.now() - started).toBeLessThan(30_000);
  });
});
