// Dyno-manager lines (`heroku[<dyno>]`): R-codes, memory reports, state changes, exits and the
// lifecycle words of PLATFORM.md §4.4 and §4.5, tried in the order of §4.11 rule 3.
import { parseRuntimeMetrics } from "./parse-metrics";
import type {
  Envelope,
  LifecycleAction,
  LifecycleEvent,
  LogEvent,
  RuntimeErrorEvent,
} from "./types";

const RUNTIME_ERROR = /Error (R\d\d) \(([^)]*)\)(?: -> ([\s\S]*))?$/y;
const MEMORY_REPORT = /Process running mem=(\d+(?:\.\d+)?)M?B?\((\d+(?:\.\d+)?)%\)/y;
const PROCESS_EXIT = /Process exited(?: with status (\d+))?$/y;
const STOPPING = /Stopping [\s\S]*?(?: with (SIG[A-Z0-9]+))?$/y;
// Very old lines say `command: `; some recent ones drop the backticks (PLATFORM.md §4.5).
const STARTING = /Starting process with command:? ([\s\S]*)$/y;

function match(re: RegExp, line: string, start: number): RegExpExecArray | null {
  re.lastIndex = start;
  return re.exec(line);
}

/** `Error R<nn> (<title>)[ -> <detail>]` at `start`, or null. PLATFORM.md §4.4. */
export function parseRuntimeError(
  line: string,
  start: number,
  env: Envelope,
): RuntimeErrorEvent | null {
  const m = match(RUNTIME_ERROR, line, start);
  if (m === null) return null;
  return {
    kind: "runtime_error",
    ts: env.ts,
    tsMicros: env.tsMicros,
    time: env.time,
    source: env.source,
    proc: env.proc,
    dyno: env.dyno,
    dynoType: env.dynoType,
    code: m[1] ?? "",
    title: m[2] ?? "",
    detail: m[3] ?? null,
  };
}

function lifecycle(
  env: Envelope,
  event: LifecycleAction,
  command: string | null,
  signal: string | null,
): LifecycleEvent {
  return {
    kind: "lifecycle",
    ts: env.ts,
    tsMicros: env.tsMicros,
    time: env.time,
    source: env.source,
    proc: env.proc,
    dyno: env.dyno,
    dynoType: env.dynoType,
    event,
    command,
    signal,
  };
}

function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

// `State changed from <a> to <b>`: PLATFORM.md §3.2 says any lowercase word may appear.
function parseStateChange(line: string, start: number, env: Envelope): LogEvent | null {
  const fromStart = start + 19;
  let i = fromStart;
  const end = line.length;
  while (i < end && isWordChar(line.charCodeAt(i))) i++;
  if (i === fromStart || !line.startsWith(" to ", i)) return null;
  const fromEnd = i;
  const toStart = i + 4;
  i = toStart;
  while (i < end && isWordChar(line.charCodeAt(i))) i++;
  if (i === toStart || i !== end) return null;
  return {
    kind: "state_change",
    ts: env.ts,
    tsMicros: env.tsMicros,
    time: env.time,
    source: env.source,
    proc: env.proc,
    dyno: env.dyno,
    dynoType: env.dynoType,
    from: line.slice(fromStart, fromEnd),
    to: line.slice(toStart, end),
  };
}

function isExactly(line: string, start: number, word: string): boolean {
  return line.length - start === word.length && line.startsWith(word, start);
}

function unquoteCommand(command: string): string {
  const n = command.length;
  if (n >= 2 && command.charCodeAt(0) === 96 && command.charCodeAt(n - 1) === 96) {
    return command.slice(1, n - 1);
  }
  return command;
}

/** A `heroku[<dyno>]` message starting at `start` (the line has no trailing newline). */
export function parseDynoLine(line: string, start: number, env: Envelope): LogEvent | null {
  switch (line.charCodeAt(start)) {
    case 69: // E
      return parseRuntimeError(line, start, env);
    case 80: {
      // P
      if (line.startsWith("Process running mem=", start)) {
        const m = match(MEMORY_REPORT, line, start);
        if (m === null) return null;
        return {
          kind: "memory_report",
          ts: env.ts,
          tsMicros: env.tsMicros,
          time: env.time,
          source: env.source,
          proc: env.proc,
          dyno: env.dyno,
          dynoType: env.dynoType,
          memoryMb: Number(m[1]),
          percent: Number(m[2]),
        };
      }
      const m = match(PROCESS_EXIT, line, start);
      if (m === null) return null;
      return {
        kind: "process_exit",
        ts: env.ts,
        tsMicros: env.tsMicros,
        time: env.time,
        source: env.source,
        proc: env.proc,
        dyno: env.dyno,
        dynoType: env.dynoType,
        status: m[1] === undefined ? null : Number(m[1]),
      };
    }
    case 83: {
      // S
      if (line.startsWith("State changed from ", start)) return parseStateChange(line, start, env);
      if (line.startsWith("source=", start)) return parseRuntimeMetrics(line, start, env);
      if (line.startsWith("Stopping ", start)) {
        const m = match(STOPPING, line, start);
        return lifecycle(env, "stopping", null, m?.[1] ?? null);
      }
      if (line.startsWith("Starting process with command", start)) {
        const m = match(STARTING, line, start);
        if (m === null) return null;
        return lifecycle(env, "starting_process", unquoteCommand(m[1] ?? ""), null);
      }
      break;
    }
    case 67: // C
      if (isExactly(line, start, "Cycling")) return lifecycle(env, "cycling", null, null);
      if (line.startsWith("Client connection closed.", start)) {
        return lifecycle(
          env,
          "client_closed",
          null,
          line.includes("SIGHUP", start) ? "SIGHUP" : null,
        );
      }
      break;
    case 82: // R
      if (isExactly(line, start, "Restarting")) return lifecycle(env, "restarting", null, null);
      break;
    case 73: // I
      if (isExactly(line, start, "Idling")) return lifecycle(env, "idling", null, null);
      break;
    case 85: // U
      if (isExactly(line, start, "Unidling")) return lifecycle(env, "unidling", null, null);
      break;
    case 65: // A
      if (isExactly(line, start, "Awaiting client")) {
        return lifecycle(env, "awaiting_client", null, null);
      }
      break;
  }
  if (line.includes("sample#", start)) return parseRuntimeMetrics(line, start, env);
  return null;
}
