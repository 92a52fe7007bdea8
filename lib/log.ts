// Structured JSON log lines. Nothing else calls console.*. Secrets are cut structurally, so a call
// site that logs a whole error or request cannot leak one: values under secret-looking keys, SQL
// parameter lists (as fields and inside drizzle's "Failed query … params: …" text), passwords in
// URLs, drain secrets in paths, password hashes, API tokens, webhook secrets and Authorization
// values anywhere in a string. guardConsole() applies the same to what libraries print themselves.
import { format, inspect } from "node:util";
import { getConfig } from "@/lib/config";

const levels = { debug: 10, info: 20, warn: 30, error: 40 } as const;
type Level = keyof typeof levels;
type Fields = Record<string, unknown>;

const SECRET_KEY =
  /key|token|secret|passw|authorization|cookie|credential|hash|salt|signature|ciphertext/i;
/** A query's bound values (drizzle's `params`, postgres-js's `parameters`): dropped, never masked. */
const SQL_PARAMS_KEY = /^(params|parameters)$/i;

/** drizzle's DrizzleQueryError says "Failed query: <sql>\nparams: <values>": keep the SQL only. */
const SQL_PARAMS_RULES: [RegExp, string][] = [
  [/(Failed query:[\s\S]*?)\s*\bparams:[\s\S]*$/, "$1 params: ***"],
  [/(^|\n)params:[\s\S]*$/, "$1params: ***"],
];

/** Secrets inside any text; each replacement keeps enough to say what was there. */
const SECRET_RULES: [RegExp, string][] = [
  // scheme://user:password@host (database, Redis and check URLs; drain URLs with the secret)
  [/(\b[a-z][a-z0-9+.-]*:\/\/)([^:/?#@\s]*):([^@/?#\s]*)@/gi, "$1$2:***@"],
  // the old drain path form /api/drains/<id>.<secret>: keep the id, whatever follows it goes
  [/(\/api\/drains\/)([A-Za-z0-9-]*)([^A-Za-z0-9\s/?#"'<>-][^\s/?#"'<>]*)/g, "$1$2.***"],
  // lib/auth/password.ts: scrypt$N$r$p$salt$hash
  [/\bscrypt\$[^\s,"'`)\]}]*/g, "scrypt$***"],
  // lib/auth/api-tokens.ts: dm_ + 43 characters (the 7 shown in the token list stay readable)
  [/\bdm_[A-Za-z0-9_-]{8,}/g, "dm_***"],
  // webhook signing secrets
  [/\bwhsec_[A-Za-z0-9_+/=-]+/g, "whsec_***"],
  // Authorization header values quoted in messages (Basic carries a drain secret)
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=:-]{6,}/gi, "$1 ***"],
];

function applyRules(value: string, rules: [RegExp, string][]): string {
  let out = value;
  for (const [pattern, replacement] of rules) out = out.replace(pattern, replacement);
  return out;
}

export function redactString(value: string): string {
  return applyRules(applyRules(value, SQL_PARAMS_RULES), SECRET_RULES);
}

function redactError(error: Error, depth: number): Record<string, unknown> {
  // Only what helps and is safe: never an error's own fields (a postgres-js or PGlite error carries
  // the query's parameters, a PostgresError's `detail` quotes the offending value).
  const code = (error as { code?: unknown }).code;
  return {
    name: error.name,
    message: redactString(error.message),
    ...(typeof code === "string" && /^[A-Za-z0-9_]{1,40}$/.test(code) ? { code } : {}),
    ...(error.cause !== undefined && error.cause !== null
      ? { cause: redact(error.cause, depth + 1) }
      : {}),
  };
}

/** Returns a copy of `value` that is safe to log (see the header). */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6) return "[deep]";
  if (typeof value === "string") return redactString(value);
  if (value instanceof Error) return redactError(value, depth);
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (SQL_PARAMS_KEY.test(key)) continue;
      out[key] =
        SECRET_KEY.test(key) && item !== undefined && item !== null
          ? "***"
          : redact(item, depth + 1);
    }
    return out;
  }
  return value;
}

function threshold(): number {
  try {
    return levels[getConfig().logLevel];
  } catch {
    return levels.info;
  }
}

/** One JSON line, redacted. Exported for tests, which read lines without a console. */
export function formatLine(level: Level, message: string, fields?: Fields, now = new Date()) {
  return JSON.stringify({
    time: now.toISOString(),
    level,
    msg: redactString(message),
    ...(fields ? (redact(fields) as Fields) : {}),
  });
}

function write(level: Level, message: string, fields?: Fields): void {
  if (levels[level] < threshold()) return;
  const line = formatLine(level, message, fields);
  if (level === "error" || level === "warn") console.error(line);
  else console.log(line);
}

export const log = {
  debug: (message: string, fields?: Fields) => write("debug", message, fields),
  info: (message: string, fields?: Fields) => write("info", message, fields),
  warn: (message: string, fields?: Fields) => write("warn", message, fields),
  error: (message: string, fields?: Fields) => write("error", message, fields),
};

/** An error as text for a console line: name, redacted message, stack frames, causes; no fields. */
function describeError(error: Error, depth = 0): string {
  const frames = (error.stack ?? "").split("\n").filter((line) => /^\s+at /.test(line));
  const head = `${error.name}: ${redactString(error.message)}`;
  const cause =
    error.cause === undefined || error.cause === null || depth > 4
      ? ""
      : `\n[cause] ${
          error.cause instanceof Error
            ? describeError(error.cause, depth + 1)
            : inspect(redact(error.cause), { depth: 4, breakLength: Infinity })
        }`;
  return [head, ...frames.map(redactString)].join("\n") + cause;
}

const CONSOLE_METHODS = ["log", "info", "warn", "error", "debug", "trace"] as const;
let consoleGuarded = false;

/**
 * Routes every console line through the redaction, for what Next, Auth.js and the drivers print
 * themselves (Next prints a page's uncaught error with util.inspect: a drizzle error's message
 * and fields, bound parameters included). Idempotent; called once at server start.
 */
export function guardConsole(target: Console = console): void {
  if (target === console && consoleGuarded) return;
  if (target === console) consoleGuarded = true;
  for (const method of CONSOLE_METHODS) {
    const original = target[method].bind(target);
    target[method] = (...args: unknown[]) => {
      const safe = args.map((arg) =>
        arg instanceof Error
          ? describeError(arg)
          : typeof arg === "string"
            ? redactString(arg)
            : typeof arg === "object" && arg
              ? redact(arg)
              : arg,
      );
      // each argument is redacted whole (a "params:" cut ends at its end); the joined line again
      // for a secret split across arguments
      original(applyRules(format(...safe), SECRET_RULES));
    };
  }
}
