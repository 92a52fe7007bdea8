// The web server's checks before Next loads (scripts/start.mjs runs this in its own process, from
// dist/boot.mjs): the settings parse, and AUTH_SECRET is known (for the embedded defaults, generated
// once into the data directory). A bad setting ends the process with its message, before any port
// is bound.
import "./load-env";
import { ConfigError, getConfig, resolveAuthSecret } from "../lib/config";

export type Boot = { port: number; appUrl: string; authSecret: string };

export function boot(): Boot {
  let config: ReturnType<typeof getConfig>;
  try {
    config = getConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const { secret, generated } = resolveAuthSecret(config);
  if (generated) {
    process.stdout.write(
      `AUTH_SECRET is not set: generated one into ${config.dataDir}/auth-secret\n`,
    );
  }
  return { port: config.port, appUrl: config.appUrl, authSecret: secret };
}
