import { describe, expect, it } from "vitest";
import {
  bucketStart,
  bucketStarts,
  parseRange,
  perMinute,
  RANGE_SPECS,
  RANGES,
  rangeWindow,
} from "./buckets";

const now = new Date("2025-03-04T09:42:30.500Z");

describe("parseRange", () => {
  it.each([
    ["1h", "1h"],
    ["6h", "6h"],
    ["24h", "24h"],
    ["7d", "7d"],
    ["30d", "30d"],
    [undefined, "6h"],
    ["", "6h"],
    ["2h", "6h"],
    ["1H", "6h"],
    [["1h", "24h"], "6h"],
    [42, "6h"],
    [null, "6h"],
  ])("%j → %s", (input, expected) => {
    expect(parseRange(input)).toBe(expected);
  });
});

describe("rangeWindow", () => {
  it.each([
    ["1h", 60, "2025-03-04T08:43:00.000Z", "2025-03-04T09:43:00.000Z"],
    ["6h", 300, "2025-03-04T03:45:00.000Z", "2025-03-04T09:45:00.000Z"],
    ["24h", 900, "2025-03-03T09:45:00.000Z", "2025-03-04T09:45:00.000Z"],
    ["7d", 3600, "2025-02-25T10:00:00.000Z", "2025-03-04T10:00:00.000Z"],
    ["30d", 14_400, "2025-02-02T12:00:00.000Z", "2025-03-04T12:00:00.000Z"],
  ] as const)("%s: step %i s, %s → %s", (range, step, from, to) => {
    const window = rangeWindow(range, now);
    expect(window.stepSeconds).toBe(step);
    expect(window.from.toISOString()).toBe(from);
    expect(window.to.toISOString()).toBe(to);
  });

  it.each(RANGES)("%s: whole buckets, the range's length, now inside the last bucket", (range) => {
    const window = rangeWindow(range, now);
    const span = window.to.getTime() - window.from.getTime();
    expect(span).toBe(RANGE_SPECS[range].seconds * 1000);
    expect(window.from.getTime() % (window.stepSeconds * 1000)).toBe(0);
    expect(window.to.getTime()).toBeGreaterThan(now.getTime());
    expect(window.to.getTime() - window.stepSeconds * 1000).toBeLessThanOrEqual(now.getTime());
    expect(bucketStarts(window)).toHaveLength(span / (window.stepSeconds * 1000));
  });

  it("a `now` exactly on a boundary opens a new bucket", () => {
    const window = rangeWindow("1h", new Date("2025-03-04T09:00:00.000Z"));
    expect(window.to.toISOString()).toBe("2025-03-04T09:01:00.000Z");
  });
});

describe("bucketStart", () => {
  it.each([
    [Date.parse("2025-03-04T09:42:30Z"), 60, "2025-03-04T09:42:00.000Z"],
    [Date.parse("2025-03-04T09:42:30Z"), 300, "2025-03-04T09:40:00.000Z"],
    [Date.parse("2025-03-04T09:40:00Z"), 300, "2025-03-04T09:40:00.000Z"],
    [Date.parse("2025-03-04T09:39:59.999Z"), 300, "2025-03-04T09:35:00.000Z"],
    [Date.parse("2025-03-04T09:42:30Z"), 14_400, "2025-03-04T08:00:00.000Z"],
  ])("%i at step %i → %s", (at, step, expected) => {
    expect(new Date(bucketStart(at, step)).toISOString()).toBe(expected);
  });
});

describe("bucketStarts", () => {
  it("lists bucket starts oldest first and nothing for a broken step", () => {
    const from = new Date("2025-03-04T09:00:00Z");
    const to = new Date("2025-03-04T09:03:00Z");
    expect(
      bucketStarts({ from, to, stepSeconds: 60 }).map((t) => new Date(t).toISOString()),
    ).toEqual(["2025-03-04T09:00:00.000Z", "2025-03-04T09:01:00.000Z", "2025-03-04T09:02:00.000Z"]);
    expect(bucketStarts({ from, to, stepSeconds: 0 })).toEqual([]);
    expect(bucketStarts({ from: to, to: from, stepSeconds: 60 })).toEqual([]);
  });
});

describe("perMinute", () => {
  it.each([
    [120, 60, 120],
    [600, 300, 120],
    [1, 300, 0.2],
    [10, 900, 0.67],
    [0, 3600, 0],
    [5, 0, 0],
  ])("%i requests over %i s → %d req/min", (count, step, expected) => {
    expect(perMinute(count, step)).toBe(expected);
  });
});
