import { rmSync } from "node:fs";

/** Removes this run's PGlite directory (.data/e2e-<timestamp>). */
export default function globalTeardown() {
  const dir = process.env.E2E_DATA_DIR;
  if (dir?.startsWith(".data/e2e-")) rmSync(dir, { recursive: true, force: true });
}
