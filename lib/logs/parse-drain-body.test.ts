import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseDrainBody } from "./parse-drain-body";
import { parseLogLine } from "./parse-line";

function fixture(name: string): Buffer {
  return readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url));
}

const encoder = new TextEncoder();

/** PLATFORM.md §6.2 simulator rule: `byteLength(msg) + " " + msg`. */
function frame(message: string): string {
  return `${encoder.encode(message).length} ${message}`;
}

const ROUTER =
  '<158>1 2025-03-04T09:41:12.337781+00:00 host heroku router - at=info method=GET path="/api/orders" host=acme-api-1f2e3d4c5b6a.herokuapp.com request_id=2f5b1c0e-4d7a-4b9e-8c3f-1a2b3c4d5e6f fwd="203.0.113.42" dyno=web.1 connect=0ms service=87ms status=200 bytes=5123 protocol=https\n';
const STATE =
  "<45>1 2025-03-04T09:41:13.004512+00:00 host heroku web.1 - State changed from starting to up\n";
const APP =
  "<190>1 2025-03-04T09:41:13.112000+00:00 host app web.1 - Server listening on port 41523\n";

const ROUTER_LINE =
  '2025-03-04T09:41:12.337781+00:00 heroku[router]: at=info method=GET path="/api/orders" host=acme-api-1f2e3d4c5b6a.herokuapp.com request_id=2f5b1c0e-4d7a-4b9e-8c3f-1a2b3c4d5e6f fwd="203.0.113.42" dyno=web.1 connect=0ms service=87ms status=200 bytes=5123 protocol=https';
const STATE_LINE =
  "2025-03-04T09:41:13.004512+00:00 heroku[web.1]: State changed from starting to up";
const APP_LINE = "2025-03-04T09:41:13.112000+00:00 app[web.1]: Server listening on port 41523";

describe("parseDrainBody", () => {
  it("reads the 3-frame example of PLATFORM.md §6.2 (471 bytes) into log-session lines", () => {
    const body = fixture("drain-example.txt");
    expect(body.length).toBe(471);
    expect(parseDrainBody(body)).toEqual({
      lines: [ROUTER_LINE, STATE_LINE, APP_LINE],
      badFrames: 0,
      frames: 3,
    });
  });

  it("gives the same lines for the body as a string", () => {
    const body = fixture("drain-example.txt");
    expect(parseDrainBody(body.toString("utf8"))).toEqual(parseDrainBody(body));
  });

  it("feeds lines that parseLogLine places like log-session lines", () => {
    const kinds = parseDrainBody(fixture("drain-example.txt")).lines.map(
      (line) => parseLogLine(line).kind,
    );
    expect(kinds).toEqual(["router", "state_change", "app"]);
  });

  it("reads an L10 frame ahead of the surviving messages, and a frame without a newline", () => {
    const { lines, badFrames, frames } = parseDrainBody(fixture("drain-l10.txt"));
    expect({ badFrames, frames }).toEqual({ badFrames: 0, frames: 3 });
    expect(lines.map((line) => parseLogLine(line))).toMatchObject([
      {
        kind: "platform_error",
        source: "heroku",
        proc: "logplex",
        code: "L10",
        dropped: 42,
        drainToken: "d.6e1b5c2a-94f0-4d3b-a8e7-5f9c0d2b7a41",
      },
      { kind: "router", status: 200, dyno: "web.1" },
      {
        kind: "addon_metrics",
        addonKind: "postgres",
        attachment: "DATABASE",
        samples: { "active-connections": 23 },
      },
    ]);
  });

  it("keeps the other frames when one length in the middle is corrupted (too short)", () => {
    const body = frame(ROUTER) + frame(STATE).replace(/^93 /, "50 ") + frame(APP);
    expect(parseDrainBody(body)).toEqual({
      lines: [ROUTER_LINE, APP_LINE],
      badFrames: 1,
      frames: 2,
    });
  });

  it("keeps the other frames when one length in the middle runs into the next frame", () => {
    const body = frame(ROUTER) + frame(STATE).replace(/^93 /, "120 ") + frame(APP);
    expect(parseDrainBody(body)).toEqual({
      lines: [ROUTER_LINE, APP_LINE],
      badFrames: 1,
      frames: 2,
    });
  });

  it("skips a frame whose header is not a length", () => {
    const body = frame(ROUTER) + frame(STATE).replace(/^93 /, "9x ") + frame(APP);
    expect(parseDrainBody(body)).toEqual({
      lines: [ROUTER_LINE, APP_LINE],
      badFrames: 1,
      frames: 2,
    });
  });

  it("counts a declared length past the end of the body as bad", () => {
    const body = frame(ROUTER) + frame(STATE).replace(/^93 /, "930 ");
    expect(parseDrainBody(body)).toEqual({ lines: [ROUTER_LINE], badFrames: 1, frames: 1 });
  });

  it("counts octets, not characters, for multi-byte UTF-8", () => {
    const message =
      "<190>1 2025-03-04T09:41:14.000000+00:00 host app web.2 - Größe: 5 € — 日本語 🚀 done\n";
    const body = frame(message) + frame(APP);
    expect(frame(message).startsWith(`${message.length} `)).toBe(false);
    expect(parseDrainBody(body)).toEqual({
      lines: ["2025-03-04T09:41:14.000000+00:00 app[web.2]: Größe: 5 € — 日本語 🚀 done", APP_LINE],
      badFrames: 0,
      frames: 2,
    });
    expect(parseDrainBody(encoder.encode(body)).lines).toEqual(parseDrainBody(body).lines);
  });

  it("accepts the `- -` form (NILVALUE MSGID and STRUCTURED-DATA)", () => {
    const body = frame(STATE.replace("web.1 - State", "web.1 - - State"));
    expect(parseDrainBody(body).lines).toEqual([STATE_LINE]);
  });

  it("tolerates a missing trailing newline on the last frame", () => {
    const body = frame(ROUTER) + frame(APP.trimEnd());
    expect(parseDrainBody(body)).toEqual({
      lines: [ROUTER_LINE, APP_LINE],
      badFrames: 0,
      frames: 2,
    });
  });

  it("strips CRLF and only one trailing newline", () => {
    const body = frame(APP.replace(/\n$/, "\r\n")) + frame(APP.replace(/\n$/, "\n\n"));
    expect(parseDrainBody(body).lines).toEqual([APP_LINE, `${APP_LINE}\n`]);
  });

  it("tolerates blank bytes between frames and at the ends", () => {
    const body = `\r\n${frame(ROUTER)}\n${frame(APP)}\r\n`;
    expect(parseDrainBody(body)).toEqual({
      lines: [ROUTER_LINE, APP_LINE],
      badFrames: 0,
      frames: 2,
    });
  });

  it("reads frames glued with no newline between them", () => {
    const body = frame(STATE.trimEnd()) + frame(APP.trimEnd());
    expect(parseDrainBody(body).lines).toEqual([STATE_LINE, APP_LINE]);
  });

  it("keeps an empty message", () => {
    const body = frame("<190>1 2025-03-04T09:41:13.112000+00:00 host app web.1 -\n");
    expect(parseDrainBody(body).lines).toEqual(["2025-03-04T09:41:13.112000+00:00 app[web.1]: "]);
  });

  it("keeps a well-delimited frame whose syslog header is unreadable as raw text", () => {
    const body = frame("<190>1 not-enough-fields\n") + frame(APP);
    expect(parseDrainBody(body)).toEqual({
      lines: ["<190>1 not-enough-fields", APP_LINE],
      badFrames: 0,
      frames: 2,
    });
  });

  it.each([
    ["an empty body", "", 0],
    ["blank bytes", "\r\n \n", 0],
    ["garbage", "hello world", 1],
    ["a length alone", "42", 1],
    ["a length and a space", "42 ", 1],
    ["a huge length", "99999999999 <1>1 x", 1],
  ])("reads %s without throwing", (_name, body, bad) => {
    expect(parseDrainBody(body)).toEqual({ lines: [], badFrames: bad, frames: 0 });
  });

  it("resynchronises after garbage in front of a frame", () => {
    expect(parseDrainBody(`garbage here ${frame(APP)}`)).toEqual({
      lines: [APP_LINE],
      badFrames: 1,
      frames: 1,
    });
  });
});
