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
