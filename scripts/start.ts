// `npm start`: checks the settings, builds when the build is missing or stale, then runs the
// production server (scripts/server.mjs: Next behind node:http, recording each request's socket
// address for sign-in throttling) on PORT with the embedded defaults filled in.
import "./load-env";
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { ConfigError, getConfig, resolveAuthSecret } from "../lib/config";

const root = join(__dirname, "..");
const SOURCES = ["app", "components", "lib", "public", "drizzle"];
const FILES = [
  "package.json",
  "package-lock.json",
  "next.config.ts",
  "tsconfig.json",
  "postcss.config.mjs",
  "proxy.ts",
  "instrumentation.ts",
];
const STAMP = join(root, ".next", "dyno-monitor-build.sha256");

function walk(dir: string, out: string[]): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    // test helpers never reach the build (lint keeps production code from importing them)
    if (entry.isDirectory()) {
      if (relative(root, path) !== join("lib", "testing")) walk(path, out);
    } else if (!/\.(test|int\.test)\.tsx?$/.test(entry.name)) out.push(path);
  }
}

/** A hash of every file the build reads, so a changed source triggers a rebuild. */
function sourceFingerprint(): string {
  const files: string[] = [];
  for (const dir of SOURCES) walk(join(root, dir), files);
  for (const file of FILES) if (existsSync(join(root, file))) files.push(join(root, file));
  const hash = createHash("sha256");
  for (const file of files.sort()) {
    hash.update(relative(root, file));
    hash.update(readFileSync(file));
  }
  return hash.digest("hex");
}

function main(): void {
  let config: ReturnType<typeof getConfig>;
  try {
    config = getConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const { secret, generated } = resolveAuthSecret(config);
  if (generated)
    process.stdout.write(
      `AUTH_SECRET is not set: generated one into ${config.dataDir}/auth-secret\n`,
    );

  const fingerprint = sourceFingerprint();
  const built = existsSync(join(root, ".next", "BUILD_ID")) && existsSync(STAMP);
  if (!built || readFileSync(STAMP, "utf8").trim() !== fingerprint) {
    process.stdout.write(
      built ? "Sources changed since the last build: rebuilding…\n" : "No build yet: building…\n",
    );
    const build = spawnSync(process.execPath, [require.resolve("next/dist/bin/next"), "build"], {
      cwd: root,
      stdio: "inherit",
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    });
    if (build.status !== 0) process.exit(build.status ?? 1);
    writeFileSync(STAMP, `${fingerprint}\n`);
  }

  process.stdout.write(`Dyno Monitor on ${config.appUrl} (port ${config.port})\n`);
  const server = spawn(
    process.execPath,
    [join(root, "scripts", "server.mjs"), "--port", String(config.port)],
    {
      cwd: root,
      stdio: "inherit",
      env: { ...process.env, AUTH_SECRET: secret, NEXT_TELEMETRY_DISABLED: "1" },
    },
  );
  for (const signal of ["SIGINT", "SIGTERM"] as const)
    process.on(signal, () => server.kill(signal));
  server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

main();
