// One Heroku log line → one typed event (PLATFORM.md §4). Pure and total: any string gives an
// event, never an exception; a line it cannot place becomes `kind: "unknown"` with its raw text.
import { dynoTypeOf as dynoTypeOfImport } from "./dyno-name";
import { parseApiLine } from "./parse-api";
import { parseDynoLine as parseDynoLineImport, parseRuntimeError } from "./parse-dyno";
import { parseAddonMetrics } from "./parse-metrics";
import { parsePlatformError } from "./parse-platform-error";
import { parseRouterLine as parseRouterLineImport } from "./parse-router";
import { parseTimestampMicros as parseTimestampMicrosImport } from "./timestamp";
import type { Envelope, LogEvent, UnknownEvent } from "./types";

// Bound once: tsx runs these files as CommonJS, where every call through an import is a getter.
const dynoTypeOf = dynoTypeOfImport;
const parseDynoLine = parseDynoLineImport;
const parseRouterLine = parseRouterLineImport;
const parseTimestampMicros = parseTimestampMicrosImport;

function isSourceChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 45;
}

// Words packed 7 bits per ASCII character: exact up to 7 characters (lengths are compared too), so
// the names the dispatch needs are recognised while scanning, without reading them twice.
function packWord(word: string): number {
  let code = 0;
  for (let i = 0; i < word.length; i++) code = code * 128 + word.charCodeAt(i);
  return code;
}

const HEROKU = packWord("heroku");
const APP = packWord("app");
const ROUTER = packWord("router");

function unknownEnvelope(raw: string): UnknownEvent {
  return {
    kind: "unknown",
    reason: "envelope",
    raw,
    ts: null,
    tsMicros: null,
    time: null,
    source: null,
    proc: null,
    dyno: null,
    dynoType: null,
    message: null,
  };
}

function unknownShape(raw: string, env: Envelope, msgStart: number): UnknownEvent {
  return {
    kind: "unknown",
    reason: "shape",
    raw,
    ts: env.ts,
    tsMicros: env.tsMicros,
    time: env.time,
    source: env.source,
    proc: env.proc,
    dyno: env.dyno,
    dynoType: env.dynoType,
    message: raw.slice(msgStart),
  };
}

function appEvent(line: string, msgStart: number, env: Envelope): LogEvent {
  return {
    kind: "app",
    ts: env.ts,
    tsMicros: env.tsMicros,
    time: env.time,
    source: env.source,
    proc: env.proc,
    dyno: env.dyno,
    dynoType: env.dynoType,
    message: line.slice(msgStart),
  };
}

function stripLineEnd(line: string): string {
  let end = line.length;
  if (end > 0 && line.charCodeAt(end - 1) === 10) end--;
  if (end > 0 && line.charCodeAt(end - 1) === 13) end--;
  return end === line.length ? line : line.slice(0, end);
}

/**
 * Parses one log-session line `<timestamp> <source>[<proc>]: <message>` (PLATFORM.md §4.1).
 * One trailing `\n`, `\r\n` or `\r` is ignored.
 */
export function parseLogLine(input: string): LogEvent {
  const line = stripLineEnd(input);
  const end = line.length;

  // PLATFORM.md §4.1 grammar: ts SP source "[" proc "]" ":"? SP? msg
  const tsEnd = line.indexOf(" ");
  if (tsEnd < 20) return unknownEnvelope(line);
  const tsMicros = parseTimestampMicros(line, 0, tsEnd);
  if (Number.isNaN(tsMicros)) return unknownEnvelope(line);
  const sourceStart = tsEnd + 1;
  let i = sourceStart;
  let sourceCode = 0;
  while (i < end) {
    const c = line.charCodeAt(i);
    if (!isSourceChar(c)) break;
    sourceCode = sourceCode * 128 + c;
    i++;
  }
  if (i === sourceStart || i >= end || line.charCodeAt(i) !== 91) return unknownEnvelope(line);
  const sourceEnd = i;
  const procStart = i + 1;
  let procCode = 0;
  i = procStart;
  while (i < end) {
    const c = line.charCodeAt(i);
    if (c === 93) break;
    procCode = procCode * 128 + c;
    i++;
  }
  const procEnd = i;
  if (procEnd >= end || procEnd === procStart) return unknownEnvelope(line);
  let msgStart = procEnd + 1;
  if (msgStart < end && line.charCodeAt(msgStart) === 58) msgStart++;
  if (msgStart < end && line.charCodeAt(msgStart) === 32) msgStart++;

  const sourceLength = sourceEnd - sourceStart;
  const isHeroku = sourceLength === 6 && sourceCode === HEROKU;
  const isApp = sourceLength === 3 && sourceCode === APP;
  const source = isHeroku ? "heroku" : isApp ? "app" : line.slice(sourceStart, sourceEnd);

  if (isHeroku && procEnd - procStart === 6 && procCode === ROUTER) {
    const time = line.slice(0, tsEnd);
    const event = parseRouterLine(line, msgStart, end, tsMicros, time);
    if (event !== null) return event;
    const env: Envelope = {
      ts: Math.floor(tsMicros / 1000),
      tsMicros,
      time,
      source,
      proc: "router",
      dyno: null,
      dynoType: null,
    };
    return unknownShape(line, env, msgStart);
  }

  const proc = line.slice(procStart, procEnd);
  const dynoType = dynoTypeOf(proc);
  const env: Envelope = {
    ts: Math.floor(tsMicros / 1000),
    tsMicros,
    time: line.slice(0, tsEnd),
    source,
    proc,
    dyno: dynoType === null ? null : proc,
    dynoType,
  };

  if (isHeroku) {
    let event: LogEvent | null;
    if (proc === "logplex") event = parsePlatformError(line, msgStart, env);
    else if (proc === "api") event = parseApiLine(line, msgStart, env);
    else event = parseDynoLine(line, msgStart, env);
    return event ?? unknownShape(line, env, msgStart);
  }

  if (isApp) {
    // §4.11 rule 7: app output never yields H/R codes, except R13 which §4.4 shows on app[run.N].
    if (dynoType !== null) {
      if (dynoType === "run" && line.startsWith("Error R13 (", msgStart)) {
        return parseRuntimeError(line, msgStart, env) ?? appEvent(line, msgStart, env);
      }
      return appEvent(line, msgStart, env);
    }
    switch (proc) {
      case "api":
        return parseApiLine(line, msgStart, env);
      case "heroku-postgres":
      case "heroku-redis":
        if (line.includes("sample#", msgStart)) {
          return parseAddonMetrics(
            line,
            msgStart,
            env,
            proc === "heroku-redis" ? "redis" : "postgres",
          );
        }
        break;
      case "log-shuttle":
        return parsePlatformError(line, msgStart, env) ?? appEvent(line, msgStart, env);
    }
    return appEvent(line, msgStart, env);
  }

  return unknownShape(line, env, msgStart);
}
