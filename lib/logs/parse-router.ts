// Router lines (`heroku[router]`): requests and H-code errors, PLATFORM.md §4.2 and §4.3.
// ~70 % of all traffic, so this is a hand-written scanner: charCode key checks, native indexOf
// for value ends, no per-pair objects.
import { dynoTypeOf as dynoTypeOfImport } from "./dyno-name";
import {
  closingQuote as closingQuoteImport,
  createLogfmtPair,
  nextLogfmtPair as nextLogfmtPairImport,
  unquoteLogfmt as unquoteLogfmtImport,
} from "./logfmt";
import {
  parseInteger as parseIntegerImport,
  parseWithUnit as parseWithUnitImport,
} from "./numbers";
import type { RouterErrorEvent, RouterErrorLevel, RouterEvent } from "./types";

// Bound once: tsx runs this file as CommonJS, where every call through an import is a getter.
const closingQuote = closingQuoteImport;
const dynoTypeOf = dynoTypeOfImport;
const nextLogfmtPair = nextLogfmtPairImport;
const parseInteger = parseIntegerImport;
const parseWithUnit = parseWithUnitImport;
const unquoteLogfmt = unquoteLogfmtImport;

// Reused across calls: parsing is synchronous, so no two calls ever share it at the same time.
const pair = createLogfmtPair();

// PLATFORM.md §5: H27/H28 are warnings and H80–H83 info; everything else is an error.
export function routerLevelOf(code: string): RouterErrorLevel {
  if (code.length === 3 && code.charCodeAt(0) === 72) {
    const n = (code.charCodeAt(1) - 48) * 10 + (code.charCodeAt(2) - 48);
    if (n === 27 || n === 28) return "warning";
    if (n >= 80 && n <= 83) return "info";
  }
  return "error";
}

function levelOf(s: string, start: number, end: number): RouterErrorLevel | null {
  switch (end - start) {
    case 5:
      return s.startsWith("error", start) ? "error" : null;
    case 4:
      return s.startsWith("info", start) ? "info" : null;
    case 7:
      return s.startsWith("warning", start) ? "warning" : null;
    default:
      return null;
  }
}

enum Key {
  None,
  At,
  Code,
  Desc,
  Sock,
  Cause,
  Agent,
  Method,
  Path,
  Host,
  RequestId,
  Fwd,
  Dyno,
  Connect,
  Service,
  Status,
  Bytes,
  Protocol,
  Tls,
  TlsVersion,
}

function booleanAt(s: string, start: number, end: number): boolean | null {
  const len = end - start;
  if (
    len === 4 &&
    s.charCodeAt(start) === 116 &&
    s.charCodeAt(start + 1) === 114 &&
    s.charCodeAt(start + 2) === 117 &&
    s.charCodeAt(start + 3) === 101
  ) {
    return true;
  }
  if (len === 5 && s.startsWith("false", start)) return false;
  return null;
}

const KEY_LENGTH = [0, 2, 4, 4, 4, 5, 5, 6, 4, 4, 10, 3, 4, 7, 7, 6, 5, 8, 3, 11];

// Milliseconds and counts are read while scanning for the value's end (`87ms`, `0`, `5123`);
// returns -1 for anything else (empty, other units, signs, fractions: then the slow path decides).
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

// `Error H12 (Request timeout) -> GET example-app.herokuapp.com/reports/7 dyno=web.2 ...`
const LEGACY_HEAD = /^Error (H\d\d) \(([^)]*)\)(?: -> (\S+) ([^\s/]*)(\/\S*)?)?/;

/** A `heroku[router]` message `line[start, end)`; null when it has no router fields. */
export function parseRouterLine(
  line: string,
  start: number,
  end: number,
  tsMicros: number,
  time: string,
): RouterEvent | RouterErrorEvent | null {
  let code: string | null = null;
  let desc: string | null = null;
  let backslash = -2;
  let atStart = -1;
  let atEnd = -1;
  let isWebDyno = false;
  let sock: string | null = null;
  let cause: string | null = null;
  let agent: string | null = null;
  let method: string | null = null;
  let path: string | null = null;
  let host: string | null = null;
  let requestId: string | null = null;
  let fwd: string | null = null;
  let dyno: string | null = null;
  let connectMs: number | null = null;
  let serviceMs: number | null = null;
  let status: number | null = null;
  let bytes: number | null = null;
  let protocol: string | null = null;
  let tls: boolean | null = null;
  let tlsVersion: string | null = null;

  const s = line;
  let pos = start;
  // PLATFORM.md §4.3: the pre-2013 `Error H12 (desc) -> METHOD host/path key=value...` form.
  if (s.charCodeAt(start) === 69 && s.startsWith("Error H", start)) {
    const head = LEGACY_HEAD.exec(s.slice(start, end));
    if (head === null) return null;
    code = head[1] ?? null;
    desc = head[2] || null;
    method = head[3] ?? null;
    host = head[4] || null;
    path = head[5] ?? null;
    pos = start + head[0].length;
  }

  while (pos < end) {
    if (s.charCodeAt(pos) === 32) {
      pos++;
      continue;
    }
    // The router's keys (PLATFORM.md §4.2) differ in first letter, length or last letter, so
    // those (with the `=` after the key) identify a known key; written out, not called: hot loop.
    let key = Key.None;
    switch (s.charCodeAt(pos)) {
      case 97: // a
        if (s.charCodeAt(pos + 2) === 61 && s.charCodeAt(pos + 1) === 116) key = Key.At;
        else if (s.charCodeAt(pos + 5) === 61 && s.charCodeAt(pos + 4) === 116) key = Key.Agent;
        break;
      case 98: // b
        if (s.charCodeAt(pos + 5) === 61 && s.charCodeAt(pos + 4) === 115) key = Key.Bytes;
        break;
      case 99: // c
        if (s.charCodeAt(pos + 7) === 61 && s.charCodeAt(pos + 6) === 116) key = Key.Connect;
        else if (s.charCodeAt(pos + 4) === 61 && s.charCodeAt(pos + 3) === 101) key = Key.Code;
        else if (s.charCodeAt(pos + 5) === 61 && s.charCodeAt(pos + 4) === 101) key = Key.Cause;
        break;
      case 100: // d
        if (s.charCodeAt(pos + 4) === 61) {
          const last = s.charCodeAt(pos + 3);
          if (last === 111) key = Key.Dyno;
          else if (last === 99) key = Key.Desc;
        }
        break;
      case 102: // f
        if (s.charCodeAt(pos + 3) === 61 && s.charCodeAt(pos + 2) === 100) key = Key.Fwd;
        break;
      case 104: // h
        if (s.charCodeAt(pos + 4) === 61 && s.charCodeAt(pos + 3) === 116) key = Key.Host;
        break;
      case 109: // m
        if (s.charCodeAt(pos + 6) === 61 && s.charCodeAt(pos + 5) === 100) key = Key.Method;
        break;
      case 112: // p
        if (s.charCodeAt(pos + 4) === 61 && s.charCodeAt(pos + 3) === 104) key = Key.Path;
        else if (s.charCodeAt(pos + 8) === 61 && s.charCodeAt(pos + 7) === 108) key = Key.Protocol;
        break;
      case 114: // r
        if (s.charCodeAt(pos + 10) === 61 && s.charCodeAt(pos + 9) === 100) key = Key.RequestId;
        break;
      case 115: // s
        if (s.charCodeAt(pos + 7) === 61 && s.charCodeAt(pos + 6) === 101) key = Key.Service;
        else if (s.charCodeAt(pos + 6) === 61 && s.charCodeAt(pos + 5) === 115) key = Key.Status;
        else if (s.charCodeAt(pos + 4) === 61 && s.charCodeAt(pos + 3) === 107) key = Key.Sock;
        break;
      case 116: // t
        if (s.charCodeAt(pos + 3) === 61 && s.charCodeAt(pos + 2) === 115) key = Key.Tls;
        else if (s.charCodeAt(pos + 11) === 61 && s.charCodeAt(pos + 10) === 110) {
          key = Key.TlsVersion;
        }
        break;
    }
    if (key === Key.None) {
      nextLogfmtPair(s, pos, end, pair);
      pos = pair.next;
      continue;
    }
    if (key >= Key.Connect && key <= Key.Bytes) {
      // Numbers: read digits and find the value's end in one pass (`87ms`, `0`, `5123`, empty).
      let i = pos + (KEY_LENGTH[key] ?? 0) + 1;
      const vs = i;
      let n = 0;
      let c = 0;
      while (i < end) {
        c = s.charCodeAt(i);
        if (!isDigit(c)) break;
        n = n * 10 + (c - 48);
        i++;
      }
      let value: number | null = i > vs && i - vs <= 15 ? n : null;
      if (
        c === 109 &&
        i < end &&
        value !== null &&
        (key === Key.Connect || key === Key.Service) &&
        s.charCodeAt(i + 1) === 115 &&
        (i + 2 === end || s.charCodeAt(i + 2) === 32)
      ) {
        i += 2;
      } else if (i < end && c !== 32) {
        // A unit or anything unusual: find the end, then let the general number rules decide.
        const sp = s.indexOf(" ", i);
        const ve = sp === -1 || sp > end ? end : sp;
        value =
          key === Key.Connect || key === Key.Service
            ? parseWithUnit(s, vs, ve, "ms")
            : parseInteger(s, vs, ve);
        i = ve;
      }
      pos = i;
      if (key === Key.Connect) connectMs = value;
      else if (key === Key.Service) serviceMs = value;
      else if (key === Key.Status) status = value;
      else bytes = value;
      continue;
    }
    let vs = pos + (KEY_LENGTH[key] ?? 0) + 1;
    let ve: number;
    let escaped = false;
    if (vs < end && s.charCodeAt(vs) === 34) {
      vs++;
      const q = closingQuote(s, vs, end);
      ve = q === -1 ? end : q;
      // One search per line finds backslashes; only a value holding one needs unescaping.
      if (backslash === -2 || (backslash !== -1 && backslash < vs)) {
        backslash = s.indexOf("\\", vs);
      }
      escaped = backslash !== -1 && backslash < ve;
      pos = ve + 1;
      // Text glued after the closing quote belongs to no key.
      if (pos < end && s.charCodeAt(pos) !== 32) {
        const sp = s.indexOf(" ", pos);
        pos = sp === -1 || sp > end ? end : sp;
      }
    } else if (key === Key.Host || key === Key.RequestId || key === Key.Path) {
      const sp = s.indexOf(" ", vs);
      ve = sp === -1 || sp > end ? end : sp;
      pos = ve;
    } else {
      // Short values (`GET`, `web.1`, `https`, `tls1.3`): a loop beats a native call.
      ve = vs;
      while (ve < end && s.charCodeAt(ve) !== 32) ve++;
      pos = ve;
    }
    if (ve <= vs) continue;
    switch (key) {
      case Key.At:
        // Only error lines need the level; remembered by position to keep request lines cheap.
        atStart = vs;
        atEnd = ve;
        break;
      case Key.Method:
        method = escaped ? unquoteLogfmt(s, vs, ve) : s.slice(vs, ve);
        break;
      case Key.Path:
        path = escaped ? unquoteLogfmt(s, vs, ve) : s.slice(vs, ve);
        break;
      case Key.Host:
        host = escaped ? unquoteLogfmt(s, vs, ve) : s.slice(vs, ve);
        break;
      case Key.RequestId:
        requestId = escaped ? unquoteLogfmt(s, vs, ve) : s.slice(vs, ve);
        break;
      case Key.Fwd:
        fwd = escaped ? unquoteLogfmt(s, vs, ve) : s.slice(vs, ve);
        break;
      case Key.Dyno:
        dyno = s.slice(vs, ve);
        // Router requests go to web dynos: `web.N` needs no general dyno-name rules.
        isWebDyno =
          ve - vs > 4 &&
          s.charCodeAt(vs + 3) === 46 &&
          s.charCodeAt(vs) === 119 &&
          s.charCodeAt(vs + 1) === 101 &&
          s.charCodeAt(vs + 2) === 98;
        break;
      case Key.Protocol:
        protocol = s.slice(vs, ve);
        break;
      case Key.Tls:
        tls = booleanAt(s, vs, ve);
        break;
      case Key.TlsVersion:
        tlsVersion = s.slice(vs, ve);
        break;
      case Key.Code:
        code = s.slice(vs, ve);
        break;
      case Key.Desc:
        desc = escaped ? unquoteLogfmt(s, vs, ve) : s.slice(vs, ve);
        break;
      case Key.Sock:
        sock = s.slice(vs, ve);
        break;
      case Key.Cause:
        cause = escaped ? unquoteLogfmt(s, vs, ve) : s.slice(vs, ve);
        break;
      case Key.Agent:
        agent = escaped ? unquoteLogfmt(s, vs, ve) : s.slice(vs, ve);
        break;
    }
  }

  const dynoType = dyno === null ? null : isWebDyno ? "web" : dynoTypeOf(dyno);
  const ts = Math.floor(tsMicros / 1000);
  if (code === null) {
    if (method === null && status === null && path === null) return null;
    return {
      kind: "router",
      ts,
      tsMicros,
      time,
      source: "heroku",
      proc: "router",
      dyno,
      dynoType,
      method,
      path,
      host,
      requestId,
      fwd,
      connectMs,
      serviceMs,
      status,
      bytes,
      protocol,
      tls,
      tlsVersion,
    };
  }
  return {
    kind: "router_error",
    ts,
    tsMicros,
    time,
    source: "heroku",
    proc: "router",
    dyno,
    dynoType,
    method,
    path,
    host,
    requestId,
    fwd,
    connectMs,
    serviceMs,
    status,
    bytes,
    protocol,
    tls,
    tlsVersion,
    code,
    desc,
    level: (atStart < 0 ? null : levelOf(s, atStart, atEnd)) ?? routerLevelOf(code),
    sock,
    cause,
    agent,
  };
}
