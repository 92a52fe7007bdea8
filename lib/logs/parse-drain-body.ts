// A logplex drain body (octet-counted RFC 5424 frames, PLATFORM.md §6.2) → log-session lines
// `TS APP[PROC]: MSG`, so `parseLogLine` serves both the drain and the log-session paths.

export type DrainBody = {
  /** One line per frame read by its octet count, in body order. */
  lines: string[];
  /** Stretches of the body that could not be read as a frame and were skipped. */
  badFrames: number;
  /** Frames read by their octet count (equals `lines.length`). */
  frames: number;
};

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8");

const SPACE = 32;
const LT = 60;
const GT = 62;
const MAX_LENGTH_DIGITS = 9;

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 48 && c <= 57;
}

function isBlank(c: number | undefined): boolean {
  return c === 10 || c === 13 || c === SPACE || c === 9;
}

function skipBlanks(b: Uint8Array, pos: number): number {
  let i = pos;
  while (i < b.length && isBlank(b[i])) i++;
  return i;
}

/** Start of the message after `<digits> ` when `pos` holds `<digits> <`, else -1. */
function frameHeaderEnd(b: Uint8Array, pos: number): number {
  let i = pos;
  while (i < b.length && isDigit(b[i])) i++;
  const digits = i - pos;
  if (digits === 0 || digits > MAX_LENGTH_DIGITS) return -1;
  if (b[i] !== SPACE || b[i + 1] !== LT) return -1;
  return i + 1;
}

function declaredLength(b: Uint8Array, pos: number, end: number): number {
  let n = 0;
  for (let i = pos; i < end; i++) n = n * 10 + ((b[i] ?? 48) - 48);
  return n;
}

// True when `<\d{1,3}>1 ` starts at `j`.
function isSyslogStart(b: Uint8Array, j: number): boolean {
  if (b[j] !== LT) return false;
  let i = j + 1;
  const first = i;
  while (i < b.length && i - first < 3 && isDigit(b[i])) i++;
  return i > first && b[i] === GT && b[i + 1] === 49 && b[i + 2] === SPACE;
}

/** Start of the next `\d+ <\d{1,3}>1 ` whose whole digit run lies at or after `from`, or -1. */
function findSync(b: Uint8Array, from: number): number {
  for (let j = b.indexOf(LT, from + 2); j !== -1; j = b.indexOf(LT, j + 1)) {
    if (b[j - 1] !== SPACE || !isDigit(b[j - 2]) || !isSyslogStart(b, j)) continue;
    let k = j - 2;
    while (k > 0 && isDigit(b[k - 1])) k--;
    // A digit run that starts before `from` is the tail of the header that just failed.
    if (k >= from) return k;
  }
  return -1;
}

// The space-delimited token of `s` starting at `pos`: its end, or -1 when it is empty or no space
// follows before `end`.
function tokenEnd(s: string, pos: number, end: number): number {
  const sp = s.indexOf(" ", pos);
  return sp === -1 || sp >= end || sp === pos ? -1 : sp;
}

/**
 * `<PRI>1 TS HOST APP PROC MSGID [- ]MSG` in `s[start, frameEnd)` → `TS APP[PROC]: MSG`; the raw
 * text when unreadable. Works on text: the body decoded once, or the frame decoded alone.
 */
function frameToLine(s: string, start: number, frameEnd: number): string {
  let end = frameEnd;
  if (end > start && s.charCodeAt(end - 1) === 10) {
    end--;
    if (end > start && s.charCodeAt(end - 1) === 13) end--;
  }
  let i = start + 1;
  while (i < end && isDigit(s.charCodeAt(i))) i++;
  if (s.charCodeAt(start) !== LT || s.charCodeAt(i) !== GT) return s.slice(start, end);
  const versionEnd = tokenEnd(s, i + 1, end);
  const tsEnd = versionEnd === -1 ? -1 : tokenEnd(s, versionEnd + 1, end);
  const hostEnd = tsEnd === -1 ? -1 : tokenEnd(s, tsEnd + 1, end);
  const appEnd = hostEnd === -1 ? -1 : tokenEnd(s, hostEnd + 1, end);
  const procEnd = appEnd === -1 ? -1 : tokenEnd(s, appEnd + 1, end);
  if (procEnd === -1) return s.slice(start, end);
  // MSGID ends at a space, or at the end of an empty message.
  const restStart = procEnd + 1;
  let msgIdEnd = tokenEnd(s, restStart, end);
  if (msgIdEnd === -1) {
    if (restStart >= end) return s.slice(start, end);
    msgIdEnd = end;
  }
  // Heroku omits STRUCTURED-DATA after MSGID `-`; archived samples send `- -` (PLATFORM.md §6.2).
  // So a message that itself starts with "- " loses those two characters.
  let msg = Math.min(msgIdEnd + 1, end);
  if (msg < end && s.charCodeAt(msg) === 45 && (msg + 1 === end || s.charCodeAt(msg + 1) === SPACE))
    msg = Math.min(msg + 2, end);
  return `${s.slice(versionEnd + 1, tsEnd)} ${s.slice(hostEnd + 1, appEnd)}[${s.slice(appEnd + 1, procEnd)}]: ${s.slice(msg, end)}`;
}

/**
 * Splits a drain body into lines by octet counts (UTF-8 bytes). Lenient per PLATFORM.md §6.2: a
 * frame that does not start with `<digits> <`, or whose length runs past the body or into the next
 * frame, counts as bad and reading resumes at the next `\d+ <\d{1,3}>1 `.
 */
export function parseDrainBody(body: string | Uint8Array): DrainBody {
  const b = typeof body === "string" ? encoder.encode(body) : body;
  const n = b.length;
  // Decoded once: when no character took more than one byte, string offsets are byte offsets and
  // every frame is read from this one string; otherwise each frame is decoded alone.
  const decoded = typeof body === "string" ? body : decoder.decode(b);
  const text = decoded.length === n ? decoded : null;
  const toLine = (start: number, end: number) => {
    if (text !== null) return frameToLine(text, start, end);
    const frame = decoder.decode(b.subarray(start, end));
    return frameToLine(frame, 0, frame.length);
  };
  const lines: string[] = [];
  let badFrames = 0;
  let pos = skipBlanks(b, 0);
  while (pos < n) {
    const msgStart = frameHeaderEnd(b, pos);
    if (msgStart === -1) {
      badFrames++;
      const next = findSync(b, pos + 1);
      pos = next === -1 ? n : next;
      continue;
    }
    const frameEnd = msgStart + declaredLength(b, pos, msgStart - 1);
    if (frameEnd > n) {
      badFrames++;
      const next = findSync(b, msgStart);
      pos = next === -1 ? n : next;
      continue;
    }
    const after = skipBlanks(b, frameEnd);
    if (after === n || frameHeaderEnd(b, after) !== -1) {
      lines.push(toLine(msgStart, frameEnd));
      pos = after;
      continue;
    }
    // The declared length did not land on a frame boundary: too long if the next frame starts
    // inside it, too short (or the next header is broken) otherwise.
    const next = findSync(b, msgStart);
    if (next !== -1 && next < frameEnd) {
      badFrames++;
      pos = next;
      continue;
    }
    if (b[frameEnd - 1] === 10) lines.push(toLine(msgStart, frameEnd));
    badFrames++;
    pos = next === -1 ? n : next;
  }
  return { lines, badFrames, frames: lines.length };
}
