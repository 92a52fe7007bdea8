import { describe, expect, it } from "vitest";
import {
  addHistograms,
  bucketIndex,
  emptyHistogram,
  HISTOGRAM_SIZE,
  histogramQuantile,
} from "./histogram";

describe("service-time histogram", () => {
  it.each([
    [0, 0],
    [1, 0],
    [2, 1],
    [87, 8],
    [100, 8],
    [101, 9],
    [30_000, 23],
    [2_410_377, 24],
  ])("puts %d ms in bucket %d", (ms, index) => {
    expect(bucketIndex(ms)).toBe(index);
  });

  it("merges exactly and gives p50/p95 from the merged counts", () => {
    const a = emptyHistogram();
    const b = emptyHistogram();
    for (let i = 0; i < 90; i++) a[bucketIndex(40)] = (a[bucketIndex(40)] ?? 0) + 1;
    for (let i = 0; i < 10; i++) b[bucketIndex(30_000)] = (b[bucketIndex(30_000)] ?? 0) + 1;
    const merged = addHistograms(emptyHistogram(), a);
    addHistograms(merged, b);
    expect(merged).toHaveLength(HISTOGRAM_SIZE);
    expect(histogramQuantile(merged, 0.5)).toBe(50);
    expect(histogramQuantile(merged, 0.95)).toBe(30_000);
    expect(histogramQuantile(merged, 0.95, 30_000)).toBe(30_000);
    expect(histogramQuantile(emptyHistogram(), 0.5)).toBeNull();
  });
});
