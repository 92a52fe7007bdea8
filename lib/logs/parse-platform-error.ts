// Logging-pipeline errors (L-codes) from `heroku[logplex]` and `app[log-shuttle]`, PLATFORM.md §4.7.
import type { Envelope, PlatformErrorEvent } from "./types";

// §4.11 rule 4: the code may sit anywhere in the message (`Error L10 (...)`, `L11 (...) -> ...`).
const L_CODE = /(?:^|[^A-Za-z0-9])(L\d\d)(?![0-9])(?: \(([^)]*)\))?/;
const DROPPED = /(\d+) messages (?:dropped|lost)|dropped (\d+) messages/;
const DRAIN = /drain '([^']*)'/;
const SINCE = /since (\S+?)\.?$/;

export function parsePlatformError(
  line: string,
  start: number,
  env: Envelope,
): PlatformErrorEvent | null {
  const message = line.slice(start);
  const code = L_CODE.exec(message);
  if (code === null) return null;
  const dropped = DROPPED.exec(message);
  const count = dropped === null ? null : (dropped[1] ?? dropped[2]);
  return {
    kind: "platform_error",
    ts: env.ts,
    tsMicros: env.tsMicros,
    time: env.time,
    source: env.source,
    proc: env.proc,
    dyno: env.dyno,
    dynoType: env.dynoType,
    code: code[1] ?? "",
    title: code[2] ?? null,
    dropped: count === undefined || count === null ? null : Number(count),
    drainToken: DRAIN.exec(message)?.[1] ?? null,
    since: SINCE.exec(message)?.[1] ?? null,
    message,
  };
}
