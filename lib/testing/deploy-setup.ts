// Vitest globalSetup of the deploy suite: makes the slug once (install, build, prune: minutes on a
// busy machine) before any test's clock runs; every deploy test then starts from the same slug.
import { prepareSlug } from "./deploy-slug";

export default async function setup(): Promise<void> {
  const started = performance.now();
  const dir = await prepareSlug();
  process.stdout.write(
    `deploy: slug ready in ${dir} (${Math.round((performance.now() - started) / 1000)} s)\n`,
  );
}
