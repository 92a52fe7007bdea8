// Text that Postgres can store as it is. A `text` column refuses NUL outright and `jsonb` refuses
// `\u0000`, so one NUL in a log line would make its whole batch fail on every retry. A lone UTF-16
// surrogate has no UTF-8 form: `jsonb` refuses its `\ud800` escape and a `text` column would get
// U+FFFD without anyone knowing. Both become U+FFFD here, where it can be counted.

const REPLACEMENT = "\uFFFD";

/** `text` with NUL and lone surrogates replaced by U+FFFD; the same string when it had none. */
export function storableText(text: string): string {
  if (text.indexOf("\0") === -1 && text.isWellFormed()) return text;
  return text.toWellFormed().replaceAll("\0", REPLACEMENT);
}

/**
 * The first `max` UTF-16 units of `text`, one fewer when the cut would split a surrogate pair (half
 * a pair is a lone surrogate: see above).
 */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  const last = text.charCodeAt(max - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}
