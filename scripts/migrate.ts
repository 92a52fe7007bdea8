// `npm run db:migrate`: applies pending migrations to DATABASE_URL, or to the embedded PGlite
// directory when no server holds it.
import "./load-env";
import { countUsers } from "../lib/auth/service";
import { setupTokenFor, setupTokenRequired } from "../lib/auth/setup-token";
import { ConfigError, getConfig, resolveAuthSecret } from "../lib/config";
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
  if (setupTokenRequired(config) && (await countUsers({ db: handle.db })) === 0) {
    // the Deploy button's release phase: no admin yet and none configured, so /setup demands this
    // token (an HMAC of AUTH_SECRET; useless once the first admin exists)
    const where = config.appUrlSet ? `${config.appUrl}/setup` : "https://<your app>/setup";
    process.stdout.write(
      `No admin exists yet. Setup token: ${setupTokenFor(resolveAuthSecret(config).secret)} (open ${where} and paste it)\n`,
    );
  }
  await closeDb();
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof ConfigError || error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
