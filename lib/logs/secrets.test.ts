import { describe, expect, it } from "vitest";
import { cutDrainSecrets, mayHoldDrainSecret } from "./secrets";

const ID = "6e1b5c2a-94f0-4d3b-a8e7-5f9c0d2b7a41";
const SECRET = "Zq3v_8-kP0xYw2LmNb7cR5tUe1sAa9dF";

describe("cutDrainSecrets", () => {
  it.each([
    ["a bare path", `/api/drains/${ID}.${SECRET}`, `/api/drains/${ID}.***`],
    [
      "a router line's quoted path",
      `at=error code=H12 desc="Request timeout" method=POST path="/api/drains/${ID}.${SECRET}" host=console.herokuapp.com`,
      `at=error code=H12 desc="Request timeout" method=POST path="/api/drains/${ID}.***" host=console.herokuapp.com`,
    ],
    [
      "an unquoted path with a query",
      `path=/api/drains/${ID}.${SECRET}?x=1 status=503`,
      `path=/api/drains/${ID}.***?x=1 status=503`,
    ],
    ["a percent-encoded dot", `/api/drains/${ID}%2E${SECRET}`, `/api/drains/${ID}%2E***`],
    ["a lower-case encoded dot", `/api/drains/${ID}%2e${SECRET}`, `/api/drains/${ID}%2e***`],
    ["an id that is no uuid", `/api/drains/abc.${SECRET}`, `/api/drains/abc.***`],
    ["upper case", `/API/DRAINS/${ID}.${SECRET}`, `/API/DRAINS/${ID}.***`],
    [
      "a full old drain URL",
      `https://console.example.com/api/drains/${ID}.${SECRET}`,
      `https://console.example.com/api/drains/${ID}.***`,
    ],
    [
      "a new drain URL with credentials",
      `https://drain:${SECRET}@console.example.com/api/drains/${ID}`,
      `https://drain:***@console.example.com/api/drains/${ID}`,
    ],
    [
      "two paths in one line",
      `a /api/drains/${ID}.one b /api/drains/${ID}.two`,
      `a /api/drains/${ID}.*** b /api/drains/${ID}.***`,
    ],
    [
      "a path ending the text with a newline",
      `/api/drains/${ID}.${SECRET}\n`,
      `/api/drains/${ID}.***\n`,
    ],
    ["a cut path (unchanged)", `/api/drains/${ID}.***`, `/api/drains/${ID}.***`],
    ["a path with no secret (unchanged)", `/api/drains/${ID}`, `/api/drains/${ID}`],
    ["an empty secret (unchanged)", `/api/drains/${ID}.`, `/api/drains/${ID}.`],
    ["another route (unchanged)", `/api/rules/${ID}.json`, `/api/rules/${ID}.json`],
    ["a file name (unchanged)", "/assets/app.3f9e.js", "/assets/app.3f9e.js"],
    ["an email (unchanged)", "created by user dev@acme.io", "created by user dev@acme.io"],
    ["a URL without credentials (unchanged)", "https://acme.io:443/x", "https://acme.io:443/x"],
  ])("cuts %s", (_name, text, cut) => {
    expect(cutDrainSecrets(text)).toBe(cut);
    expect(cutDrainSecrets(cut)).toBe(cut);
    expect(cutDrainSecrets(text)).not.toContain(SECRET);
  });

  it.each([
    [`path="/api/drains/${ID}.${SECRET}"`, true],
    [`https://drain:${SECRET}@console.example.com`, true],
    ['path="/api/orders"', false],
    ["created by user dev@acme.io", false],
  ])("tells cheaply whether %s may hold a secret", (text, may) => {
    expect(mayHoldDrainSecret(text)).toBe(may);
  });
});
