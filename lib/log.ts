// Structured JSON log lines; secrets are redacted by key. Nothing else calls console.*.
import { getConfig } from "@/lib/config";

const levels = { debug: 10, info: 20, warn: 30, error: 40 } as const;
type Level = keyof typeof levels;
type Fields = Record<string, unknown>;

const SECRET_KEY = /key|token|secret|password|authorization|cookie/i;
const URL_CREDENTIALS = /(\w+:\/\/)([^:/@\s]+):([^@/\s]+)@/g;

/** Replaces values under secret-looking keys and passwords inside URLs. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6) return "[deep]";
  if (typeof value === "string") return value.replace(URL_CREDENTIALS, "$1$2:***@");
  if (value instanceof Error) {
    return {
      name: value.name,
      message: redact(value.message, depth + 1),
      ...(value.cause ? { cause: redact(value.cause, depth + 1) } : {}),
    };
  }
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        SECRET_KEY.test(key) && item !== undefined && item !== null
          ? "***"
          : redact(item, depth + 1),
      ]),
    );
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

function write(level: Level, message: string, fields?: Fields): void {
  if (levels[level] < threshold()) return;
  const line = JSON.stringify({
    time: new Date().toISOString(),
    level,
    msg: redact(message),
    ...(fields ? (redact(fields) as Fields) : {}),
  });
  if (level === "error" || level === "warn") console.error(line);
  else console.log(line);
}

export const log = {
  debug: (message: string, fields?: Fields) => write("debug", message, fields),
  info: (message: string, fields?: Fields) => write("info", message, fields),
  warn: (message: string, fields?: Fields) => write("warn", message, fields),
  error: (message: string, fields?: Fields) => write("error", message, fields),
};
