// Time ranges of the App page and their bucket steps: pure, no clock (callers pass `now`).
// Bucketing SQL and rollups live in lib/metrics/queries; components only draw what they get.
import { z } from "zod";

export const RANGES = ["1h", "6h", "24h", "7d", "30d"] as const;
export type Range = (typeof RANGES)[number];
export const DEFAULT_RANGE: Range = "6h";

export const RANGE_SPECS: Record<Range, { label: string; seconds: number; stepSeconds: number }> = {
  "1h": { label: "1 h", seconds: 3600, stepSeconds: 60 },
  "6h": { label: "6 h", seconds: 6 * 3600, stepSeconds: 5 * 60 },
  "24h": { label: "24 h", seconds: 24 * 3600, stepSeconds: 15 * 60 },
  "7d": { label: "7 d", seconds: 7 * 86_400, stepSeconds: 3600 },
  "30d": { label: "30 d", seconds: 30 * 86_400, stepSeconds: 4 * 3600 },
};

/** The `range` search param: one of RANGES; missing, repeated or unknown values fall back to 6h. */
export const rangeSchema = z.enum(RANGES).catch(DEFAULT_RANGE);

export function parseRange(value: unknown): Range {
  return rangeSchema.parse(value);
}

/** A chart window: `from` inclusive, `to` exclusive, both on bucket boundaries (UTC epoch). */
export type TimeWindow = { from: Date; to: Date; stepSeconds: number };

/** The window for a range ending with the bucket that holds `now`. */
export function rangeWindow(range: Range, now: Date): TimeWindow {
  const { seconds, stepSeconds } = RANGE_SPECS[range];
  const stepMs = stepSeconds * 1000;
  const to = (Math.floor(now.getTime() / stepMs) + 1) * stepMs;
  return { from: new Date(to - seconds * 1000), to: new Date(to), stepSeconds };
}

/** Start (epoch ms) of the bucket holding `atMs`. */
export function bucketStart(atMs: number, stepSeconds: number): number {
  const stepMs = stepSeconds * 1000;
  return Math.floor(atMs / stepMs) * stepMs;
}

/** Every bucket start (epoch ms) in the window, oldest first. */
export function bucketStarts(window: TimeWindow): number[] {
  const stepMs = window.stepSeconds * 1000;
  if (!(stepMs > 0)) return [];
  const starts: number[] = [];
  for (
    let t = bucketStart(window.from.getTime(), window.stepSeconds);
    t < window.to.getTime();
    t += stepMs
  ) {
    starts.push(t);
  }
  return starts;
}

/** "req/min" needs requests per bucket scaled to a minute. */
export function perMinute(count: number, stepSeconds: number): number {
  return stepSeconds > 0 ? Math.round((count * 6000) / stepSeconds) / 100 : 0;
}
