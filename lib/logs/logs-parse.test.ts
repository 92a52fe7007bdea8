import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseLogLine } from "./parse-line";

const root = fileURLToPath(new URL("../..", import.meta.url));
const fixture = fileURLToPath(new URL("./__fixtures__/platform-examples.log", import.meta.url));
// Starting node with tsx takes a few seconds on a loaded machine.
const TIMEOUT_MS = 60_000;

function run(args: string[], input?: string): string[] {
  const stdout = execFileSync(
    process.execPath,
    ["--conditions=react-server", "--import", "tsx", "scripts/logs-parse.ts", ...args],
    { cwd: root, input, encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] },
  );
  expect(stdout.endsWith("\n")).toBe(true);
  return stdout.slice(0, -1).split("\n");
}

describe("npm run logs:parse", () => {
  it(
    "prints one JSON event per line of a file, in order",
    () => {
      const lines = readFileSync(fixture, "utf8").split("\n").slice(0, -1);
      const out = run([fixture]);
      expect(out).toHaveLength(lines.length);
      expect(out.map((json) => JSON.parse(json))).toEqual(
        lines.map((line) => JSON.parse(JSON.stringify(parseLogLine(line)))),
      );
    },
    TIMEOUT_MS,
  );

  it(
    "reads stdin, keeping empty and unplaceable lines as events",
    () => {
      const input = [
        "2025-03-04T09:41:13.004512+00:00 heroku[web.1]: State changed from starting to up",
        "",
        "not a log line",
        "2025-03-04T09:41:13.112000+00:00 app[web.1]: Server listening\r",
        "2025-03-04T09:41:14.000000+00:00 app[web.2]: no newline at the end",
      ].join("\n");
      const out = run([], input).map((json) => JSON.parse(json));
      expect(out).toMatchObject([
        { kind: "state_change", from: "starting", to: "up" },
        { kind: "unknown", reason: "envelope", raw: "" },
        { kind: "unknown", reason: "envelope", raw: "not a log line" },
        { kind: "app", proc: "web.1", message: "Server listening" },
        { kind: "app", proc: "web.2", message: "no newline at the end" },
      ]);
    },
    TIMEOUT_MS,
  );

  it(
    "fails with a message on stderr for a missing file",
    () => {
      expect(() => run(["lib/logs/__fixtures__/no-such-file.log"])).toThrow(/ENOENT/);
    },
    TIMEOUT_MS,
  );
});
