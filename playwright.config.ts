import { mkdirSync, writeFileSync } from "node:fs";
import { defineConfig } from "@playwright/test";
import { admin, viewer } from "./e2e/pages/console";

// The suite runs against a production build (`npm start`) on the embedded defaults, with a fresh
// PGlite directory per run so first-run setup is part of the story.
const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = process.env.E2E_BASE_URL ?? `http://localhost:${port}`;
const dataDir = process.env.E2E_DATA_DIR ?? `.data/e2e-${Date.now()}`;
process.env.E2E_DATA_DIR = dataDir;
const cronSecret = "e2e-cron-secret-0123456789";
// The server's output is kept for the log scan (npm run test:logscan), with the secrets this run
// plants, which no log line may carry.
const serverLog = ".data/logs/e2e-server.log";
if (!process.env.E2E_BASE_URL) {
  mkdirSync(".data/logs", { recursive: true });
  writeFileSync(
    ".data/logs/e2e-server.secrets.json",
    `${JSON.stringify([
      { name: "CRON_SECRET", value: cronSecret },
      { name: "admin password", value: admin.password },
      { name: "viewer password", value: viewer.password },
    ])}\n`,
  );
}

export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  forbidOnly: Boolean(process.env.CI),
  outputDir: "test-results",
  reporter: [["list"], ["./e2e/summary-reporter.ts"]],
  globalTeardown: "./e2e/global-teardown.ts",
  projects: [
    { name: "first-run", testMatch: /auth\.spec\.ts/ },
    { name: "console", testIgnore: /auth\.spec\.ts/, dependencies: ["first-run"] },
  ],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  webServer: process.env.E2E_BASE_URL
    ? undefined
    : {
        // tee: Playwright still sees the output; the file outlives the run
        command: `npm start 2>&1 | tee ${serverLog}`,
        url: `${baseURL}/api/health`,
        timeout: 300_000,
        reuseExistingServer: false,
        stdout: "pipe",
        stderr: "pipe",
        env: {
          PORT: String(port),
          PGLITE_DIR: `${dataDir}/pglite`,
          SCHEDULER_INTERVAL_SECONDS: "2",
          CRON_SECRET: cronSecret,
          LOG_LEVEL: "warn",
          // alerting story (alerting.spec.ts) in minutes, not hours
          EMAIL_COOLING_PERIOD_PER_TOPIC: "60",
          DYNO_RESTART_COOLING_PERIOD: "120",
          HELPED_EARLY_SECONDS: "45",
          HELPED_SECONDS: "75",
        },
      },
});
