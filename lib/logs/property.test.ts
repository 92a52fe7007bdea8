import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseDrainBody } from "./parse-drain-body";
import { parseLogLine } from "./parse-line";
import type { LogEventKind } from "./types";

const ITERATIONS = 20_000;
// A loaded CI machine can take a while for 20 000 rounds; nothing here measures speed.
const TIMEOUT_MS = 120_000;
const KNOWN = new Set<string>();

const KINDS: LogEventKind[] = [
  "router",
  "router_error",
  "runtime_error",
  "memory_report",
  "state_change",
  "process_exit",
  "lifecycle",
  "runtime_metrics",
  "addon_metrics",
  "platform_error",
  "api",
  "app",
  "unknown",
];
for (const kind of KINDS) KNOWN.add(kind);

function seeded(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

const lines = ["platform-examples.log", "platform-variants.log"].flatMap((name) =>
  readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8")
    .split("\n")
    .filter((line) => line.length > 0),
);
const drainBodies = ["drain-example.txt", "drain-l10.txt"].map((name) =>
  readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url)),
);

// Characters the parsers branch on, so random text reaches their deeper paths.
const ALPHABET = ' =":[]<>\\-.#0123456789abcdefgHLRms\n\r\téé🚀\u0000';

function randomText(random: (n: number) => number, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) {
    out +=
      random(4) === 0
        ? String.fromCharCode(random(0x10000))
        : (ALPHABET[random(ALPHABET.length)] ?? "");
  }
  return out;
}

/** A real line with a few characters replaced, inserted or deleted, or cut short. */
function mutate(random: (n: number) => number, line: string): string {
  let out = line;
  const edits = 1 + random(4);
  for (let e = 0; e < edits; e++) {
    const at = random(out.length + 1);
    const op = random(4);
    if (op === 0) out = out.slice(0, at);
    else if (op === 1) out = out.slice(0, at) + randomText(random, 1 + random(3)) + out.slice(at);
    else if (op === 2) out = out.slice(0, at) + out.slice(at + 1 + random(5));
    else out = out.slice(0, at) + randomText(random, 1) + out.slice(at + 1);
  }
  return out;
}

function randomBytes(random: (n: number) => number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = random(256);
  return bytes;
}

describe("parseLogLine on random input", () => {
  it(
    `returns an event with a known kind for ${ITERATIONS} random strings`,
    () => {
      const random = seeded(1);
      const seen = new Set<string>();
      const odd: string[] = [];
      for (let i = 0; i < ITERATIONS; i++) {
        const line = randomText(random, random(200));
        const event = parseLogLine(line);
        if (!KNOWN.has(event.kind)) odd.push(line);
        seen.add(event.kind);
      }
      expect(odd).toEqual([]);
      expect(seen).toContain("unknown");
    },
    TIMEOUT_MS,
  );

  it(
    `returns an event with a known kind for ${ITERATIONS} mutated fixture lines`,
    () => {
      const random = seeded(2);
      const seen = new Set<string>();
      const odd: string[] = [];
      for (let i = 0; i < ITERATIONS; i++) {
        const line = mutate(random, lines[random(lines.length)] ?? "");
        const event = parseLogLine(line);
        const placed =
          event.kind === "unknown" ? event.raw === line.replace(/(\r?\n|\r)$/, "") : true;
        if (!KNOWN.has(event.kind) || !placed || !Number.isSafeInteger(event.tsMicros ?? 0)) {
          odd.push(line);
        }
        seen.add(event.kind);
      }
      expect(odd).toEqual([]);
      // Mutations keep most lines readable, so every kind still shows up.
      expect([...seen].sort()).toEqual([...KINDS].sort());
    },
    TIMEOUT_MS,
  );

  it(
    "parses random lines to JSON-serialisable events",
    () => {
      const random = seeded(3);
      for (let i = 0; i < 2_000; i++) {
        const line = mutate(random, lines[random(lines.length)] ?? "");
        const event = parseLogLine(line);
        expect(JSON.parse(JSON.stringify(event))).toEqual(event);
      }
    },
    TIMEOUT_MS,
  );
});

describe("parseDrainBody on random input", () => {
  it(
    `never throws and accounts for its frames on ${ITERATIONS} random byte bodies`,
    () => {
      const random = seeded(4);
      let odd = 0;
      for (let i = 0; i < ITERATIONS; i++) {
        const result = parseDrainBody(randomBytes(random, random(300)));
        if (result.frames !== result.lines.length || !(result.badFrames >= 0)) odd++;
      }
      expect(odd).toBe(0);
    },
    TIMEOUT_MS,
  );

  it(
    `never throws on ${ITERATIONS} random strings`,
    () => {
      const random = seeded(5);
      let odd = 0;
      for (let i = 0; i < ITERATIONS; i++) {
        const result = parseDrainBody(randomText(random, random(300)));
        if (result.frames !== result.lines.length) odd++;
      }
      expect(odd).toBe(0);
    },
    TIMEOUT_MS,
  );

  it(
    `never throws on ${ITERATIONS} mutated drain bodies, and their lines parse`,
    () => {
      const random = seeded(6);
      let read = 0;
      let odd = 0;
      for (let i = 0; i < ITERATIONS; i++) {
        const body = Buffer.from(drainBodies[random(drainBodies.length)] ?? []);
        const flips = 1 + random(3);
        for (let f = 0; f < flips; f++) body[random(body.length)] = random(256);
        const result = parseDrainBody(body);
        for (const line of result.lines) if (!KNOWN.has(parseLogLine(line).kind)) odd++;
        read += result.frames;
      }
      expect(odd).toBe(0);
      expect(read).toBeGreaterThan(ITERATIONS);
    },
    TIMEOUT_MS,
  );
});

// Issue 12, item 2: random intact frames with garbage, cut frames and wrong counts between them.
// Every frame whose count is right comes out exactly once and in order, no line holds a piece of
// one, and the broken bytes are noticed. Messages and garbage never end in a digit: garbage glued
// to a count changes the count (that case has its own tests in parse-drain-body.test.ts).
describe("parseDrainBody keeps every intact frame of a mixed body", () => {
  const WORDS = [
    "at=info",
    "GET",
    "/api",
    "status=200",
    "Größe",
    "€",
    "日本語",
    "🚀",
    "ok",
    'x="a b"',
  ];
  const GARBAGE = "abcXYZ <>=-.:\"'\n\r\t0123456789é€\u0000";
  const encode = new TextEncoder();
  const byteLength = (s: string) => encode.encode(s).length;

  type Item =
    | { kind: "intact"; bytes: string; line: string; marker: string; quotes: boolean }
    | { kind: "broken"; bytes: string };

  function message(random: (n: number) => number, marker: string): { msg: string; line: string } {
    const ts = `2025-03-04T09:41:${String(10 + random(50))}.${String(random(1_000_000)).padStart(6, "0")}+00:00`;
    const [source, proc] = random(2) === 0 ? ["heroku", "router"] : ["app", `web.${1 + random(9)}`];
    let text = marker;
    for (let w = random(8); w > 0; w--) {
      const r = random(20);
      if (r === 0) text += " \u0000";
      else if (r === 1) {
        // a log line quoting a whole frame: its count ends inside this message
        const quoted = `<34>1 ${ts} host app web.1 - quoted ${marker.replace(/#/g, "q")}\n`;
        text += ` got ${byteLength(quoted)} ${quoted.trimEnd()} .`;
      } else text += ` ${WORDS[random(WORDS.length)]}`;
    }
    text += "."; // never a digit last
    const ending = ["", "\n", "\r\n"][random(3)] ?? "";
    const msg = `<${random(192)}>1 ${ts} host ${source} ${proc} - ${text}${ending}`;
    return { msg, line: `${ts} ${source}[${proc}]: ${text.replaceAll("\u0000", "\uFFFD")}` };
  }

  function garbage(random: (n: number) => number): string {
    let out = "";
    for (let i = 1 + random(24); i > 0; i--) out += GARBAGE[random(GARBAGE.length)] ?? "";
    return `${out}g`; // something not blank, and not a digit, last
  }

  // A frame that quotes a whole frame is kept whole only when its own count lands on a header or
  // the end (parseDrainBody prefers the quoted frame when neither lands): never garbage after it.
  function item(random: (n: number) => number, id: number, afterQuote: boolean): Item {
    const marker = `#${id}#`;
    const { msg, line } = message(random, marker);
    const length = byteLength(msg);
    const r = afterQuote ? 3 + 4 * random(2) : random(10);
    if (r < 5)
      return {
        kind: "intact",
        bytes: `${length} ${msg}`,
        line,
        marker,
        quotes: msg.includes(" got "),
      };
    if (r === 5) return { kind: "broken", bytes: garbage(random) };
    if (r === 6) {
      // cut short, never right after a digit
      let bytes = `${length} ${msg}`.slice(0, 1 + random(length));
      while (/\d$/.test(bytes)) bytes = bytes.slice(0, -1);
      return { kind: "broken", bytes: bytes.length > 0 ? bytes : "cut" };
    }
    const wrong = [length + 1 + random(10), Math.max(0, length - 1 - random(10)), 0, 123_456_789][
      random(4)
    ] as number;
    return { kind: "broken", bytes: `${wrong} ${msg}` };
  }

  const HEADER = /^(\d+) <\d{1,3}>1 /;

  /**
   * True when a broken frame's count, or the tail of its digits, happens to end exactly on a
   * header or at the end of the body past other headers: by the definition that frame is
   * intact too, so the body has two readings and no single answer to check.
   */
  function ambiguous(body: string, items: Item[]): boolean {
    const bytes = encode.encode(body);
    const headers = new Set<number>();
    const offsets: number[] = [];
    let at = 0;
    for (const it of items) {
      // items are glued in order, with at most blanks between them
      at = bytes.indexOf(encode.encode(it.bytes)[0] ?? 0, at);
      offsets.push(at);
      if (HEADER.test(it.bytes)) headers.add(at);
      at += byteLength(it.bytes);
    }
    return items.some((it, index) => {
      const count = it.kind === "broken" ? HEADER.exec(it.bytes)?.[1] : undefined;
      if (count === undefined) return false;
      const msgStart = (offsets[index] ?? 0) + count.length + 1;
      for (let digits = 1; digits <= Math.min(count.length, 9); digits++) {
        let end = msgStart + Number(count.slice(-digits));
        if (end > bytes.length) continue;
        while (end < bytes.length && [9, 10, 13, 32].includes(bytes[end] ?? 0)) end++;
        const lands = end === bytes.length || headers.has(end);
        if (lands && [...headers].some((h) => h > msgStart && h < end)) return true;
      }
      return false;
    });
  }

  it(
    "finds every intact frame exactly once, in order, in 3 000 random bodies",
    () => {
      const random = seeded(7);
      const problems: string[] = [];
      let skipped = 0;
      for (let round = 0; round < 3_000; round++) {
        const items: Item[] = [];
        for (let i = 1 + random(12); i > 0; i--) {
          const last = items.at(-1);
          items.push(item(random, items.length, last?.kind === "intact" && last.quotes));
        }
        const body = items
          .map((it) => it.bytes + (random(4) === 0 ? (["\n", "\r\n", " "][random(3)] ?? "") : ""))
          .join("");
        if (ambiguous(body, items)) {
          skipped++;
          continue;
        }
        const intact = items.filter((it) => it.kind === "intact");
        const broken = items.length - intact.length;
        const result = parseDrainBody(random(2) === 0 ? body : encode.encode(body));

        const wanted = new Set(intact.map((it) => it.line));
        const found = result.lines.filter((line) => wanted.has(line));
        const extra = result.lines.filter((line) => !wanted.has(line));
        const markers = intact.flatMap((it) => [it.marker, it.marker.replace(/#/g, "q")]);
        const fail = (why: string) =>
          problems.push(`round ${round}: ${why}\n${JSON.stringify(body)}`);
        if (JSON.stringify(found) !== JSON.stringify(intact.map((it) => it.line)))
          fail("intact frames missing, doubled or out of order");
        else if (extra.some((line) => markers.some((marker) => line.includes(marker))))
          fail("a line holds a piece of an intact frame");
        else if (broken === 0 && (result.badFrames !== 0 || extra.length !== 0))
          fail("a body of intact frames gave bad frames or extra lines");
        else if (broken > 0 && result.badFrames === 0 && extra.length === 0)
          fail("broken frames went unnoticed");
        else if (result.lines.some((line) => line.includes("\u0000") || !line.isWellFormed()))
          fail("a line cannot be stored");
        if (problems.length >= 3) break;
      }
      expect(problems).toEqual([]);
      expect(skipped).toBeLessThan(60);
    },
    TIMEOUT_MS,
  );
});
