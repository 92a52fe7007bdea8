// `npm start` (and the Procfile's web process): checks the settings, then runs the production server
// (scripts/server.mjs) on PORT, in this one process. Locally it first builds when the build is
// missing or stale; on a platform (DYNO set, or NODE_ENV=production) it never builds: the platform's
// build phase ran `npm run build`, and a dyno must bind $PORT within 60 s. Plain JavaScript run by
// plain node: nothing here may need a devDependency once the app is built.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  BUILD_STAMP,
  buildEntries,
  entriesBuilt,
  onPlatform,
  sourceFingerprint,
} from "./build-entries.mjs";
import { startProductionServer } from "./server.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));

function isBuilt() {
  return existsSync(join(root, ".next", "BUILD_ID")) && entriesBuilt();
}

/** `npm run build`'s two steps, when the build is missing or older than the sources. */
async function buildWhenStale() {
  const fingerprint = sourceFingerprint();
  const built = isBuilt() && existsSync(BUILD_STAMP);
  if (built && readFileSync(BUILD_STAMP, "utf8").trim() === fingerprint) return;
  process.stdout.write(
    built ? "Sources changed since the last build: rebuilding…\n" : "No build yet: building…\n",
  );
  const next = spawnSync(
    process.execPath,
    [join(root, "node_modules", "next", "dist", "bin", "next"), "build"],
    { cwd: root, stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } },
  );
  if (next.status !== 0) process.exit(next.status ?? 1);
  await buildEntries();
  writeFileSync(BUILD_STAMP, `${fingerprint}\n`);
}

async function main() {
  if (!onPlatform()) await buildWhenStale();
  else if (!isBuilt()) {
    process.stderr.write(
      "No build found (.next/ or dist/ is missing). Run `npm run build` first: on a platform the " +
        "build phase runs it, and `npm start` never builds there (DYNO or NODE_ENV=production is set).\n",
    );
    process.exit(1);
  }
  // as `next start` does, before the settings are read: boot sees what the server will see
  process.env.NODE_ENV ??= "production";
  const { boot } = await import(pathToFileURL(join(root, "dist", "boot.mjs")).href);
  const { port, appUrl, authSecret } = boot();
  // the server's Next reads it; a secret generated for the embedded defaults lives in .data/
  process.env.AUTH_SECRET = authSecret;
  process.env.NEXT_TELEMETRY_DISABLED ??= "1";
  process.stdout.write(`Dyno Monitor on ${appUrl} (port ${port})\n`);
  await startProductionServer({ dir: root, port });
  process.stdout.write(`Ready on port ${port}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
