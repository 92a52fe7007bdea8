// Deploy tests: a "slug" made the way Heroku's Node buildpack makes one (a clean copy of the repo,
// `npm ci`, the build script, `npm prune --omit=dev`), and its Procfile's processes run with only
// the settings a platform would give them. One slug per set of sources, shared by every deploy test
// (and every run) that sees the same files.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { LOG_DIR } from "./log-scan";

const READY_MARKER = ".dm-slug-ready";
const LOCK = ".dm-slug-lock";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The repository this test runs from (the slug is made from its working tree). */
export function repoRoot(): string {
  return execFileSync("git", ["rev-parse", "--show-toplevel"], { encoding: "utf8" }).trim();
}

/** What `git push` would send, plus files not yet committed (ignored files excluded). */
function sourceFiles(root: string): string[] {
  const listed = execFileSync(
    "git",
    ["ls-files", "-z", "--cached", "--others", "--exclude-standard"],
    { cwd: root, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
  )
    .split("\0")
    .filter((file) => file !== "");
  // a file deleted but not yet committed is still in the index
  return [...new Set(listed)].filter((file) => {
    const path = join(root, file);
    return existsSync(path) && statSync(path).isFile();
  });
}

// files that never reach the slug's build or run time: editing a test must not cost a new build
const OUTSIDE_THE_BUILD = [
  /\.test\.tsx?$/,
  /^lib\/testing\//,
  /^e2e\//,
  /^scripts\/bench/,
  /\.md$/,
  /^\.ci\//,
];

function fingerprint(root: string, files: readonly string[]): string {
  const hash = createHash("sha256");
  const built = files.filter((file) => !OUTSIDE_THE_BUILD.some((pattern) => pattern.test(file)));
  for (const file of built.sort()) {
    hash.update(file);
    hash.update("\0");
    hash.update(readFileSync(join(root, file)));
    hash.update("\0");
  }
  return hash.digest("hex").slice(0, 16);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Slugs of sources long gone (about 700 MB each): ready ones not used for half a day. */
function removeOldSlugs(): void {
  const before = Date.now() - 12 * 3600_000;
  for (const name of readdirSync(tmpdir())) {
    const marker = join(tmpdir(), name, READY_MARKER);
    if (!/^dm-slug-[0-9a-f]{16}$/.test(name) || !existsSync(marker)) continue;
    if (statSync(marker).mtimeMs < before)
      rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

export type PrepareSlugOptions = {
  /** Where the buildpack steps' output goes (default: deploy-slug-build.log in LOG_DIR). */
  logFile?: string;
};

/**
 * The slug for the repo's current files: made once (minutes: install, build, prune), then reused
 * while the files stay the same. Concurrent callers wait for the one that builds.
 */
export async function prepareSlug(options: PrepareSlugOptions = {}): Promise<string> {
  const root = repoRoot();
  const files = sourceFiles(root);
  const dir = join(tmpdir(), `dm-slug-${fingerprint(root, files)}`);
  const ready = join(dir, READY_MARKER);
  const lock = `${dir}${LOCK}`;
  for (;;) {
    if (existsSync(ready)) {
      // in use: keeps it from removeOldSlugs
      utimesSync(ready, new Date(), new Date());
      return dir;
    }
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, "pid"), String(process.pid));
      break;
    } catch {
      const owner = Number(readFileSync(join(lock, "pid"), { encoding: "utf8", flag: "a+" }));
      if (owner && !pidAlive(owner)) rmSync(lock, { recursive: true, force: true });
      else await sleep(2000);
    }
  }
  try {
    if (existsSync(ready)) return dir;
    removeOldSlugs();
    rmSync(dir, { recursive: true, force: true });
    for (const file of files) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      copyFileSync(join(root, file), join(dir, file));
    }
    const logFile = options.logFile ?? join(LOG_DIR, "deploy-slug-build.log");
    mkdirSync(dirname(logFile), { recursive: true });
    const env = platformEnv(dir, { NEXT_TELEMETRY_DISABLED: "1" });
    // the buildpack's steps (DEPLOY.md): install everything, build (NODE_ENV=production, as the
    // buildpack sets it), drop devDependencies
    const steps: [string, Record<string, string>][] = [
      ["npm ci --prefer-offline --no-audit --no-fund", env],
      ["npm run build", { ...env, NODE_ENV: "production" }],
      ["npm prune --omit=dev --no-audit --no-fund", env],
    ];
    for (const [step, stepEnv] of steps) {
      const code = await runToEnd(step, dir, stepEnv, logFile);
      if (code !== 0) throw new Error(`slug build step "${step}" exited ${code}: see ${logFile}`);
    }
    writeFileSync(ready, `${new Date().toISOString()}\n`);
    return dir;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** A dyno's environment: exactly `env`, plus PATH (without any node_modules/.bin) and HOME. */
function platformEnv(dir: string, env: Record<string, string>): Record<string, string> {
  // `npm run` puts the repo's node_modules/.bin first: kept, a pruned slug would find tsx there
  const path = (process.env.PATH ?? "")
    .split(delimiter)
    .filter((entry) => entry !== "" && !entry.includes(`node_modules${"/"}.bin`));
  return {
    PATH: [join(dir, "node_modules", ".bin"), ...path].join(delimiter),
    HOME: process.env.HOME ?? dir,
    ...env,
  };
}

/** A child's environment: an empty value means unset (Next's types insist on NODE_ENV). */
function withoutEmpty(env: Record<string, string>): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== ""),
  ) as NodeJS.ProcessEnv;
}

function runToEnd(
  command: string,
  dir: string,
  env: Record<string, string>,
  logFile: string,
): Promise<number> {
  const fd = openSync(logFile, "a");
  writeSync(fd, `\n$ ${command}\n`);
  const child = spawn("sh", ["-c", command], {
    cwd: dir,
    env: withoutEmpty(env),
    stdio: ["ignore", fd, fd],
  });
  closeSync(fd);
  return new Promise((resolve) => {
    child.once("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

/** The Procfile's process types and their commands. */
export function procfile(dir: string): Record<string, string> {
  const types: Record<string, string> = {};
  for (const line of readFileSync(join(dir, "Procfile"), "utf8").split("\n")) {
    const match = /^([A-Za-z0-9_-]+):\s*(.+?)\s*$/.exec(line);
    if (match?.[1] && match[2]) types[match[1]] = match[2];
  }
  return types;
}

function command(dir: string, type: string): string {
  const line = procfile(dir)[type];
  if (!line) throw new Error(`the Procfile in ${dir} has no "${type}" process`);
  return line;
}

export type SlugProcess = {
  type: string;
  pid: number;
  logFile: string;
  /** When the process was spawned (performance.now()). */
  startedAt: number;
  alive(): boolean;
  /** Everything it printed so far (stdout and stderr, interleaved). */
  output(): string;
  /** Polls GET /api/health until 200; returns the ms since spawn. Throws on exit or timeout. */
  waitForHealth(port: number, timeoutMs: number): Promise<number>;
  /** Waits until the output matches; throws on exit or timeout. */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<void>;
  /**
   * Signals the whole process group (as Heroku signals every process of a dyno) and waits for all
   * of it to exit: `code` is the exit code (128 + signal number when killed), `ms` the time taken.
   */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<{ code: number; ms: number }>;
};

const SIGNALS: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

function logFileFor(type: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  return join(LOG_DIR, `deploy-${type}-${stamp}-${process.pid}.log`);
}

/**
 * Runs the Procfile's `type` command with `sh -c` in the slug, with exactly `env` (plus PATH and
 * HOME), in its own process group; output goes to a log under the repo's .data/logs (the log scan
 * reads it) and stays readable through output().
 */
export function startProcess(
  dir: string,
  type: string,
  env: Record<string, string>,
  options: { logFile?: string } = {},
): SlugProcess {
  const logFile = options.logFile ?? logFileFor(type);
  mkdirSync(dirname(logFile), { recursive: true });
  const fd = openSync(logFile, "a");
  let text = "";
  const startedAt = performance.now();
  const child: ChildProcess = spawn("sh", ["-c", command(dir, type)], {
    cwd: dir,
    env: withoutEmpty(platformEnv(dir, env)),
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const take = (chunk: Buffer) => {
    text += chunk.toString("utf8");
    writeSync(fd, chunk);
  };
  child.stdout?.on("data", take);
  child.stderr?.on("data", take);
  let exitCode: number | undefined;
  const exited = new Promise<number>((resolve) => {
    child.once("close", (code, signal) => {
      exitCode = code ?? 128 + (signal ? (SIGNALS[signal] ?? 0) : 0);
      closeSync(fd);
      resolve(exitCode);
    });
  });
  const pid = child.pid ?? 0;
  const alive = () => exitCode === undefined;
  const groupAlive = () => {
    try {
      process.kill(-pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  return {
    type,
    pid,
    logFile,
    startedAt,
    alive,
    output: () => text,
    async waitForHealth(port, timeoutMs) {
      const until = startedAt + timeoutMs;
      while (performance.now() < until) {
        if (!alive()) throw new Error(`${type} exited (${exitCode}) before /api/health answered`);
        try {
          const response = await fetch(`http://127.0.0.1:${port}/api/health`, {
            signal: AbortSignal.timeout(5000),
          });
          await response.arrayBuffer();
          if (response.status === 200) return Math.round(performance.now() - startedAt);
        } catch {
          // not listening yet
        }
        await sleep(100);
      }
      throw new Error(`${type}: /api/health on port ${port} did not answer 200 in ${timeoutMs} ms`);
    },
    async waitForOutput(pattern, timeoutMs) {
      const until = performance.now() + timeoutMs;
      while (!pattern.test(text)) {
        if (!alive()) throw new Error(`${type} exited (${exitCode}) before printing ${pattern}`);
        if (performance.now() > until) throw new Error(`${type} did not print ${pattern}`);
        await sleep(200);
      }
    },
    async stop(signal = "SIGTERM", timeoutMs = 35_000) {
      const from = performance.now();
      try {
        process.kill(-pid, signal);
      } catch {
        // already gone
      }
      const late = await Promise.race([
        exited.then(() => false),
        sleep(timeoutMs).then(() => true),
      ]);
      while (!late && groupAlive() && performance.now() - from < timeoutMs) await sleep(50);
      const ms = Math.round(performance.now() - from);
      if (late || groupAlive()) {
        if (groupAlive()) process.kill(-pid, "SIGKILL");
        await exited;
        return { code: 137, ms };
      }
      return { code: await exited, ms };
    },
  };
}

/** Runs the Procfile's `release` command to completion: its exit code and output. */
export async function runRelease(
  dir: string,
  env: Record<string, string>,
  options: { logFile?: string; timeoutMs?: number } = {},
): Promise<{ code: number; output: string }> {
  const release = startProcess(dir, "release", env, { logFile: options.logFile });
  const until = performance.now() + (options.timeoutMs ?? 120_000);
  while (release.alive() && performance.now() < until) await sleep(100);
  if (release.alive()) await release.stop("SIGKILL");
  const { code } = await release.stop("SIGTERM", 1000);
  return { code, output: release.output() };
}
