import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const script = join(process.cwd(), "scripts/simulator.ts");
let child: ChildProcess | undefined;
afterEach(() => {
  child?.kill("SIGKILL");
  child = undefined;
});

describe("npm run simulator", () => {
  it("prints exactly SIMULATOR_URL, HEROKU_API_KEY and SCENARIO_TOKEN, serves the configured account, and exits cleanly on SIGTERM", async () => {
    const started = spawn(
      process.execPath,
      ["--conditions=react-server", "--import", "tsx", script],
      {
        env: {
          NODE_ENV: "test",
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          SIMULATOR_PORT: "0",
          SIMULATOR_APPS: "7",
          SIMULATOR_SEED: "5",
          HEROKU_API_KEY: "standalone-test-key",
          SCENARIO_TOKEN: "standalone-scenario-token",
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    child = started;
    let stdout = "";
    started.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
    });
    const exited = new Promise<number | null>((resolve) =>
      started.on("exit", (code) => resolve(code)),
    );
    const deadline = Date.now() + 20_000;
    while (stdout.split("\n").length < 4 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const lines = stdout.split("\n").filter(Boolean);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^SIMULATOR_URL=http:\/\/127\.0\.0\.1:\d+$/);
    expect(lines[1]).toBe("HEROKU_API_KEY=standalone-test-key");
    expect(lines[2]).toBe("SCENARIO_TOKEN=standalone-scenario-token");

    const url = lines[0]?.slice("SIMULATOR_URL=".length) ?? "";
    const apps = await fetch(`${url}/apps`, {
      headers: {
        Accept: "application/vnd.heroku+json; version=3",
        Authorization: "Bearer standalone-test-key",
      },
    });
    expect(apps.status).toBe(200);
    expect(((await apps.json()) as unknown[]).length).toBe(7);
    const scenarios = await fetch(`${url}/__sim/scenarios`, {
      headers: { Authorization: "Bearer standalone-scenario-token" },
    });
    expect(scenarios.status).toBe(200);

    started.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(stdout.split("\n").filter(Boolean)).toHaveLength(3);
  });
});
