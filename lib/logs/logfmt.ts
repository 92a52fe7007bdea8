// A logfmt tokenizer that reports positions instead of building strings, so callers slice only
// the values they keep. PLATFORM.md §4.1: double quotes are honoured, empty values are allowed
// (`dyno= connect=`), keys may hold `#` and `-`, unknown keys are never fatal. Pairs are
// separated by spaces.

/** One `key=value` pair as offsets into the scanned text; reused between calls to avoid garbage. */
export type LogfmtPair = {
  keyStart: number;
  keyEnd: number;
  /** Offsets of the value without its quotes; equal when the value is empty. */
  valueStart: number;
  valueEnd: number;
  /** False for a bare key with no `=`. */
  hasValue: boolean;
  /** The value was double-quoted; read it with `logfmtValue` to unescape it. */
  quoted: boolean;
  /** Where scanning continues. */
  next: number;
};

export function createLogfmtPair(): LogfmtPair {
  return {
    keyStart: 0,
    keyEnd: 0,
    valueStart: 0,
    valueEnd: 0,
    hasValue: false,
    quoted: false,
    next: 0,
  };
}

/** Reads the pair at or after `pos` into `pair`; false when only spaces remain before `end`. */
export function nextLogfmtPair(s: string, pos: number, end: number, pair: LogfmtPair): boolean {
  let i = pos;
  while (i < end && s.charCodeAt(i) === 32) i++;
  if (i >= end) return false;
  pair.keyStart = i;
  let c = 0;
  while (i < end) {
    c = s.charCodeAt(i);
    if (c === 61 || c === 32) break;
    i++;
  }
  pair.keyEnd = i;
  if (i >= end || c !== 61) {
    pair.hasValue = false;
    pair.quoted = false;
    pair.valueStart = i;
    pair.valueEnd = i;
    pair.next = i;
    return true;
  }
  pair.hasValue = true;
  i++;
  // Values are the long part of a line: native indexOf finds their ends faster than a loop.
  if (i < end && s.charCodeAt(i) === 34) {
    pair.quoted = true;
    const valueStart = i + 1;
    pair.valueStart = valueStart;
    const q = closingQuote(s, valueStart, end);
    if (q === -1) {
      pair.valueEnd = end;
      pair.next = end;
      return true;
    }
    pair.valueEnd = q;
    // Text glued after the closing quote belongs to no key; skip it.
    let next = q + 1;
    if (next < end && s.charCodeAt(next) !== 32) {
      next = s.indexOf(" ", next);
      if (next === -1 || next > end) next = end;
    }
    pair.next = next;
    return true;
  }
  pair.quoted = false;
  pair.valueStart = i;
  let sp = s.indexOf(" ", i);
  if (sp === -1 || sp > end) sp = end;
  pair.valueEnd = sp;
  pair.next = sp;
  return true;
}

function isEscaped(s: string, from: number, quote: number): boolean {
  let backslashes = 0;
  for (let k = quote - 1; k >= from && s.charCodeAt(k) === 92; k--) backslashes++;
  return (backslashes & 1) === 1;
}

/** `s[start, end)` of a double-quoted value, with `\"` and `\\` unescaped. */
export function unquoteLogfmt(s: string, start: number, end: number): string {
  const value = s.slice(start, end);
  if (value.indexOf("\\") === -1) return value;
  let out = "";
  let from = 0;
  for (let i = 0; i < value.length; i++) {
    if (value.charCodeAt(i) !== 92 || i + 1 >= value.length) continue;
    const next = value.charCodeAt(i + 1);
    if (next === 34 || next === 92) {
      out += value.slice(from, i);
      from = i + 1;
      i++;
    }
  }
  return out + value.slice(from);
}

/** The value of `pair` as a string; quoted values are unescaped. */
export function logfmtValue(s: string, pair: LogfmtPair): string {
  return pair.quoted
    ? unquoteLogfmt(s, pair.valueStart, pair.valueEnd)
    : s.slice(pair.valueStart, pair.valueEnd);
}

/** Index of the quote closing a value that starts at `from`, or -1 when it is unterminated. */
export function closingQuote(s: string, from: number, end: number): number {
  let q = s.indexOf('"', from);
  while (q !== -1 && q < end && isEscaped(s, from, q)) q = s.indexOf('"', q + 1);
  return q === -1 || q >= end ? -1 : q;
}

/** True when the key of `pair` is exactly `name`. */
export function keyIs(s: string, pair: LogfmtPair, name: string): boolean {
  const len = name.length;
  if (pair.keyEnd - pair.keyStart !== len) return false;
  const start = pair.keyStart;
  for (let i = 0; i < len; i++) {
    if (s.charCodeAt(start + i) !== name.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * All pairs of `s[start, end)`: a bare key maps to null, an empty value to "". A repeated key keeps
 * its last value.
 */
export function parseLogfmt(s: string, start = 0, end = s.length): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  const pair = createLogfmtPair();
  let pos = start;
  while (nextLogfmtPair(s, pos, end, pair)) {
    pos = pair.next;
    if (pair.keyEnd === pair.keyStart) continue;
    const key = s.slice(pair.keyStart, pair.keyEnd);
    out[key] = pair.hasValue ? logfmtValue(s, pair) : null;
  }
  return out;
}
