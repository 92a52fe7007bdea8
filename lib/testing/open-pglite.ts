// Child process for the PGlite one-process test: tries to open the directory given as argv[2].
import { sql } from "drizzle-orm";
import { openDatabase } from "@/lib/db/client";

async function main() {
  const handle = openDatabase({ pgliteDir: process.argv[2] ?? "" });
  await handle.db.execute(sql`select 1`);
  await handle.close();
  process.stdout.write("opened\n");
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`,
  );
  process.exit(3);
});
