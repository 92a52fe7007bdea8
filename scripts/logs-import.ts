// `npm run logs:import -- --app APP FILE`: backfills a saved `heroku logs` output into the store.
// Lines already stored are skipped (fingerprints), so importing twice is harmless.
import "./load-env";
import { createReadStream, statSync } from "node:fs";
import { createInterface } from "node:readline";
import { getAppByNameForImport } from "../lib/apps/lookup";
import { getConfig } from "../lib/config";
import { closeDb, getDb, getDbHandle } from "../lib/db/client";
import { runMigrations } from "../lib/db/migrate";
import { storeLines } from "../lib/ingest/store";

const BATCH = 5000;

function usage(message: string): never {
  process.stderr.write(`${message}\nUsage: npm run logs:import -- --app APP FILE\n`);
  process.exit(2);
}

function progress(done: number, total: number, lines: number) {
  const width = 30;
  const filled = total > 0 ? Math.round((done / total) * width) : width;
  const percent = total > 0 ? Math.round((done / total) * 100) : 100;
  process.stderr.write(
    `\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${percent}% ${lines} lines`,
  );
}

async function main() {
  const args = process.argv.slice(2);
  const appIndex = args.indexOf("--app");
  const appName = appIndex === -1 ? undefined : args[appIndex + 1];
  const file = args.filter((_, i) => i !== appIndex && i !== appIndex + 1)[0];
  if (!appName) usage("Name the app with --app.");
  if (!file) usage("Name the file to import.");
  getConfig();
  await runMigrations(getDbHandle());
  const app = await getAppByNameForImport(getDb(), appName);
  if (!app) usage(`No app named ${appName}: sync the account first (Apps page, Sync now).`);

  const total = statSync(file).size;
  const stream = createReadStream(file);
  const reader = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  let batch: string[] = [];
  const totals = { read: 0, events: 0, duplicates: 0, unparsed: 0, repaired: 0 };
  const flush = async () => {
    const result = await storeLines(getDb(), { appId: app.id, lines: batch });
    totals.read += result.read;
    totals.events += result.events;
    totals.duplicates += result.duplicates;
    totals.unparsed += result.unparsed;
    totals.repaired += result.repaired;
    batch = [];
    progress(stream.bytesRead, total, totals.read);
  };
  for await (const line of reader) {
    batch.push(line);
    if (batch.length >= BATCH) await flush();
  }
  if (batch.length) await flush();
  progress(total, total, totals.read);
  process.stderr.write("\n");
  process.stdout.write(
    `Imported ${totals.read} lines into ${app.name}: ${totals.events} new events, ${totals.duplicates} already stored, ${totals.unparsed} not log lines${totals.repaired > 0 ? `, ${totals.repaired} with NUL or invalid characters replaced` : ""}.\n`,
  );
  await closeDb();
}

main().catch((error: unknown) => {
  process.stderr.write(`\n${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
