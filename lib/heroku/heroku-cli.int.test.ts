// The independent proof that the simulator speaks Heroku: the official Heroku CLI, pointed at it,
// lists apps and dynos, prints logs, restarts dynos and adds a drain (STACK.md says how to point it).
// The CLI (~400 MB) lives outside the project's dependencies: `npm run heroku-cli:install`.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testEnvironment } from "@/lib/config";
import { HerokuClient } from "./client";
import { type RunningSimulator, startSimulator } from "./simulator";

const run = promisify(execFile);
const cli = join(process.cwd(), ".cache/heroku-cli/node_modules/heroku/bin/run.js");
const installed = existsSync(cli);
if (!installed) {
  const reason =
    "heroku CLI test: skipped, the official CLI is not installed (npm run heroku-cli:install).";
  if (testEnvironment().ci) throw new Error(`${reason} CI=true requires it.`);
  process.stdout.write(`${reason}\n`);
}

let sim: RunningSimulator;
beforeAll(async () => {
  if (!installed) return;
  sim = await startSimulator({ clock: "manual", seed: 3 });
  await sim.advance(120);
});
afterAll(async () => {
  await sim?.close();
});

async function heroku(args: string[], apiKey = sim.apiKey) {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], {
      env: {
        ...process.env,
        HOME: join(process.cwd(), ".cache/heroku-cli/home"),
        HEROKU_HOST: sim.url,
        HEROKU_PARTICLEBOARD_URL: sim.url,
        HEROKU_API_KEY: apiKey,
        HEROKU_DISABLE_AUTOUPDATE: "1",
        DISABLE_TELEMETRY: "true",
        NO_COLOR: "1",
        FORCE_COLOR: "0",
      } as NodeJS.ProcessEnv,
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, stdout: failed.stdout ?? "", stderr: failed.stderr ?? "" };
  }
}

const api = () => new HerokuClient({ apiKey: sim.apiKey, baseUrl: sim.url, sleep: async () => {} });

describe.skipIf(!installed)("the official Heroku CLI against the simulator", () => {
  it("heroku apps --json lists the demo account's apps", async () => {
    const result = await heroku(["apps", "--json"]);
    expect(result.code).toBe(0);
    const apps = JSON.parse(result.stdout) as { name: string; id: string }[];
    expect(apps.map((a) => a.name).sort()).toEqual(["billing-api", "shop-prod", "shop-staging"]);
  });

  it("heroku ps shows each dyno type and its dynos with their state", async () => {
    const result = await heroku(["ps", "-a", "shop-prod"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/=== web \(Standard-1X\): .* \(2\)/);
    expect(result.stdout).toMatch(/^web\.1: up /m);
    expect(result.stdout).toMatch(/^web\.2: up /m);
    expect(result.stdout).toMatch(/^worker\.1: up /m);
  });

  it("heroku logs -n 50 prints the last 50 lines in Heroku's format", async () => {
    const result = await heroku(["logs", "-a", "shop-prod", "-n", "50"]);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split("\n");
    expect(lines).toHaveLength(50);
    for (const line of lines) {
      expect(line).toMatch(
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00 (app|heroku)\[[^\]]+\]: /,
      );
    }
  });

  it("heroku ps:restart web.1 restarts one dyno (its id changes)", async () => {
    const before = (await api().listDynos("shop-prod")).find((d) => d.name === "web.1");
    const result = await heroku(["ps:restart", "web.1", "-a", "shop-prod"]);
    expect(result.code).toBe(0);
    expect(`${result.stdout}${result.stderr}`).toMatch(
      /Restarting dyno web\.1 on .*shop-prod.*done/s,
    );
    await sim.advance(10);
    const after = (await api().listDynos("shop-prod")).find((d) => d.name === "web.1");
    expect(after?.id).not.toBe(before?.id);
    expect(after?.state).toBe("up");
  });

  it("heroku ps:restart --process-type worker restarts every worker dyno", async () => {
    const before = (await api().listDynos("shop-prod")).find((d) => d.name === "worker.1");
    const result = await heroku(["ps:restart", "-a", "shop-prod", "--process-type", "worker"]);
    expect(result.code).toBe(0);
    expect(`${result.stdout}${result.stderr}`).toMatch(
      /Restarting all worker dynos on .*shop-prod.*done/s,
    );
    await sim.advance(10);
    const after = (await api().listDynos("shop-prod")).find((d) => d.name === "worker.1");
    expect(after?.id).not.toBe(before?.id);
  });

  it("heroku drains:add adds a drain the API then lists", async () => {
    const url = "https://user:pass@monitor.example.com/api/drains/shop-prod";
    const result = await heroku(["drains:add", url, "-a", "shop-prod"]);
    expect(result.code).toBe(0);
    expect(`${result.stdout}${result.stderr}`).toMatch(/Successfully added drain/);
    const drains = await api().listLogDrains("shop-prod");
    // Heroku hides the URL's credentials once the drain is added (PLATFORM.md §6.1)
    expect(drains.map((d) => d.url)).toContain(
      "https://user:***@monitor.example.com/api/drains/shop-prod",
    );
    const listed = await heroku(["drains", "-a", "shop-prod"]);
    expect(listed.stdout).toContain("monitor.example.com/api/drains/shop-prod");
    expect(listed.stdout).not.toContain("user:pass");
  });

  it("a wrong key gets the CLI's own invalid-token message", async () => {
    const result = await heroku(["apps", "--json"], "wrong-key-0000");
    expect(result.code).not.toBe(0);
    expect(result.stderr.replace(/\s+/g, " ")).toContain(
      "The token provided to HEROKU_API_KEY is invalid",
    );
  });
});
