import { describe, expect, it } from "vitest";
import { formatDuration, formatRelative } from "./format";

describe("formatRelative", () => {
  const now = Date.UTC(2026, 10, 24, 12, 0, 0);
  it.each([
    [now - 3_000, "just now"],
    [now - 45_000, "45 s ago"],
    [now - 3 * 60_000, "3 min ago"],
    [now - 5 * 3_600_000, "5 h ago"],
    [now - 2 * 86_400_000, "2 d ago"],
    [now + 10 * 60_000, "in 10 min"],
  ])("puts %d as %s", (at, expected) => {
    expect(formatRelative(at, now)).toBe(expected);
  });
});

describe("formatDuration", () => {
  it.each([
    [null, "–"],
    [850, "850 ms"],
    [12_340, "12.3 s"],
    [245_000, "4 min 5 s"],
    [15_000, "15 s"],
    [300_000, "5 min"],
    [3_600_000, "1 h"],
    [9_000_000, "2 h 30 min"],
  ])("puts %s ms as %s", (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected);
  });
});
