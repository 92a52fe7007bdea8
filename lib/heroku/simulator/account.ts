// Builds the simulated account from the catalog: the three demo apps, then generated ones.
import { startActivity } from "./activity";
import {
  type AppSpec,
  accountSpec,
  demoApps,
  featureSpecs,
  generatedAppSpec,
  requireDynoSize,
} from "./catalog";
import { adoptRunningDyno, createDyno } from "./lifecycle";
import { stableUuid } from "./prng";
import { seconds } from "./time";
import {
  type Formation,
  HISTORY_LINES,
  LineRing,
  type Release,
  type SimApp,
  type World,
} from "./world";

const DAY = seconds(86_400);
const HOUR = seconds(3600);

const releaseNotes = ["Set SENTRY_DSN config vars", "Deploy 3f9e2c71", "Deploy 8a1d04be"];

function buildApp(world: World, spec: AppSpec): SimApp {
  const rng = world.rng(`app:${spec.name}`);
  const now = world.nowUs;
  const createdAt = now - spec.createdDaysAgo * DAY - seconds(rng.between(0, 86_400));
  const releasedAt = now - seconds(rng.between(2, 60) * 3600);
  const ids = world.rng(`ids:${spec.name}`);
  const app: SimApp = {
    id: rng.uuid(),
    name: spec.name,
    number: rng.int(100_000_000, 999_999_999),
    region: spec.region,
    flavor: spec.flavor,
    buildpack: spec.flavor === "node" ? "Node.js" : "Ruby",
    createdAt,
    updatedAt: releasedAt,
    slugSize: rng.int(30_000_000, 90_000_000),
    maintenance: false,
    host: `${spec.name}-${rng.hex(12)}.herokuapp.com`,
    customHost: spec.customHost,
    routes: spec.routes,
    requestsPerSecond: spec.requestsPerSecond,
    formations: new Map(),
    dynos: new Map(),
    features: new Map(),
    addons: spec.addons.map((addon) => ({ ...addon, values: {} })),
    drains: new Map(),
    releases: [],
    history: new LineRing(HISTORY_LINES),
    ids,
    nextOneOff: rng.int(1000, 9000),
  };
  for (let i = 2; i >= 0; i--) {
    const release: Release = {
      id: ids.uuid(),
      version: spec.releaseVersion - i,
      createdAt: releasedAt - i * seconds(rng.between(1, 14) * 86_400),
      description: releaseNotes[i] ?? "Deploy",
    };
    app.releases.push(release);
  }
  for (const feature of featureSpecs) {
    app.features.set(feature.name, {
      spec: feature,
      id: stableUuid(`feature:${feature.name}`),
      enabled:
        feature.name === "log-runtime-metrics"
          ? spec.runtimeMetrics
          : feature.name === "http-routing-2-dot-0",
      updatedAt: createdAt + DAY,
    });
  }
  for (const process of spec.formation) {
    const formation: Formation = {
      id: ids.uuid(),
      type: process.type,
      quantity: process.quantity,
      size: requireDynoSize(process.size),
      command: process.command,
      createdAt: createdAt + HOUR,
      updatedAt: releasedAt,
    };
    app.formations.set(formation.type, formation);
    for (let n = 1; n <= formation.quantity; n++) {
      const started = Math.max(releasedAt, now - seconds(rng.between(1, 23) * 3600));
      const dyno = createDyno(
        app,
        formation,
        n,
        started,
        "up",
        world.stream(`lifecycle:${app.name}`),
      );
      dyno.processStartedAt = started;
    }
  }
  return app;
}

export function currentRelease(app: SimApp): Release {
  const release = app.releases.at(-1);
  if (!release) throw new Error(`app ${app.name} has no release`);
  return release;
}

/** Creates the account and its apps, and starts every app's activity at the world's current time. */
export function buildAccount(world: World, appCount: number): void {
  const rng = world.rng("account");
  const now = world.nowUs;
  world.account = {
    id: rng.uuid(),
    email: accountSpec.email,
    name: accountSpec.name,
    createdAt: now - accountSpec.createdDaysAgo * DAY,
    updatedAt: now - seconds(rng.between(3, 30) * 86_400),
    lastLogin: now - seconds(rng.between(1, 8) * 3600),
  };
  const generator = world.rng("generated-apps");
  const specs = [...demoApps];
  for (let index = demoApps.length + 1; index <= appCount; index++) {
    specs.push(generatedAppSpec(index, generator));
  }
  for (const spec of specs) world.apps.push(buildApp(world, spec));
  for (const app of world.apps) {
    startActivity(world, app);
    for (const dyno of app.dynos.values()) adoptRunningDyno(world, app, dyno);
  }
}
