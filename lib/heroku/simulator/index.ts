// lib/heroku/simulator: a local Heroku (Platform API, log sessions, drain sender, scenarios) for
// demo mode, tests, e2e and benchmarks. Production code reaches it only through demo mode.
export type { RunningSimulator, SimulatorOptions } from "./server";
export { startSimulator } from "./server";
