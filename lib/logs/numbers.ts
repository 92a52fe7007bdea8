const POW10 = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
  1e18, 1e19, 1e20, 1e21, 1e22,
];

/** Index just past the decimal number (`-?\d+(\.\d+)?`) at `start`, or `start` when there is none. */
export function scanDecimal(s: string, start: number, end: number): number {
  let i = start;
  if (i < end && s.charCodeAt(i) === 45) i++;
  const intStart = i;
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) break;
    i++;
  }
  if (i === intStart) return start;
  if (i + 1 < end && s.charCodeAt(i) === 46) {
    const c = s.charCodeAt(i + 1);
    if (c >= 48 && c <= 57) {
      i += 2;
      while (i < end) {
        const d = s.charCodeAt(i);
        if (d < 48 || d > 57) break;
        i++;
      }
    }
  }
  return i;
}

/** Value of a number `scanDecimal` accepted; equal to `Number(text)`. */
export function decimalValue(s: string, start: number, end: number): number {
  let i = start;
  const negative = s.charCodeAt(i) === 45;
  if (negative) i++;
  if (end - i > 15) return Number(s.slice(start, end));
  let mantissa = 0;
  let fraction = -1;
  for (; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      fraction = 0;
      continue;
    }
    mantissa = mantissa * 10 + (c - 48);
    if (fraction >= 0) fraction++;
  }
  // mantissa < 2^53 and 10^k is exact, so one IEEE division rounds exactly like Number().
  const value = fraction > 0 ? mantissa / (POW10[fraction] ?? 1) : mantissa;
  return negative ? -value : value;
}

/**
 * The number in `s[start, end)` written bare or followed by exactly `unit` (`87ms`, `0`,
 * `398.13MB`); null when empty or anything else.
 */
export function parseWithUnit(s: string, start: number, end: number, unit: string): number | null {
  const numEnd = scanDecimal(s, start, end);
  if (numEnd === start) return null;
  if (numEnd !== end) {
    const len = unit.length;
    if (end - numEnd !== len) return null;
    for (let k = 0; k < len; k++) {
      if (s.charCodeAt(numEnd + k) !== unit.charCodeAt(k)) return null;
    }
  }
  return decimalValue(s, start, numEnd);
}

/** A plain non-negative integer in `s[start, end)`, or null. */
export function parseInteger(s: string, start: number, end: number): number | null {
  if (start >= end || end - start > 15) return null;
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return null;
    n = n * 10 + c;
  }
  return n;
}
