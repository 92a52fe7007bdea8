// The log scan: server logs must never carry a drain secret, a password or its hash, a token, a key,
// a check credential or a raw SQL parameter list. Test runs plant known values (a manifest next to
// each log file) and the scan greps every log for them, in the forms they travel in, and for the
// shapes of such values whatever their origin.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Where test runs write server logs and their manifests (gitignored). */
export const LOG_DIR = join(process.cwd(), ".data", "logs");

export type PlantedSecret = { name: string; value: string };

export type LeakRule = { name: string; pattern: RegExp };

/** Shapes no log line may hold, whichever value fills them. */
export const LEAK_RULES: readonly LeakRule[] = [
  {
    name: "drain secret in a path",
    pattern: /\/api\/drains\/[0-9a-fA-F-]{36}(?:\.|%2[eE])[A-Za-z0-9_-]{16,}/,
  },
  { name: "password hash", pattern: /scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9_-]{8,}\$/ },
  { name: "API token", pattern: /\bdm_[A-Za-z0-9_-]{43}/ },
  { name: "Basic credentials", pattern: /\bBasic\s+[A-Za-z0-9+/]{12,}={0,2}/ },
  { name: "bearer token", pattern: /\bBearer\s+(?!\*)[A-Za-z0-9._~+/-]{16,}/ },
  {
    name: "password in a URL",
    pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@"'*]*:(?!\*+@)[^\s@/"']+@/,
  },
  // drizzle's "Failed query: <sql>\nparams: <values>", unless the values were cut to ***
  { name: "SQL parameters", pattern: /(?:^|\\n|[\s"'])params:\s+(?!\*\*\*(?:["\s,}]|$))\S/ },
];

export type Leak = {
  file: string;
  line: number;
  rule: string;
  /** The offending line, with the matched text cut so the report does not repeat the leak. */
  excerpt: string;
};

/** The forms a planted value travels in: as is, percent-encoded, JSON-escaped. */
export function secretForms(value: string): string[] {
  const forms = new Set([value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)]);
  return [...forms].filter((form) => form.length >= 8);
}

type Span = { start: number; length: number; rule: string };

/** The line around `first` with every matched span cut, so a report never repeats a leak. */
function excerpt(line: string, spans: readonly Span[], first: Span): string {
  let text = "";
  let at = 0;
  for (const span of [...spans].sort((a, b) => a.start - b.start)) {
    if (span.start < at) continue;
    text += `${line.slice(at, span.start)}[cut ${span.length} chars]`;
    at = span.start + span.length;
  }
  text += line.slice(at);
  const offset = text.indexOf("[cut ", Math.max(0, first.start - 60));
  return text.slice(Math.max(0, offset - 60), offset + 120);
}

/** Every occurrence of every planted form and rule in `line`. */
function spansOf(
  line: string,
  forms: readonly { name: string; form: string }[],
  rules: readonly LeakRule[],
): Span[] {
  const spans: Span[] = [];
  for (const { name, form } of forms) {
    for (let start = line.indexOf(form); start !== -1; start = line.indexOf(form, start + 1)) {
      spans.push({ start, length: form.length, rule: `planted ${name}` });
    }
  }
  for (const rule of rules) {
    for (const match of line.matchAll(new RegExp(rule.pattern.source, `${rule.pattern.flags}g`))) {
      spans.push({ start: match.index, length: match[0].length, rule: rule.name });
    }
  }
  return spans;
}

/** Every leak in one log's text: planted values first, then the shapes of LEAK_RULES. */
export function scanLog(
  file: string,
  text: string,
  planted: readonly PlantedSecret[],
  rules: readonly LeakRule[] = LEAK_RULES,
): Leak[] {
  const forms = planted.flatMap(({ name, value }) =>
    secretForms(value).map((form) => ({ name, form })),
  );
  return text.split("\n").flatMap((line, index) => {
    const spans = spansOf(line, forms, rules);
    // one leak per rule and line; the excerpt cuts every span
    const firsts = spans.filter((span, i) => spans.findIndex((s) => s.rule === span.rule) === i);
    return firsts.map((span) => ({
      file,
      line: index + 1,
      rule: span.rule,
      excerpt: excerpt(line, spans, span),
    }));
  });
}

const manifestPath = (logFile: string) => logFile.replace(/\.log$/, ".secrets.json");

/** Records the values a run planted, next to its log file. */
export function writePlanted(logFile: string, planted: readonly PlantedSecret[]): void {
  mkdirSync(join(logFile, ".."), { recursive: true });
  writeFileSync(manifestPath(logFile), `${JSON.stringify(planted, null, 2)}\n`);
}

export type ScanReport = { files: string[]; leaks: Leak[] };

/**
 * Scans every `*.log` under `dir` for every value planted by any run (a secret belongs in no log)
 * and for LEAK_RULES.
 */
export function scanLogDir(dir: string = LOG_DIR): ScanReport {
  if (!existsSync(dir)) return { files: [], leaks: [] };
  const names = readdirSync(dir).sort();
  const files = names.filter((name) => name.endsWith(".log")).map((name) => join(dir, name));
  const planted = names
    .filter((name) => name.endsWith(".secrets.json"))
    .flatMap((name) => JSON.parse(readFileSync(join(dir, name), "utf8")) as PlantedSecret[]);
  return {
    files,
    leaks: files.flatMap((file) => scanLog(file, readFileSync(file, "utf8"), planted)),
  };
}
