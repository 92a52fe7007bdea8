// `npm run logs:parse [FILE]`: Heroku log lines from FILE (or stdin) → one JSON event per line on
// stdout, in order. Nothing else goes to stdout; problems go to stderr with a non-zero exit.

import { once } from "node:events";
import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";
import { parseLogLine } from "../lib/logs/parse-line";

const FLUSH_BYTES = 64 * 1024;

async function write(text: string): Promise<void> {
  if (!process.stdout.write(text)) await once(process.stdout, "drain");
}

// Split on "\n" only (readline would also split on a lone "\r" inside a line).
async function parseStream(input: Readable): Promise<void> {
  input.setEncoding("utf8");
  let rest = "";
  let out = "";
  for await (const chunk of input) {
    const text: string = rest + chunk;
    let start = 0;
    let newline = text.indexOf("\n");
    while (newline !== -1) {
      out += `${JSON.stringify(parseLogLine(text.slice(start, newline)))}\n`;
      start = newline + 1;
      newline = text.indexOf("\n", start);
    }
    rest = text.slice(start);
    if (out.length >= FLUSH_BYTES) {
      await write(out);
      out = "";
    }
  }
  if (rest.length > 0) out += `${JSON.stringify(parseLogLine(rest))}\n`;
  if (out.length > 0) await write(out);
}

async function main() {
  const file = process.argv[2];
  if (process.argv.length > 3 || file === "--help" || file === "-h") {
    process.stderr.write("usage: npm run logs:parse [FILE]   (reads stdin without FILE)\n");
    process.exit(2);
  }
  // A closed pipe (`| head`) is a normal way to stop reading.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
    throw error;
  });
  await parseStream(file && file !== "-" ? createReadStream(file) : process.stdin);
}

main().catch((error: unknown) => {
  process.stderr.write(`logs:parse: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
