// `npm run test:logscan`: after the e2e and fault runs, greps every server log they left in
// .data/logs for the secrets they planted and for secret-shaped text. Prints each leak with the
// secret cut out, then "logscan: N passed, M failed" (log files clean, log files with a leak).
import { relative } from "node:path";
import { LOG_DIR, scanLogDir } from "../lib/testing/log-scan";

const report = scanLogDir(LOG_DIR);
if (report.files.length === 0) {
  process.stdout.write(
    `no server logs in ${relative(process.cwd(), LOG_DIR)}: run the e2e or fault suite first\n`,
  );
  process.stdout.write("\nlogscan: 0 passed, 1 failed\n");
  process.exit(1);
}
const leaky = new Set(report.leaks.map((leak) => leak.file));
for (const file of report.files) {
  const leaks = report.leaks.filter((leak) => leak.file === file);
  process.stdout.write(
    `${relative(process.cwd(), file)}: ${leaks.length === 0 ? "clean" : `${leaks.length} leaks`}\n`,
  );
  for (const leak of leaks.slice(0, 20)) {
    process.stdout.write(`  line ${leak.line}: ${leak.rule}: ${leak.excerpt}\n`);
  }
  if (leaks.length > 20) process.stdout.write(`  … and ${leaks.length - 20} more\n`);
}
process.stdout.write(
  `\nlogscan: ${report.files.length - leaky.size} passed, ${leaky.size} failed\n`,
);
process.exit(leaky.size === 0 ? 0 : 1);
