// `npm run db:migrate`: applies pending migrations to DATABASE_URL, or to the embedded PGlite
// directory when no server holds it.
import "./load-env";
import { ConfigError, getConfig } from "../lib/config";
import { closeDb, getDbHandle } from "../lib/db/client";
import { migrationStatus, runMigrations } from "../lib/db/migrate";

async function main() {
  const config = getConfig();
  const handle = getDbHandle();
  await runMigrations(handle);
  const status = await migrationStatus(handle);
  process.stdout.write(
    `Migrations applied: ${status.applied} of ${status.expected} (${handle.driver === "postgres" ? "Postgres" : `PGlite in ${config.pgliteDir}`})\n`,
  );
  await closeDb();
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof ConfigError || error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
