import { describe, expect, it } from "vitest";
import { classifyLines } from "@/lib/ingest/classify";
import { parseDrainBody } from "@/lib/logs/parse-drain-body";
import { type StoredTrace, tallyTrace, tracedBatch } from "./drain-trace";

const stored = (entries: [number, StoredTrace][]) => new Map(entries);

describe("tallyTrace", () => {
  it.each([
    [
      "every line stored once",
      [0, 1],
      stored([
        [0, { router: 3, events: 1 }],
        [1, { router: 3, events: 1 }],
      ]),
      { sent: 8, stored: 8, lost: 0, doubled: 0 },
    ],
    [
      "a batch missing",
      [0, 1],
      stored([[0, { router: 3, events: 1 }]]),
      { sent: 8, stored: 4, lost: 4, doubled: 0 },
    ],
    [
      "a batch stored twice",
      [0],
      stored([[0, { router: 6, events: 1 }]]),
      { sent: 4, stored: 7, lost: 0, doubled: 3 },
    ],
    [
      "part of a batch lost",
      [0],
      stored([[0, { router: 2, events: 0 }]]),
      { sent: 4, stored: 2, lost: 2, doubled: 0 },
    ],
    [
      "a batch never sent",
      [0],
      stored([
        [0, { router: 3, events: 1 }],
        [7, { router: 3, events: 1 }],
      ]),
      { sent: 4, stored: 8, lost: 0, doubled: 4 },
    ],
    ["nothing sent", [], stored([]), { sent: 0, stored: 0, lost: 0, doubled: 0 }],
  ])("%s", (_name, sent, found, expected) => {
    expect(tallyTrace(sent, 3, found)).toEqual(expected);
  });
});

describe("tracedBatch", () => {
  it("puts every line of batch 7 on dyno type t7: router lines counted, one R14 event", () => {
    const batch = tracedBatch(7, { routerLines: 3, startMicros: Date.UTC(2026, 0, 1) * 1000 });
    const parsed = parseDrainBody(Buffer.from(batch.body));
    expect(parsed.lines).toHaveLength(4);
    expect(batch.count).toBe(4);
    const classified = classifyLines({ appId: "app", lines: parsed.lines });
    expect(classified.requests.map((r) => [r.dyno_type, r.requests])).toEqual([["t7", 3]]);
    expect(classified.events.map((e) => [e.dyno_type, e.code])).toEqual([["t7", "R14"]]);
  });
});
