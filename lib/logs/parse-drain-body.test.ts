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
      repairedLines: 0,
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
      repairedLines: 0,
    });
  });

  it("keeps the other frames when one length in the middle runs into the next frame", () => {
    const body = frame(ROUTER) + frame(STATE).replace(/^93 /, "120 ") + frame(APP);
    expect(parseDrainBody(body)).toEqual({
      lines: [ROUTER_LINE, APP_LINE],
      badFrames: 1,
      frames: 2,
      repairedLines: 0,
    });
  });

  it("skips a frame whose header is not a length", () => {
    const body = frame(ROUTER) + frame(STATE).replace(/^93 /, "9x ") + frame(APP);
    expect(parseDrainBody(body)).toEqual({
      lines: [ROUTER_LINE, APP_LINE],
      badFrames: 1,
      frames: 2,
      repairedLines: 0,
    });
  });

  it("counts a declared length past the end of the body as bad", () => {
    const body = frame(ROUTER) + frame(STATE).replace(/^93 /, "930 ");
    expect(parseDrainBody(body)).toEqual({
      lines: [ROUTER_LINE],
      badFrames: 1,
      frames: 1,
      repairedLines: 0,
    });
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
      repairedLines: 0,
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
      repairedLines: 0,
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
      repairedLines: 0,
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
      repairedLines: 0,
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
    expect(parseDrainBody(body)).toEqual({
      lines: [],
      badFrames: bad,
      frames: 0,
      repairedLines: 0,
    });
  });

  it("resynchronises after garbage in front of a frame", () => {
    expect(parseDrainBody(`garbage here ${frame(APP)}`)).toEqual({
      lines: [APP_LINE],
      badFrames: 1,
      frames: 1,
      repairedLines: 0,
    });
  });
});

/** A frame whose count is off by `delta` bytes. */
function miscounted(message: string, delta: number): string {
  return `${encoder.encode(message).length + delta} ${message}`;
}

const STATE_BARE = STATE.trimEnd();
const APP_BARE = APP.trimEnd();

describe("parseDrainBody keeps every intact frame next to broken ones (issue 12, item 2)", () => {
  it.each([
    ["garbage", "garbage"],
    ["a header that is not a count", frame(APP).replace(/^88 /, "8x ")],
    ["a count past the end", frame(APP).replace(/^88 /, "9999 ")],
    ["a frame cut short", frame(APP).slice(0, 40)],
    ["a count of zero", frame(APP).replace(/^88 /, "0 ")],
  ])("keeps a frame without a newline followed by %s", (_name, broken) => {
    const body = frame(ROUTER) + frame(STATE_BARE) + broken;
    expect(parseDrainBody(body)).toMatchObject({ lines: [ROUTER_LINE, STATE_LINE], badFrames: 1 });
  });

  it.each([-10, -5, -4, -3, -2, 2, 3, 4, 5, 10, 1000])(
    "keeps both neighbours of a frame whose count is off by %i",
    (delta) => {
      for (const [before, after] of [
        [ROUTER, APP],
        [ROUTER.trimEnd(), APP_BARE],
      ] as const) {
        const body = frame(before) + miscounted(STATE, delta) + frame(after);
        const { lines, badFrames } = parseDrainBody(body);
        expect(lines).toContain(ROUTER_LINE);
        expect(lines).toContain(APP_LINE);
        expect(lines.filter((line) => line === APP_LINE || line === ROUTER_LINE)).toHaveLength(2);
        expect(badFrames).toBeGreaterThan(0);
      }
    },
  );

  it.each([1, 2, 3, 4])(
    "does not let a count %i bytes too long swallow the next header",
    (delta) => {
      for (const [broken, next, line] of [
        [STATE_BARE, APP_BARE, APP_LINE],
        [STATE_BARE, ROUTER, ROUTER_LINE],
        [STATE, ROUTER.trimEnd(), ROUTER_LINE],
        [`${STATE_BARE}\r\n`, ROUTER, ROUTER_LINE],
      ] as const) {
        const body = frame(APP) + miscounted(broken, delta) + frame(next) + frame(STATE);
        expect(parseDrainBody(body)).toMatchObject({
          lines: [APP_LINE, line, STATE_LINE],
          badFrames: 1,
        });
      }
    },
  );

  it("does not let a count too long swallow a next frame that is followed by garbage", () => {
    const body = `${frame(ROUTER)}${miscounted(STATE, 3)}${frame(APP_BARE)}garbage${frame(STATE)}`;
    expect(parseDrainBody(body).lines).toEqual([ROUTER_LINE, APP_LINE, STATE_LINE]);
  });

  it("reads a frame ending in digits glued to the next header, and a count too long by one", () => {
    const digits = "<190>1 2025-03-04T09:41:13.112000+00:00 host app web.1 - status=200";
    const line = "2025-03-04T09:41:13.112000+00:00 app[web.1]: status=200";
    expect(parseDrainBody(frame(digits) + frame(APP)).lines).toEqual([line, APP_LINE]);
    // 1 byte too long lands on the second digit of the next count, itself a `\d <\d>1 ` header
    expect(parseDrainBody(frame(APP) + miscounted(digits, 1) + frame(APP_BARE)).lines).toEqual([
      APP_LINE,
      APP_LINE,
    ]);
  });

  it("reads a frame behind digits glued to its count, and salvages a count too long", () => {
    // `7` + `88 <...`: the whole run `788` runs past the end, so the frame is read from `88`
    expect(parseDrainBody(`${frame(ROUTER)}7${frame(APP)}`)).toMatchObject({
      lines: [ROUTER_LINE, APP_LINE],
      badFrames: 1,
    });
    // `880 <...` runs past the end: its tail `80` is read, like a count too short
    expect(parseDrainBody(frame(ROUTER) + frame(APP).replace(/^88 /, "880 "))).toMatchObject({
      lines: [ROUTER_LINE, APP_LINE.slice(0, -7)],
      badFrames: 2,
    });
  });

  it("keeps a message that quotes a frame header as one line when counts chain around it", () => {
    const quoting = `<190>1 2025-03-04T09:41:14.000000+00:00 host app web.2 - got 12 <34>1 a b c d e f g h and 900 <34>1 2025-03-04T09:41:14.000000+00:00 host app web.9 - x`;
    const quotingLine = `2025-03-04T09:41:14.000000+00:00 app[web.2]: got 12 <34>1 a b c d e f g h and 900 <34>1 2025-03-04T09:41:14.000000+00:00 host app web.9 - x`;
    for (const body of [
      frame(quoting) + frame(APP),
      frame(APP) + frame(quoting),
      frame(APP) + frame(quoting) + frame(STATE_BARE),
      `${frame(APP)}  ${frame(quoting)}\n${frame(STATE)}`,
    ]) {
      const { lines, badFrames } = parseDrainBody(body);
      expect(lines).toContain(quotingLine);
      expect(lines).toHaveLength(body.includes("State") ? 3 : 2);
      expect(badFrames).toBe(0);
    }
  });

  it("counts one bad stretch per gap between kept frames", () => {
    const body = `xx${frame(APP)}yy${miscounted(STATE, 40)}zz${frame(ROUTER)}`;
    expect(parseDrainBody(body)).toMatchObject({ lines: [APP_LINE, ROUTER_LINE], badFrames: 2 });
  });
});

describe("parseDrainBody makes every line storable (issue 12, item 3)", () => {
  const withNul = APP.replace("listening", "list\u0000ening");
  const repaired = APP_LINE.replace("listening", "list\uFFFDening");

  it.each([
    ["a string", (s: string): string | Uint8Array => s],
    ["bytes", (s: string): string | Uint8Array => encoder.encode(s)],
  ])("replaces NUL in %s and counts the line", (_name, as) => {
    expect(parseDrainBody(as(frame(withNul) + frame(STATE) + frame(withNul)))).toEqual({
      lines: [repaired, STATE_LINE, repaired],
      badFrames: 0,
      frames: 3,
      repairedLines: 2,
    });
  });

  it("replaces NUL in a multi-byte body", () => {
    const body = frame(withNul.replace("port", "pört")) + frame(STATE);
    expect(parseDrainBody(encoder.encode(body))).toMatchObject({
      lines: [repaired.replace("port", "pört"), STATE_LINE],
      repairedLines: 1,
    });
  });

  it("counts invalid UTF-8 replaced by U+FFFD", () => {
    const bytes = encoder.encode(frame(APP.replace("port", "p_rt")) + frame(STATE));
    bytes[bytes.indexOf(95)] = 0xff;
    expect(parseDrainBody(bytes)).toMatchObject({
      lines: [APP_LINE.replace("port", "p\uFFFDrt"), STATE_LINE],
      repairedLines: 1,
    });
  });

  it("counts a lone surrogate in a string body replaced by U+FFFD", () => {
    const lone = APP.replace("port", "p\uD800rt");
    // a lone surrogate takes 3 bytes in UTF-8, as U+FFFD does
    const body = `${encoder.encode(lone).length} ${lone}${frame(STATE)}`;
    expect(parseDrainBody(body)).toMatchObject({
      lines: [APP_LINE.replace("port", "p\uFFFDrt"), STATE_LINE],
      repairedLines: 1,
    });
  });

  it("leaves a U+FFFD that was sent as it is, uncounted", () => {
    const sent = APP.replace("port", "p\uFFFDrt");
    expect(parseDrainBody(encoder.encode(frame(sent)))).toMatchObject({
      lines: [APP_LINE.replace("port", "p\uFFFDrt")],
      repairedLines: 0,
    });
  });
});
