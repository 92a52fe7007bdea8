// Each app's steady background activity on the simulated clock: router requests (PLATFORM.md §4.2,
// §4.3), the app's own output, background jobs, and add-on metric lines (§4.9, §4.10).
import { dynosOfType } from "./lifecycle";
import type { Rng } from "./prng";
import { MICROS_PER_SECOND, seconds } from "./time";
import {
  appErrorLine,
  appRequestLine,
  backgroundLine,
  formatRouterError,
  formatRouterLine,
  generateRequest,
  initialPostgres,
  initialRedis,
  postgresSample,
  type RequestShape,
  redisSample,
} from "./traffic";
import type { Dyno, SimApp, World } from "./world";

/** PLATFORM.md §3.4: the router gives up on a request after 30 s (H12). */
const ROUTER_TIMEOUT_MS = 30_000;

export function requestShape(world: World, app: SimApp, dyno: Dyno | undefined): RequestShape {
  let errorFraction = 0;
  let slowFactor = 1;
  for (const effect of world.effects(app, dyno?.name)) {
    if (effect.kind === "5xx-storm") errorFraction = Math.max(errorFraction, effect.fraction);
    if (effect.kind === "slow-requests") slowFactor *= effect.factor;
  }
  return {
    routes: app.routes,
    host: app.host,
    customHost: app.customHost,
    errorFraction,
    slowFactor,
  };
}

function bootFailing(world: World, app: SimApp, dyno: Dyno): boolean {
  return world.effects(app, dyno.name).some((e) => e.kind === "boot-failure");
}

function trafficFactor(world: World, app: SimApp): number {
  return world
    .effects(app)
    .reduce((factor, e) => (e.kind === "drain-overload" ? factor * e.trafficFactor : factor), 1);
}

/** One request arriving at the router at `at`. */
function routeRequest(world: World, app: SimApp, rng: Rng, at: number): void {
  const router = (text: string, when = at) => world.emit(app, "heroku", "router", text, when);
  if (app.maintenance) {
    router(formatRouterError("H80", generateRequest(rng, requestShape(world, app, undefined))));
    return;
  }
  const webDynos = dynosOfType(app, "web");
  if (webDynos.length === 0) {
    // Stray traffic to an app scaled to zero: a trickle of H14 (PLATFORM.md §8 "scaled to zero").
    if (rng.chance(0.1)) {
      router(formatRouterError("H14", generateRequest(rng, requestShape(world, app, undefined))));
    }
    return;
  }
  const up = webDynos.filter((d) => d.state === "up");
  if (up.length === 0) {
    const request = generateRequest(rng, requestShape(world, app, undefined));
    const starting = webDynos.filter((d) => d.state === "starting");
    if (starting.length === 0) {
      router(formatRouterError("H10", request));
    } else if (starting.every((d) => bootFailing(world, app, d))) {
      router(formatRouterError("H20", request));
    } else {
      // Dynos are restarting normally: the router holds the request until one is up.
      const dyno = rng.pick(starting);
      router(formatRouterLine({ ...request, connectMs: rng.int(800, 4000) }, dyno.name));
    }
    return;
  }
  const dyno = rng.pick(up);
  const request = generateRequest(rng, requestShape(world, app, dyno));
  if (request.serviceMs >= ROUTER_TIMEOUT_MS) {
    router(
      formatRouterError("H12", request, {
        name: dyno.name,
        serviceMs: ROUTER_TIMEOUT_MS,
        bytes: "0",
      }),
    );
    const done = at + (request.serviceMs - ROUTER_TIMEOUT_MS) * 1000;
    world.schedule(done, () => {
      if (dyno.state === "up") {
        world.emit(app, "app", dyno.name, appRequestLine(rng, app.flavor, request), done);
      }
    });
    return;
  }
  if (rng.chance(0.001)) {
    router(
      formatRouterError("H27", request, {
        name: dyno.name,
        serviceMs: request.serviceMs,
        bytes: "",
      }),
    );
    return;
  }
  if (request.status >= 500) {
    world.emit(app, "app", dyno.name, appErrorLine(rng, app.flavor), at - rng.int(2000, 9000));
  }
  if (request.status >= 500 || rng.chance(0.3)) {
    world.emit(
      app,
      "app",
      dyno.name,
      appRequestLine(rng, app.flavor, request),
      at - rng.int(200, 1500),
    );
  }
  router(formatRouterLine(request, dyno.name));
}

/**
 * A recurring noise source. After a long jump of the clock it resumes near the end of the gap
 * instead of replaying hours of traffic nobody can see (history keeps 1500 lines).
 */
function recurring(
  world: World,
  first: number,
  interval: () => number,
  fire: (at: number) => void,
): void {
  const run = (at: number) => {
    if (at < world.catchUpFloor) {
      const resume = world.catchUpFloor + interval();
      world.schedule(resume, () => run(resume));
      return;
    }
    fire(at);
    const next = at + interval();
    world.schedule(next, () => run(next));
  };
  world.schedule(first, () => run(first));
}

function startRouter(world: World, app: SimApp): void {
  const rng = world.rng(`router:${app.name}`);
  const rate = () => app.requestsPerSecond * world.trafficScale * trafficFactor(world, app);
  recurring(
    world,
    world.nowUs + seconds(rng.exponential(Math.max(rate(), 0.01))),
    () => {
      const r = rate();
      return r > 0 ? Math.max(1, Math.round(rng.exponential(r) * MICROS_PER_SECOND)) : seconds(5);
    },
    (at) => {
      if (rate() > 0) routeRequest(world, app, rng, at);
    },
  );
}

/** Lines per second a non-web dyno prints. */
function backgroundRate(dyno: Dyno): number {
  return dyno.type === "clock" ? 1 / 60 : dyno.type === "worker" ? 0.25 : 0.1;
}

function startBackground(world: World, app: SimApp): void {
  const rng = world.rng(`background:${app.name}`);
  const busy = () =>
    [...app.dynos.values()].filter((d) => d.type !== "web" && !d.oneOff && d.state === "up");
  recurring(
    world,
    world.nowUs + seconds(rng.between(1, 8)),
    () => {
      const total = busy().reduce((sum, d) => sum + backgroundRate(d), 0);
      return total > 0
        ? Math.max(1, Math.round(rng.exponential(total) * MICROS_PER_SECOND))
        : seconds(10);
    },
    (at) => {
      const candidates = busy();
      if (candidates.length === 0) return;
      const dyno = rng.weighted(candidates.map((d) => [d, backgroundRate(d)] as const));
      world.emit(app, "app", dyno.name, backgroundLine(rng, app.flavor, dyno.type), at);
    },
  );
}

function startAddons(world: World, app: SimApp): void {
  for (const addon of app.addons) {
    const rng = world.rng(`addon:${app.name}:${addon.name}`);
    addon.values = addon.kind === "postgres" ? initialPostgres(rng) : initialRedis(rng);
    const proc = addon.kind === "postgres" ? "heroku-postgres" : "heroku-redis";
    // PLATFORM.md §4.1: add-on lines carry a `.000000` fraction; one sample a minute.
    const first = Math.ceil((world.nowUs + seconds(rng.between(0, 60))) / MICROS_PER_SECOND);
    recurring(
      world,
      first * MICROS_PER_SECOND,
      () => seconds(60),
      (at) => {
        const sample =
          addon.kind === "postgres"
            ? postgresSample(rng, addon.values, addon.attachment, addon.name)
            : redisSample(rng, addon.values, addon.attachment, addon.name);
        addon.values = sample.values;
        world.emit(app, "app", proc, sample.text, at);
      },
    );
  }
}

export function startActivity(world: World, app: SimApp): void {
  startRouter(world, app);
  startBackground(world, app);
  startAddons(world, app);
}
