// Parser throughput: parseLogLine over a mixed corpus of realistic Heroku lines (PLATFORM.md §4),
// against the `logfmt` npm package on the same lines after a plain envelope split.
import logfmt from "logfmt";
import { parseDrainBody } from "../../lib/logs/parse-drain-body";
import { parseLogLine } from "../../lib/logs/parse-line";

const CORPUS_LINES = 1_000_000;
const PASSES = 5;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hex(random: () => number, n: number): string {
  let out = "";
  for (let i = 0; i < n; i++) out += "0123456789abcdef"[Math.floor(random() * 16)];
  return out;
}

function uuid(random: () => number): string {
  return `${hex(random, 8)}-${hex(random, 4)}-4${hex(random, 3)}-8${hex(random, 3)}-${hex(random, 12)}`;
}

const PATHS = [
  '"/api/orders?page=2"',
  '"/webhooks/stripe"',
  '"/"',
  '"/graphql"',
  '"/assets/app-3f9e.js"',
];
const HOSTS = ["acme-api-1f2e3d4c5b6a.herokuapp.com", "api.acme.io"];
const METHODS = ["GET", "GET", "GET", "POST", "PUT", "DELETE"];
const H_CODES: [string, string, string][] = [
  ["error", "H12", "Request timeout"],
  ["error", "H10", "App crashed"],
  ["error", "H13", "Connection closed without response"],
  ["warning", "H27", "Client Request Interrupted"],
  ["info", "H80", "Maintenance mode"],
];
const APP_MESSAGES = [
  "Server listening on port 41523",
  "method=GET path=/api/orders status=200 duration=12.4ms user_id=8812",
  "Error: connect ECONNREFUSED 10.0.0.12:6379",
  "[sidekiq] Job OrdersSyncJob done in 1.204 s",
  "I, [2025-03-04T09:41:12.337781 #4]  INFO -- : Completed 200 OK in 87ms (Views: 12.1ms | ActiveRecord: 41.8ms)",
];

function timestamp(base: number, i: number, random: () => number): string {
  const ms = base + i * 3;
  const iso = new Date(ms).toISOString();
  const micros = String(Math.floor(random() * 1000)).padStart(3, "0");
  return `${iso.slice(0, 23)}${micros}+00:00`;
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function makeLine(random: () => number, i: number): string {
  const ts = timestamp(Date.UTC(2025, 2, 4, 9), i, random);
  const web = `web.${1 + Math.floor(random() * 8)}`;
  const r = random();
  if (r < 0.7) {
    const tls =
      random() < 0.5 ? " protocol=http1.1 tls=true tls_version=tls1.3" : " protocol=https";
    return `${ts} heroku[router]: at=info method=${pick(random, METHODS)} path=${pick(random, PATHS)} host=${pick(random, HOSTS)} request_id=${uuid(random)} fwd="203.0.113.${Math.floor(random() * 255)}" dyno=${web} connect=${Math.floor(random() * 3)}ms service=${Math.floor(random() * 900)}ms status=${random() < 0.97 ? 200 : 500} bytes=${Math.floor(random() * 20000)}${tls}`;
  }
  if (r < 0.75) {
    const [at, code, desc] = pick(random, H_CODES);
    const sock = code === "H27" ? "sock=client " : "";
    return `${ts} heroku[router]: ${sock}at=${at} code=${code} desc="${desc}" method=POST path="/api/reports/export" host=api.acme.io request_id=${uuid(random)} fwd="198.51.100.23" dyno=${web} connect=0ms service=30000ms status=503 bytes=0 protocol=http1.1 tls=true tls_version=tls1.3`;
  }
  const instance = `heroku.187733219.${uuid(random)}`;
  if (r < 0.8) {
    return `${ts} heroku[${web}]: source=${web} dyno=${instance} sample#load_avg_1m=${(random() * 2).toFixed(2)} sample#load_avg_5m=0.31 sample#load_avg_15m=0.27`;
  }
  if (r < 0.85) {
    return `${ts} heroku[${web}]: source=${web} dyno=${instance} sample#memory_total=${(300 + random() * 200).toFixed(2)}MB sample#memory_rss=381.77MB sample#memory_cache=16.36MB sample#memory_swap=0.00MB sample#memory_pgpgin=214406pages sample#memory_pgpgout=116350pages sample#memory_quota=512.00MB`;
  }
  if (r < 0.86) {
    return random() < 0.5
      ? `${ts} heroku[${web}]: Process running mem=${500 + Math.floor(random() * 200)}M(119.5%)`
      : `${ts} heroku[${web}]: Error R14 (Memory quota exceeded)`;
  }
  if (r < 0.865) {
    return `${ts} heroku[worker.1]: Error R12 (Exit timeout) -> At least one process failed to exit within 30 seconds of SIGTERM`;
  }
  if (r < 0.89) {
    return random() < 0.6
      ? `${ts} heroku[${web}]: State changed from starting to up`
      : `${ts} heroku[${web}]: Process exited with status 143`;
  }
  if (r < 0.99) return `${ts} app[${web}]: ${pick(random, APP_MESSAGES)}`;
  if (r < 0.995) {
    return `${ts} app[heroku-postgres]: source=DATABASE addon=postgresql-rugged-51877 sample#current_transaction=46031982 sample#db_size=1874059311bytes sample#tables=87 sample#active-connections=23 sample#waiting-connections=0 sample#index-cache-hit-rate=0.99912 sample#table-cache-hit-rate=0.99856 sample#load-avg-1m=0.125 sample#load-avg-5m=0.09 sample#load-avg-15m=0.08 sample#read-iops=0.51667 sample#write-iops=12.4 sample#tmp-disk-used=40173568 sample#tmp-disk-available=72938614784 sample#memory-total=16070764kB sample#memory-free=253920kB sample#memory-cached=14836300kB sample#memory-postgres=441620kB sample#wal-percentage-used=0.0659`;
  }
  return `${ts} app[api]: Release v${100 + Math.floor(random() * 50)} created by user dev@acme.io`;
}

/**
 * The corpus as log-session readers see it: lines split from larger blocks of text, so each is a
 * slice of a bigger string.
 */
function makeParserCorpus(lines: number, seed = 42): string[] {
  const random = mulberry32(seed);
  const corpus: string[] = [];
  const block: string[] = [];
  for (let i = 0; i < lines; i++) {
    block.push(makeLine(random, i));
    if (block.length === 10_000 || i === lines - 1) {
      for (const line of block.join("\n").split("\n")) corpus.push(line);
      block.length = 0;
    }
  }
  return corpus;
}

/** Each line its own flat string, as a reader that decodes line by line hands them over. */
function asDecodedLines(corpus: string[]): string[] {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  return corpus.map((line) => decoder.decode(encoder.encode(line)));
}

/** The corpus as Heroku's drain posts it: logplex frames, ~100 KB bodies (PLATFORM.md §6.2). */
function asDrainBodies(corpus: string[]): Buffer[] {
  const bodies: Buffer[] = [];
  let frames: string[] = [];
  let size = 0;
  for (const line of corpus) {
    const open = line.indexOf("[");
    const close = line.indexOf("]: ", open);
    const space = line.indexOf(" ");
    const msg = `<190>1 ${line.slice(0, space)} host ${line.slice(space + 1, open)} ${line.slice(open + 1, close)} - ${line.slice(close + 3)}\n`;
    const frame = `${Buffer.byteLength(msg)} ${msg}`;
    frames.push(frame);
    size += frame.length;
    if (size > 100_000) {
      bodies.push(Buffer.from(frames.join("")));
      frames = [];
      size = 0;
    }
  }
  if (frames.length > 0) bodies.push(Buffer.from(frames.join("")));
  return bodies;
}

function timeDrainPass(bodies: Buffer[]): number {
  const start = process.hrtime.bigint();
  let lines = 0;
  let sink = 0;
  for (const body of bodies) {
    const parsed = parseDrainBody(body);
    for (const line of parsed.lines) sink += parseLogLine(line).kind.length;
    lines += parsed.lines.length;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (sink < 0) process.stderr.write("unreachable\n");
  return lines / seconds;
}

function timePass(corpus: string[], run: (corpus: string[]) => number): number {
  const start = process.hrtime.bigint();
  const sink = run(corpus);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (sink < 0) process.stderr.write("unreachable\n");
  return corpus.length / seconds;
}

function runParser(corpus: string[]): number {
  let sink = 0;
  for (let i = 0; i < corpus.length; i++) sink += parseLogLine(corpus[i] as string).kind.length;
  return sink;
}

function runLogfmt(corpus: string[]): number {
  let sink = 0;
  for (let i = 0; i < corpus.length; i++) {
    const line = corpus[i] as string;
    const split = line.indexOf("]: ");
    const fields = logfmt.parse(split === -1 ? line : line.slice(split + 3));
    if (fields.at !== undefined) sink++;
  }
  return sink;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

function kLines(rates: number[]): string {
  return rates.map((rate) => Math.round(rate / 1000)).join(", ");
}

export async function benchParser(): Promise<void> {
  const sliced = makeParserCorpus(CORPUS_LINES);
  const decoded = asDecodedLines(sliced);
  const bytes = sliced.reduce((sum, line) => sum + line.length + 1, 0);
  print(`parser: corpus of ${sliced.length} lines, ${(bytes / 1e6).toFixed(1)} MB`);
  const counts = new Map<string, number>();
  for (const line of decoded) {
    const kind = parseLogLine(line).kind;
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  const mix = [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([kind, n]) => `${kind} ${((100 * n) / decoded.length).toFixed(1)}%`);
  print(`parser: mix ${mix.join(", ")}`);

  // Passes alternate between the two parsers so a busy machine slows both alike.
  runParser(decoded);
  runLogfmt(decoded);
  const parser: number[] = [];
  const reference: number[] = [];
  for (let pass = 0; pass < PASSES; pass++) {
    parser.push(timePass(decoded, runParser));
    reference.push(timePass(decoded, runLogfmt));
  }
  const sliceRates: number[] = [];
  runParser(sliced);
  for (let pass = 0; pass < PASSES; pass++) sliceRates.push(timePass(sliced, runParser));

  const bodies = asDrainBodies(sliced);
  timeDrainPass(bodies);
  const drainRates: number[] = [];
  for (let pass = 0; pass < PASSES; pass++) drainRates.push(timeDrainPass(bodies));

  const parserRate = median(parser);
  const logfmtRate = median(reference);
  print(`parser: parseLogLine, one flat string per line (k lines/s): ${kLines(parser)}`);
  print(`parser: logfmt.parse on the message, same lines (k lines/s): ${kLines(reference)}`);
  print(
    `parser: parseLogLine, lines sliced from larger text (k lines/s): ${kLines(sliceRates)}; median ${Math.round(median(sliceRates))}`,
  );
  print(
    `parser: parseDrainBody + parseLogLine, the same lines in ${bodies.length} drain bodies of ~100 KB (k lines/s): ${kLines(drainRates)}`,
  );
  print(`BENCH parser_lines_per_s ${Math.round(parserRate)}`);
  print(`BENCH logfmt_lines_per_s ${Math.round(logfmtRate)}`);
  print(`BENCH parser_vs_logfmt ${(parserRate / logfmtRate).toFixed(2)}`);
}
