// `npm run bench`: throughput benchmarks, one module per subject under scripts/bench/. Timings
// live here, never in tests.
import "./load-env";
import { benchChart } from "./bench/chart";
import { benchDrain } from "./bench/drain";
import { benchParser } from "./bench/parser";

async function main() {
  await benchParser();
  // read directly: getConfig() would also demand AUTH_SECRET, which the benchmark does not need
  await benchDrain(process.env.DATABASE_URL || undefined);
  await benchChart(process.env.DATABASE_URL || undefined);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
