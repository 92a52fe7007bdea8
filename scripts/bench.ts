// `npm run bench`: throughput benchmarks, one module per subject under scripts/bench/. Timings
// live here, never in tests.
import { benchParser } from "./bench/parser";

async function main() {
  await benchParser();
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
