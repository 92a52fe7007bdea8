// `npm run simulator`: a standalone Heroku simulator (tests, e2e, benchmarks). Stdout carries
// exactly three lines, SIMULATOR_URL, HEROKU_API_KEY and SCENARIO_TOKEN; anything else goes to stderr.
import "./load-env";
import { ConfigError, getConfig } from "../lib/config";
import { startSimulator } from "../lib/heroku/simulator";

async function main() {
  const config = getConfig();
  const simulator = await startSimulator({
    port: config.simulator.port,
    apiKey: config.heroku.apiKey,
    scenarioToken: config.simulator.scenarioToken,
    seed: config.simulator.seed,
    apps: config.simulator.apps,
  });
  process.stdout.write(
    `SIMULATOR_URL=${simulator.url}\nHEROKU_API_KEY=${simulator.apiKey}\nSCENARIO_TOKEN=${simulator.scenarioToken}\n`,
  );
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    simulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof ConfigError || error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
