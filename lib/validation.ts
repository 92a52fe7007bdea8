// What every schema that takes input from people shares: text that can be stored as typed (Postgres
// text and jsonb cannot hold U+0000; a lone UTF-16 surrogate is silently stored as U+FFFD), strict
// whole numbers in query strings, and the form layer's reading of number fields. Pure: zod only.
import { z } from "zod";

const CONTROL = /\p{Cc}/u;
/** Tab, line feed and carriage return are what a multi-line field (a textarea) may hold. */
const CONTROL_BUT_LINES = /(?![\t\n\r])\p{Cc}/u;

const codePoint = (char: string) =>
  `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;

/** Why `value` cannot be stored as typed, or null when it can. */
export function textProblem(value: string, options: { multiline?: boolean } = {}): string | null {
  if (!value.isWellFormed()) {
    return "Contains a broken character (a lone UTF-16 surrogate): send well-formed Unicode text.";
  }
  const match = (options.multiline ? CONTROL_BUT_LINES : CONTROL).exec(value);
  if (!match) return null;
  const char = match[0];
  if (char === "\0") return "Contains a NUL character (U+0000), which cannot be stored: remove it.";
  if (char === "\n" || char === "\r") {
    return `Contains a line break (${codePoint(char)}): keep it on one line.`;
  }
  return `Contains a control character (${codePoint(char)}): remove it.`;
}

/**
 * A string from a person, trimmed unless `trim: false`: refused (with the reason) when it holds NUL
 * or another control character (tab and line breaks only when `multiline`) or a lone surrogate.
 * `error` is the message for a value that is not a string. Chain min/max/regex after it.
 */
export function text(options: { error?: string; multiline?: boolean; trim?: boolean } = {}) {
  const base = options.error === undefined ? z.string() : z.string({ error: options.error });
  return (options.trim === false ? base : base.trim()).superRefine((value, ctx) => {
    const problem = textProblem(value, options);
    // one clear reason: the field's own checks (a regex, a length) would only add noise
    if (problem) ctx.addIssue({ code: "custom", message: problem, continue: false });
  });
}

/**
 * The message of a number field that got something else. The API takes JSON numbers only, so text
 * (even "3") is told so; a form's unreadable number text arrives as NaN (formNumber).
 */
export function numberError(what: string) {
  return (issue: { input?: unknown }) =>
    typeof issue.input === "string"
      ? `${what} must be a JSON number, like 3, not text`
      : `${what} must be a number`;
}

/** Whole numbers in a query string: digits only ("0x3", "3e0", " 3 ", "-1" and "" are refused). */
export function queryInt(what: string, range: { min: number; max: number }) {
  return z
    .string({ error: `${what} must be a whole number` })
    .regex(/^\d{1,15}$/, { error: `${what} must be a whole number, written with digits only` })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(range.min, { error: `${what} must be at least ${range.min}` })
        .max(range.max, { error: `${what} must be at most ${range.max}` }),
    );
}

/** What an HTML number input may post ("3", "-0.5", ".5", "1e3"), per the HTML number grammar. */
const NUMBER_TEXT = /^-?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A form's number field as the API would send it: blank → undefined, number text → that number,
 * other text → NaN, which the strict schema refuses under the field's name ("… must be a number").
 */
export function formNumber(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const trimmed = value.trim();
  if (trimmed === "") return undefined;
  return NUMBER_TEXT.test(trimmed) ? Number(trimmed) : Number.NaN;
}
