// What the web process does on SIGTERM after it stops taking requests: scripts/server.mjs (plain
// JavaScript, outside Next's bundles) calls the hook this module leaves on globalThis, under a name
// both sides spell the same way. Owns the order of the steps, not the steps.
import "server-only";
import { PEER_RECORDED_FLAG } from "@/lib/auth/client-address";

/** scripts/server.mjs reads this name. */
export const SHUTDOWN_HOOK = "dyno-monitor.shutdown";

type Step = () => Promise<void>;
type Store = typeof globalThis & { [key: symbol]: unknown };

const steps: Step[] = [];

/** Adds a step to the shutdown; steps run one after another, in the order added. */
export function onShutdown(step: Step): void {
  steps.push(step);
  (globalThis as Store)[Symbol.for(SHUTDOWN_HOOK)] = runShutdown;
}

let running: Promise<void> | undefined;

/** Runs every step once (later calls wait for the first); a failing step does not stop the rest. */
export function runShutdown(): Promise<void> {
  running ??= (async () => {
    for (const step of steps) {
      try {
        await step();
      } catch {
        // each step logs its own failure; the process is exiting either way
      }
    }
  })();
  return running;
}

/** Whether scripts/server.mjs runs this process (then it calls the hook on SIGTERM). */
export function hasShutdownCaller(): boolean {
  return (globalThis as Store)[Symbol.for(PEER_RECORDED_FLAG)] === true;
}
