// A logplex drain body (octet-counted RFC 5424 frames, PLATFORM.md §6.2) → log-session lines
// `TS APP[PROC]: MSG`, so `parseLogLine` serves both the drain and the log-session paths.
import { storableText } from "./storable";

export type DrainBody = {
  /** One line per frame kept, in body order. */
  lines: string[];
  /** Stretches of the body outside every frame kept (garbage, cut frames, wrong counts). */
  badFrames: number;
  /** Frames kept (equals `lines.length`). */
  frames: number;
  /** Lines in which NUL, invalid UTF-8 or a lone surrogate was replaced with U+FFFD. */
  repairedLines: number;
};

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8");
const strictDecoder = new TextDecoder("utf-8", { fatal: true });

const SPACE = 32;
const LT = 60;
const GT = 62;
const MAX_LENGTH_DIGITS = 9;
// RFC 5424 caps HOSTNAME at 255, APP-NAME at 48 and PROCID at 128 bytes: a syslog header that
// has not ended by here is not one, and checking a candidate frame costs no more than this.
const MAX_HEADER_BYTES = 600;
// A frame whose count does not land on a frame boundary is kept only when no frame that starts
// inside it runs past its end; with more candidates than this inside it, it is not kept.
const MAX_INNER_CANDIDATES = 64;

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

function declaredLength(b: Uint8Array, pos: number, end: number): number {
  let n = 0;
  for (let i = pos; i < end; i++) n = n * 10 + ((b[i] ?? 48) - 48);
  return n;
}

/** When `<\d{1,3}>1 ` starts at `j`: the index after it, else -1. */
function syslogStartEnd(b: Uint8Array, j: number): number {
  if (b[j] !== LT) return -1;
  let i = j + 1;
  const first = i;
  while (i < b.length && i - first < 3 && isDigit(b[i])) i++;
  return i > first && b[i] === GT && b[i + 1] === 49 && b[i + 2] === SPACE ? i + 3 : -1;
}

/** When a frame header `\d{1,9} <\d{1,3}>1 ` starts at `pos`: where its message starts, else -1. */
function headerAt(b: Uint8Array, pos: number): number {
  let i = pos;
  while (i < b.length && isDigit(b[i])) i++;
  const digits = i - pos;
  if (digits === 0 || digits > MAX_LENGTH_DIGITS || b[i] !== SPACE) return -1;
  return syslogStartEnd(b, i + 1) === -1 ? -1 : i + 1;
}

/**
 * True when `<PRI>VERSION TS HOST APP PROC MSGID` can be read in `b[msgStart, end)`, the test
 * `frameToLine` applies, on bytes and over at most MAX_HEADER_BYTES.
 */
function readableFrame(b: Uint8Array, msgStart: number, frameEnd: number): boolean {
  let end = frameEnd;
  if (end > msgStart && b[end - 1] === 10) {
    end--;
    if (end > msgStart && b[end - 1] === 13) end--;
  }
  const limit = Math.min(end, msgStart + MAX_HEADER_BYTES);
  let i = msgStart;
  for (let field = 0; field < 5; field++) {
    const start = i;
    while (i < limit && b[i] !== SPACE) i++;
    if (i >= limit || i === start) return false;
    i++;
  }
  return i < end && b[i] !== SPACE;
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
 * Calls `emit(msgStart, end)` for each frame while the body is a chain of frames each of whose
 * count lands exactly on the next header (blanks between allowed) or on the end; false as soon as
 * one does not. Heroku's own bodies always are: this is the fast path, each header read once.
 */
function readChain(b: Uint8Array, emit: (msgStart: number, end: number) => void): boolean {
  const n = b.length;
  let pos = skipBlanks(b, 0);
  let msgStart = pos < n ? headerAt(b, pos) : -1;
  while (pos < n) {
    if (msgStart === -1) return false;
    const end = msgStart + declaredLength(b, pos, msgStart - 1);
    // past the body, or too short to hold its own `<PRI>1 `
    if (end > n || (end < msgStart + 8 && end < syslogStartEnd(b, msgStart))) return false;
    const after = skipBlanks(b, end);
    const next = after < n ? headerAt(b, after) : -1;
    if (after < n && next === -1) return false;
    emit(msgStart, end);
    pos = after;
    msgStart = next;
  }
  return true;
}

// How a candidate frame is kept: not at all; exactly (its count lands on the body's end or on a
// header that starts a digit run, kept or not); chained (it lands on a header inside a digit run,
// `…200` + `85 <…`, so only if that frame is kept too); or loosely (it ends elsewhere).
const NONE = 0;
const EXACT = 1;
const CHAINED = 2;
const LOOSE = 3;

/**
 * Frames kept when the body is not one clean chain, as `readChain` gives them. Every
 * `\d{1,9} <\d{1,3}>1 ` is a candidate frame, and so is each suffix of a longer digit run (garbage
 * glued to a count, or a message ending in digits glued to the next frame) as long as the whole
 * run is no frame. The reading kept covers the most bytes with frames whose counts land exactly
 * (on the body's end or a header), then the most bytes with the others, under two rules:
 * - no frame kept holds the start of another frame that could be kept and lands exactly: a
 *   count too long (or a cut frame) never swallows an intact frame;
 * - a frame that does not land exactly is readable as syslog and holds the start of no frame that
 *   could be kept at all (so a message quoting a frame header stays whole only when its own
 *   count lands exactly).
 * Scores are computed from the last candidate back; each candidate looks at the candidates inside
 * it once (at most MAX_INNER_CANDIDATES) and finds its successor by binary search.
 */
function readBestFrames(b: Uint8Array): number[] {
  const n = b.length;
  const starts: number[] = [];
  const msgs: number[] = [];
  const ends: number[] = [];
  for (let j = b.indexOf(LT, 2); j !== -1; j = b.indexOf(LT, j + 1)) {
    if (b[j - 1] !== SPACE || !isDigit(b[j - 2])) continue;
    const syncEnd = syslogStartEnd(b, j);
    if (syncEnd === -1) continue;
    let k = j - 2;
    while (k > 0 && isDigit(b[k - 1]) && j - k <= MAX_LENGTH_DIGITS) k--;
    for (let c = k; c <= j - 2; c++) {
      const end = j + declaredLength(b, c, j - 1);
      starts.push(c);
      msgs.push(j);
      // a count too small to hold `<PRI>1 ` or past the body: never a frame
      ends.push(end < syncEnd || end > n ? -1 : end);
    }
  }
  const m = starts.length;
  // Where the blanks before each candidate start (and before the body's end): a count that ends
  // in them lands on that candidate. Each run of blanks is walked once.
  const blankStart = new Int32Array(m + 1);
  for (let i = 0; i <= m; i++) {
    let p = i < m ? (starts[i] as number) : n;
    while (p > 0 && isBlank(b[p - 1])) p--;
    blankStart[i] = p;
  }
  const startsRun = (i: number) => i === m || !isDigit(b[(starts[i] as number) - 1]);
  const next = new Int32Array(m);
  const mode = new Uint8Array(m);
  // the best score from candidate i on when i is kept (take*), and whether or not it is (best*)
  const takeExact = new Int32Array(m);
  const takeLoose = new Int32Array(m);
  const bestExact = new Int32Array(m + 1);
  const bestLoose = new Int32Array(m + 1);
  const bestTakes = new Uint8Array(m);

  // What starts inside the message of frame `i`: 2 when a frame that lands exactly (or too many
  // candidates to look at), 1 when only frames that do not, 0 when nothing that can be kept.
  function inside(i: number, nextIndex: number): number {
    if (nextIndex - i - 1 > MAX_INNER_CANDIDATES) return 2;
    const msgStart = msgs[i] as number;
    let found = 0;
    for (let k = i + 1; k < nextIndex; k++) {
      if ((starts[k] as number) < msgStart || mode[k] === NONE) continue;
      if (mode[k] !== LOOSE) return 2;
      found = 1;
    }
    return found;
  }

  for (let i = m - 1; i >= 0; i--) {
    const end = ends[i] as number;
    if (end !== -1) {
      let lo = i + 1;
      let hi = m;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((starts[mid] as number) < end) lo = mid + 1;
        else hi = mid;
      }
      next[i] = lo;
      const span = end - (starts[i] as number);
      const lands = end >= (blankStart[lo] as number);
      const inner = inside(i, lo);
      let e = -1;
      let l = 0;
      if (lands && inner < 2 && startsRun(lo)) {
        mode[i] = EXACT;
        e = span + (bestExact[lo] as number);
        l = bestLoose[lo] as number;
      } else {
        // landing inside a digit run is exact only if the frame there is kept too
        if (lands && inner < 2 && mode[lo] !== NONE) {
          mode[i] = CHAINED;
          e = span + (takeExact[lo] as number);
          l = takeLoose[lo] as number;
        }
        const looseExact = bestExact[lo] as number;
        const looseLoose = (bestLoose[lo] as number) + span;
        if (
          (e < looseExact || (e === looseExact && l < looseLoose)) &&
          inner === 0 &&
          readableFrame(b, msgs[i] as number, end)
        ) {
          mode[i] = LOOSE;
          e = looseExact;
          l = looseLoose;
        }
      }
      takeExact[i] = e;
      takeLoose[i] = l;
    }
    // A whole count that can be kept rules out the shorter readings of its own digits.
    if (mode[i] !== NONE && startsRun(i)) {
      let last = i;
      while (last + 1 < m && msgs[last + 1] === msgs[i]) last++;
      for (let k = last; k > i; k--) {
        mode[k] = NONE;
        bestTakes[k] = 0;
        bestExact[k] = bestExact[k + 1] as number;
        bestLoose[k] = bestLoose[k + 1] as number;
      }
    }
    const skipExact = bestExact[i + 1] as number;
    const skipLoose = bestLoose[i + 1] as number;
    const e = takeExact[i] as number;
    const l = takeLoose[i] as number;
    if (mode[i] !== NONE && (e > skipExact || (e === skipExact && l >= skipLoose))) {
      bestTakes[i] = 1;
      bestExact[i] = e;
      bestLoose[i] = l;
    } else {
      bestExact[i] = skipExact;
      bestLoose[i] = skipLoose;
    }
  }

  const spans: number[] = [];
  let chained = false;
  for (let i = 0; i < m; ) {
    if (!chained && bestTakes[i] === 0) {
      i++;
      continue;
    }
    spans.push(starts[i] as number, msgs[i] as number, ends[i] as number);
    chained = mode[i] === CHAINED;
    i = next[i] as number;
  }
  return spans;
}

/** Stretches of non-blank bytes outside the kept frames. */
function countBadStretches(b: Uint8Array, spans: number[]): number {
  let bad = 0;
  let pos = 0;
  for (let s = 0; s < spans.length; s += 3) {
    if (skipBlanks(b, pos) < (spans[s] as number)) bad++;
    pos = spans[s + 2] as number;
  }
  return skipBlanks(b, pos) < b.length ? bad + 1 : bad;
}

/**
 * Splits a drain body into lines by octet counts (UTF-8 bytes). A frame is intact when its count
 * ends exactly where the next frame header starts (or at the body's end) and it reads as syslog:
 * every intact frame is kept, and only the bytes outside the frames kept count as bad (one per
 * stretch). Lines are made storable (`storableText`), and those changed are counted.
 */
export function parseDrainBody(body: string | Uint8Array): DrainBody {
  const b = typeof body === "string" ? encoder.encode(body) : body;
  const n = b.length;
  // Decoded once: when no character took more than one byte, string offsets are byte offsets and
  // every frame is read from this one string; otherwise each frame is decoded alone (so its text
  // is well-formed: lone surrogates and invalid UTF-8 come out as U+FFFD).
  let decoded: string;
  let replaced = false;
  if (typeof body === "string") {
    decoded = body;
    replaced = decoded.length !== n && !decoded.isWellFormed();
  } else {
    decoded = decoder.decode(b);
    // invalid UTF-8 decodes to U+FFFD; a U+FFFD can also have been sent as such
    if (decoded.indexOf("\uFFFD") !== -1) {
      try {
        strictDecoder.decode(b);
      } catch {
        replaced = true;
      }
    }
  }
  const text = decoded.length === n ? decoded : null;
  const hasNul = decoded.indexOf("\0") !== -1;

  const lines: string[] = [];
  let repairedLines = 0;
  const emit = (msgStart: number, end: number) => {
    let line: string;
    if (text !== null) line = frameToLine(text, msgStart, end);
    else {
      const frame = decoder.decode(b.subarray(msgStart, end));
      line = frameToLine(frame, 0, frame.length);
    }
    if (hasNul || replaced) {
      const storable = storableText(line);
      // a U+FFFD already in the text is counted too when the body had a replacement elsewhere
      if (storable !== line || (replaced && line.includes("\uFFFD"))) repairedLines++;
      line = storable;
    }
    lines.push(line);
  };
  if (readChain(b, emit)) return { lines, badFrames: 0, frames: lines.length, repairedLines };
  // Not one clean chain: the lines read so far are read again with the rest.
  lines.length = 0;
  repairedLines = 0;
  const spans = readBestFrames(b);
  for (let s = 0; s < spans.length; s += 3) emit(spans[s + 1] as number, spans[s + 2] as number);
  return { lines, badFrames: countBadStretches(b, spans), frames: lines.length, repairedLines };
}
