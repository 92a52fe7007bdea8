// `npm run test:e2e`: checks for Debian's Chromium, then runs Playwright against a production build.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (!existsSync(chromium)) {
  process.stderr.write(
    [
      `Chromium is missing at ${chromium}. The e2e suite drives Debian's Chromium (Playwright's own`,
      "browser download is not used). Install it with:",
      "",
      "  sudo apt-get update && sudo apt-get install -y chromium",
      "",
      "or point CHROMIUM_PATH at another Chromium or Chrome binary.",
      "",
    ].join("\n"),
  );
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  [require.resolve("@playwright/test/cli"), "test", ...process.argv.slice(2)],
  { stdio: "inherit" },
);
process.exit(result.status ?? 1);
