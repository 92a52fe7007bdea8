// Router service times per minute are kept as a histogram over fixed buckets: histograms add up,
// so minutes merge exactly across batches, and p50/p95 come from the merged counts.

/** Upper bounds (ms) of the buckets; the last bucket is everything above 30 s. */
export const SERVICE_BUCKETS_MS = [
  1, 2, 5, 10, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000, 7500,
  10_000, 15_000, 20_000, 30_000,
] as const;
export const HISTOGRAM_SIZE = SERVICE_BUCKETS_MS.length + 1;

export function emptyHistogram(): number[] {
  return new Array<number>(HISTOGRAM_SIZE).fill(0);
}

export function bucketIndex(ms: number): number {
  let low = 0;
  let high: number = SERVICE_BUCKETS_MS.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    const bound: number = SERVICE_BUCKETS_MS[mid] ?? Number.POSITIVE_INFINITY;
    if (ms <= bound) high = mid;
    else low = mid + 1;
  }
  return low;
}

export function addHistograms(into: number[], from: readonly number[]): number[] {
  for (let i = 0; i < HISTOGRAM_SIZE; i++) into[i] = (into[i] ?? 0) + (from[i] ?? 0);
  return into;
}

/** The q-quantile (0..1) as the upper bound of the bucket that holds it; null for no requests. */
export function histogramQuantile(
  hist: readonly number[],
  q: number,
  maxMs?: number,
): number | null {
  const total = hist.reduce((sum, n) => sum + n, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let i = 0; i < HISTOGRAM_SIZE; i++) {
    seen += hist[i] ?? 0;
    if (seen >= rank) {
      const bound =
        SERVICE_BUCKETS_MS[i] ?? maxMs ?? SERVICE_BUCKETS_MS[SERVICE_BUCKETS_MS.length - 1] ?? 0;
      return maxMs === undefined ? bound : Math.min(bound, maxMs);
    }
  }
  return maxMs ?? null;
}
