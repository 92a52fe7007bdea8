// Which Heroku the console talks to: the account of HEROKU_API_KEY, or, with no key, the embedded
// simulator's demo account (the one demo-mode switch allowed to start lib/heroku/simulator).
import "server-only";
import { randomBytes } from "node:crypto";
import { getConfig } from "@/lib/config";
import { log } from "@/lib/log";
import { createHerokuClient, type HerokuClient } from "./client";

export type HerokuConnection = {
  apiUrl: string;
  apiKey: string;
  demo: boolean;
  /** Demo mode only: the bearer for the simulator's scenario API. */
  scenarioToken?: string;
};

type Store = {
  connection?: Promise<HerokuConnection>;
  clients: Map<string, HerokuClient>;
  closeSimulator?: () => Promise<void>;
};

const storeKey = Symbol.for("dyno-monitor.heroku");
function store(): Store {
  const holder = globalThis as typeof globalThis & { [storeKey]?: Store };
  holder[storeKey] ??= { clients: new Map() };
  return holder[storeKey];
}

async function startDemoSimulator(): Promise<HerokuConnection> {
  const config = getConfig();
  const { startSimulator } = await import("./simulator");
  const simulator = await startSimulator({
    seed: config.simulator.seed,
    apps: config.simulator.apps,
    scenarioToken: config.simulator.scenarioToken ?? randomBytes(16).toString("hex"),
  });
  store().closeSimulator = simulator.close;
  log.info("demo mode: watching the built-in Heroku simulator", { url: simulator.url });
  return {
    apiUrl: simulator.url,
    apiKey: simulator.apiKey,
    demo: true,
    scenarioToken: simulator.scenarioToken,
  };
}

/** The connection, starting the embedded simulator on first use in demo mode. */
export function getHerokuConnection(): Promise<HerokuConnection> {
  const config = getConfig();
  const state = store();
  if (!state.connection) {
    state.connection =
      !config.demoMode && config.heroku.apiKey
        ? Promise.resolve({
            apiUrl: config.heroku.apiUrl,
            apiKey: config.heroku.apiKey,
            demo: false,
          })
        : startDemoSimulator();
    state.connection.catch(() => {
      state.connection = undefined;
    });
  }
  return state.connection;
}

/** One client (and so one request budget) per API key and base URL, shared by every job. */
export async function getHerokuClient(): Promise<HerokuClient> {
  const connection = await getHerokuConnection();
  const key = `${connection.apiUrl} ${connection.apiKey}`;
  const clients = store().clients;
  let client = clients.get(key);
  if (!client) {
    client = createHerokuClient({ apiKey: connection.apiKey, baseUrl: connection.apiUrl });
    clients.set(key, client);
  }
  return client;
}

/** Stops the embedded simulator (server shutdown). */
export async function closeHerokuConnection(): Promise<void> {
  const state = store();
  await state.closeSimulator?.();
  state.closeSimulator = undefined;
  state.connection = undefined;
  state.clients.clear();
}
