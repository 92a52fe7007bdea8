// The console as production runs it (`npm start`: scripts/start.mjs, which locally builds only when
// the build is missing or stale, then serves it), in its own process group so a test can SIGKILL all of
// it, with stdout and stderr appended to a log file for the log scan.
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync } from "node:fs";
import { dirname, join } from "node:path";

export type ConsoleProcess = {
  url: string;
  pid: number;
  logFile: string;
  /** Whether the process is still running (a crash or a kill ends it). */
  alive(): boolean;
  /** Kills the whole process group with `signal` and waits for it to exit. */
  kill(signal: NodeJS.Signals): Promise<void>;
};

export type StartConsoleOptions = {
  port: number;
  /** Settings on top of a clean environment (no settings are inherited from the test's). */
  env: Record<string, string>;
  logFile: string;
  /** Includes a build when there is none of the current sources (minutes on a busy machine). */
  readyTimeoutMs?: number;
};

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `the console exited (${child.exitCode ?? child.signalCode}) before it was up`,
      );
    }
    try {
      const response = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(10_000) });
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`the console did not answer ${url}/api/health within ${timeoutMs} ms`);
}

export async function startConsole(options: StartConsoleOptions): Promise<ConsoleProcess> {
  mkdirSync(dirname(options.logFile), { recursive: true });
  const fd = openSync(options.logFile, "a");
  const root = process.cwd();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? root,
    // no NODE_ENV: production would forbid the build a missing or stale .next needs (the
    // server sets it itself)
    NEXT_TELEMETRY_DISABLED: "1",
    PORT: String(options.port),
    ...options.env,
  };
  const child = spawn(process.execPath, [join(root, "scripts/start.mjs")], {
    cwd: root,
    detached: true,
    stdio: ["ignore", fd, fd],
    // Next's types insist on NODE_ENV
    env: env as NodeJS.ProcessEnv,
  });
  closeSync(fd);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${options.port}`;
  const pid = child.pid ?? 0;
  const kill = async (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-pid, signal);
    } catch {
      return;
    }
    await exited;
  };
  try {
    await waitForHealth(url, child, options.readyTimeoutMs ?? 600_000);
  } catch (error) {
    await kill("SIGKILL");
    throw error;
  }
  return {
    url,
    pid,
    logFile: options.logFile,
    alive: () => child.exitCode === null && child.signalCode === null,
    kill,
  };
}

/** SIGTERM, then SIGKILL if the console has not exited after `graceMs`. */
export async function stopConsole(server: ConsoleProcess, graceMs = 10_000): Promise<void> {
  if (!server.alive()) return;
  const stopped = server.kill("SIGTERM");
  const late = await Promise.race([stopped.then(() => false), sleep(graceMs).then(() => true)]);
  if (late) await server.kill("SIGKILL");
}
