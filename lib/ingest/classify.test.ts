import { describe, expect, it } from "vitest";
import { classifyLines } from "./classify";

const APP_ID = "0e8c3f3b-6c8b-4d35-9a2f-6f1c8b5a1d20";
const DRAIN = "6e1b5c2a-94f0-4d3b-a8e7-5f9c0d2b7a41";
const SECRET = "Zq3v_8-kP0xYw2LmNb7cR5tUe1sAa9dF";
const TS = "2025-03-04T09:41:40.912877+00:00";

function classify(line: string) {
  return classifyLines({ appId: APP_ID, lines: [line] });
}

/** Every string a row would send to Postgres, its detail (jsonb) included. */
function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === "object") return Object.values(value).flatMap(strings);
  return [];
}

describe("classifyLines makes every stored string storable (issue 12, item 3)", () => {
  it.each([
    ["a NUL in an event's message", `${TS} heroku[web.1]: Error R14 (Memory\u0000quota exceeded)`],
    [
      "a lone surrogate in an event's detail",
      `${TS} heroku[web.1]: Error R14 (Memory \uD800 quota)`,
    ],
    ["a NUL in a dyno name", `${TS} heroku[web.1\u0000]: State changed from up to crashed`],
    ["a NUL in a release's user", `${TS} app[api]: Release v142 created by user dev\u0000@acme.io`],
    [
      "a NUL in a sample's source",
      `${TS} heroku[web.1]: source=web.1\u0000 dyno=heroku.1.a sample#load_avg_1m=0.42`,
    ],
    [
      "a NUL in a router error's path",
      `${TS} heroku[router]: at=error code=H12 desc="Request timeout" method=POST path="/x\u0000" host=a.io request_id=1 fwd="1.2.3.4" dyno=web.2 connect=0ms service=30000ms status=503 bytes=0`,
    ],
  ])("replaces %s and counts the line", (_name, line) => {
    const classified = classify(line);
    const rows = [...classified.events, ...classified.samples, ...classified.requests];
    expect(rows.length).toBeGreaterThan(0);
    for (const text of strings(rows)) {
      expect(text).not.toContain("\u0000");
      expect(text.isWellFormed()).toBe(true);
    }
    expect(classified.repaired).toBe(1);
  });

  it("cuts a long message without splitting a surrogate pair", () => {
    const line = `${TS} heroku[web.1]: Error R14 (Memory quota exceeded) -> ${"x".repeat(1940)}🚀🚀🚀`;
    const [event] = classify(line).events;
    const message = event?.message ?? "";
    expect(message.length).toBeLessThanOrEqual(2000);
    expect(message.isWellFormed()).toBe(true);
    expect(classify(line).repaired).toBe(0);
  });
});

describe("classifyLines stores no drain secret (issue 12, item 5)", () => {
  const h12Line = (path: string) =>
    `${TS} heroku[router]: at=error code=H12 desc="Request timeout" method=POST path="${path}" host=console.herokuapp.com request_id=1b2c3d4e fwd="198.51.100.23" dyno=web.2 connect=0ms service=30000ms status=503 bytes=0 protocol=https`;

  it.each([
    ["an old drain path", `/api/drains/${DRAIN}.${SECRET}`, `/api/drains/${DRAIN}.***`],
    ["an encoded dot", `/api/drains/${DRAIN}%2E${SECRET}`, `/api/drains/${DRAIN}%2E***`],
    ["a new drain path (no secret)", `/api/drains/${DRAIN}`, `/api/drains/${DRAIN}`],
    ["another path", "/api/reports/export", "/api/reports/export"],
  ])("cuts %s from a router error's message and detail", (_name, path, stored) => {
    const classified = classify(h12Line(path));
    expect(classified.events).toHaveLength(1);
    const [event] = classified.events;
    expect(event?.detail).toMatchObject({ path: stored, desc: "Request timeout" });
    expect(event?.message).toContain(`path="${stored}"`);
    expect(JSON.stringify(classified)).not.toContain(SECRET);
    // the request is still counted
    expect(classified.requests[0]).toMatchObject({ requests: 1, router_errors: 1 });
  });

  it("cuts a secret from any stored event, not only router errors", () => {
    const line = `${TS} heroku[web.1]: Error R10 (Boot timeout) -> drain https://drain:${SECRET}@console.example.com/api/drains/${DRAIN}`;
    const { events } = classify(line);
    expect(events).toMatchObject([{ kind: "runtime_error", code: "R10" }]);
    expect(JSON.stringify(events)).not.toContain(SECRET);
  });
});
