// Dyno lifecycles in simulated time: boot, restart, crash and cool-off, scale, stop, the 20-second
// memory sampler (runtime metrics, R14/R15) and daily cycling. Lines follow PLATFORM.md §2.5, §4.4, §4.5.
import type { DynoSize } from "./catalog";
import type { Rng } from "./prng";
import { seconds } from "./time";
import {
  appErrorLine,
  bootLine,
  freshMemory,
  memoryTotalMb,
  processRunningLine,
  runtimeMetricLines,
  stepMemory,
} from "./traffic";
import type { Dyno, DynoState, Formation, SimApp, World } from "./world";

const SAMPLE_INTERVAL = seconds(20);
const MAX_COOL_OFF_SECONDS = 20 * 60;

const lifecycleRng = (world: World, app: SimApp) => world.stream(`lifecycle:${app.name}`);

export function dynoInstance(app: SimApp, dyno: Dyno): string {
  return `heroku.${app.number}.${dyno.id}`;
}

function isCurrent(app: SimApp, dyno: Dyno, epoch: number): boolean {
  return app.dynos.get(dyno.name) === dyno && dyno.epoch === epoch;
}

function say(world: World, app: SimApp, dyno: Dyno, text: string, at: number): void {
  world.emit(app, "heroku", dyno.name, text, at);
}

function changeState(world: World, app: SimApp, dyno: Dyno, to: DynoState, at: number): void {
  if (dyno.state !== to) say(world, app, dyno, `State changed from ${dyno.state} to ${to}`, at);
  dyno.state = to;
  dyno.updatedAt = at;
}

/** Runs `step` at `at` only if the dyno still runs the same process by then. */
function later(
  world: World,
  app: SimApp,
  dyno: Dyno,
  at: number,
  step: (at: number) => void,
): void {
  const epoch = dyno.epoch;
  world.schedule(at, () => {
    if (isCurrent(app, dyno, epoch)) step(at);
  });
}

function replaceProcess(app: SimApp, dyno: Dyno): void {
  dyno.epoch += 1;
  dyno.id = app.ids.uuid();
}

export function metricsFeatureOn(app: SimApp): boolean {
  return app.features.get("log-runtime-metrics")?.enabled === true;
}

export function createDyno(
  app: SimApp,
  formation: Formation,
  number: number,
  at: number,
  state: DynoState,
  rng: Rng,
): Dyno {
  const dyno: Dyno = {
    name: `${formation.type}.${number}`,
    type: formation.type,
    id: app.ids.uuid(),
    state,
    createdAt: at,
    updatedAt: at,
    size: formation.size,
    command: formation.command,
    epoch: 0,
    processStartedAt: at,
    metricsEnabled: metricsFeatureOn(app),
    memory: freshMemory(rng, formation.size.quotaMb, formation.type),
    crashes: 0,
    oneOff: false,
  };
  app.dynos.set(dyno.name, dyno);
  return dyno;
}

/** The process starts: ``Starting process with command `...` ``, then up, or a failed boot. */
export function bootDyno(world: World, app: SimApp, dyno: Dyno, at: number): void {
  const rng = lifecycleRng(world, app);
  say(world, app, dyno, `Starting process with command \`${dyno.command}\``, at);
  dyno.processStartedAt = at;
  // PLATFORM.md §2.9: log-runtime-metrics takes effect for processes started after it changed.
  dyno.metricsEnabled = metricsFeatureOn(app);
  dyno.memory = freshMemory(rng, dyno.size.quotaMb, dyno.type);
  const failing = world.effects(app, dyno.name).find((e) => e.kind === "boot-failure");
  if (failing && failing.kind === "boot-failure") {
    if (dyno.type === "web") {
      later(
        world,
        app,
        dyno,
        at + seconds(failing.bootTimeoutSeconds) + rng.int(1000, 90_000),
        (t) => {
          say(
            world,
            app,
            dyno,
            `Error R10 (Boot timeout) -> Web process failed to bind to $PORT within ${failing.bootTimeoutSeconds} seconds of launch`,
            t,
          );
          say(world, app, dyno, "Stopping process with SIGKILL", t + rng.int(1500, 3000));
          crashDyno(world, app, dyno, t + rng.int(150_000, 220_000), 137);
        },
      );
    } else {
      later(world, app, dyno, at + seconds(rng.between(1.5, 4)), (t) => {
        world.emit(app, "app", dyno.name, appErrorLine(rng, app.flavor), t);
        crashDyno(world, app, dyno, t + rng.int(80_000, 160_000), 1);
      });
    }
    return;
  }
  later(world, app, dyno, at + seconds(rng.between(0.8, 3)), (t) => {
    world.emit(
      app,
      "app",
      dyno.name,
      bootLine(rng, app.flavor, dyno.type),
      t - rng.int(20_000, 200_000),
    );
    changeState(world, app, dyno, "up", t);
    startSampler(world, app, dyno, t + seconds(rng.between(2, 20)));
    later(world, app, dyno, t + seconds(24 * 3600 + rng.between(0, 216 * 60)), () =>
      restartDyno(world, app, dyno, "Cycling"),
    );
    const loop = world.effects(app, dyno.name).find((e) => e.kind === "crash-loop");
    if (loop && loop.kind === "crash-loop") {
      scheduleAppCrash(world, app, dyno, t + seconds(loop.upSeconds * rng.between(0.8, 1.2)));
    }
  });
}

/** The app process dies on its own: an error from the app, then exit status 1. */
export function scheduleAppCrash(world: World, app: SimApp, dyno: Dyno, at: number): void {
  const rng = lifecycleRng(world, app);
  later(world, app, dyno, at, (t) => {
    if (dyno.state !== "up") return;
    world.emit(app, "app", dyno.name, appErrorLine(rng, app.flavor), t);
    crashDyno(world, app, dyno, t + rng.int(80_000, 160_000), 1);
  });
}

/**
 * PLATFORM.md §3.2: the first crash restarts at once, later ones after a growing cool-off
 * (capped at 20 minutes); the dyno stays `crashed` meanwhile.
 */
export function crashDyno(world: World, app: SimApp, dyno: Dyno, at: number, status: number): void {
  const rng = lifecycleRng(world, app);
  dyno.epoch += 1;
  say(world, app, dyno, `Process exited with status ${status}`, at);
  changeState(world, app, dyno, "crashed", at + rng.int(30_000, 70_000));
  if (at - dyno.processStartedAt > seconds(20 * 60)) dyno.crashes = 0;
  dyno.crashes += 1;
  const coolOff =
    dyno.crashes <= 1 ? 0 : Math.min(MAX_COOL_OFF_SECONDS, 20 * 2 ** (dyno.crashes - 2));
  later(world, app, dyno, at + rng.int(70_000, 90_000) + seconds(coolOff), (t) => {
    replaceProcess(app, dyno);
    changeState(world, app, dyno, "starting", t);
    later(world, app, dyno, t + seconds(rng.between(3, 5)), (b) => bootDyno(world, app, dyno, b));
  });
}

/** PLATFORM.md §2.5: the restart sequence; the dyno gets a new id and its memory resets. */
export function restartDyno(
  world: World,
  app: SimApp,
  dyno: Dyno,
  reason: "Restarting" | "Cycling",
): void {
  const rng = lifecycleRng(world, app);
  const t = world.nowUs;
  const running = dyno.state === "up" || dyno.state === "starting";
  replaceProcess(app, dyno);
  dyno.crashes = 0;
  say(world, app, dyno, reason, t);
  changeState(world, app, dyno, "starting", t + rng.int(1500, 2500));
  dyno.updatedAt = t;
  if (running) {
    later(world, app, dyno, t + rng.int(800_000, 1_000_000), (s) =>
      say(world, app, dyno, "Stopping all processes with SIGTERM", s),
    );
    later(world, app, dyno, t + rng.int(1_200_000, 1_500_000), (s) =>
      say(world, app, dyno, "Process exited with status 143", s),
    );
    later(world, app, dyno, t + rng.int(3_000_000, 4_200_000), (s) =>
      bootDyno(world, app, dyno, s),
    );
  } else {
    later(world, app, dyno, t + rng.int(1_500_000, 2_500_000), (s) =>
      bootDyno(world, app, dyno, s),
    );
  }
}

/** Cedar: stopping a formation dyno stops it, then the formation brings it back (PLATFORM.md §2.5). */
export function stopDyno(world: World, app: SimApp, dyno: Dyno): void {
  const rng = lifecycleRng(world, app);
  const t = world.nowUs;
  dyno.epoch += 1;
  if (dyno.state === "up") {
    say(world, app, dyno, "Stopping all processes with SIGTERM", t);
    say(world, app, dyno, "Process exited with status 143", t + rng.int(200_000, 500_000));
  }
  const final = dyno.oneOff ? "complete" : "down";
  changeState(world, app, dyno, final, t + rng.int(500_000, 600_000));
  if (dyno.oneOff) {
    app.dynos.delete(dyno.name);
    return;
  }
  later(world, app, dyno, t + seconds(rng.between(2, 4)), (s) => {
    replaceProcess(app, dyno);
    changeState(world, app, dyno, "starting", s);
    later(world, app, dyno, s + seconds(rng.between(2, 3)), (b) => bootDyno(world, app, dyno, b));
  });
}

function dynoNumber(dyno: Dyno): number {
  return Number.parseInt(dyno.name.slice(dyno.type.length + 1), 10);
}

export function dynosOfType(app: SimApp, type: string): Dyno[] {
  return [...app.dynos.values()]
    .filter((d) => d.type === type && !d.oneOff)
    .sort((a, b) => dynoNumber(a) - dynoNumber(b));
}

export type FormationChange = { formation: Formation; quantity?: number; size?: DynoSize };

/** PLATFORM.md §2.3: scaling starts/stops dynos and logs `Scaled to ...` on app[api]. */
export function scaleFormations(
  world: World,
  app: SimApp,
  changes: readonly FormationChange[],
): void {
  const rng = lifecycleRng(world, app);
  const t = world.nowUs;
  for (const { formation, quantity, size } of changes) {
    formation.updatedAt = t;
    if (size && size.id !== formation.size.id) {
      formation.size = size;
      for (const dyno of dynosOfType(app, formation.type)) {
        dyno.size = size;
        restartDyno(world, app, dyno, "Restarting");
      }
    }
    if (quantity === undefined || quantity === formation.quantity) continue;
    const current = dynosOfType(app, formation.type);
    if (quantity > formation.quantity) {
      const taken = new Set(current.map(dynoNumber));
      let number = 1;
      for (let added = current.length; added < quantity; added++) {
        while (taken.has(number)) number++;
        taken.add(number);
        const dyno = createDyno(app, formation, number, t, "starting", rng);
        later(world, app, dyno, t + seconds(rng.between(1, 3)), (s) =>
          bootDyno(world, app, dyno, s),
        );
      }
    } else {
      for (const dyno of current.slice(quantity)) {
        app.dynos.delete(dyno.name);
        dyno.epoch += 1;
        const wasUp = dyno.state === "up";
        say(world, app, dyno, `State changed from ${dyno.state} to down`, t);
        if (wasUp) {
          const stop = t + rng.int(300_000, 900_000);
          world.schedule(stop, () =>
            say(world, app, dyno, "Stopping all processes with SIGTERM", stop),
          );
          const exit = stop + rng.int(200_000, 500_000);
          world.schedule(exit, () => say(world, app, dyno, "Process exited with status 143", exit));
        }
      }
    }
    formation.quantity = quantity;
  }
  const summary = changes
    .map(({ formation }) => `${formation.type}@${formation.quantity}:${formation.size.name}`)
    .join(" ");
  world.emit(app, "app", "api", `Scaled to ${summary} by user ${world.account.email}`, t);
}

/** Every 20 s while up: the memory model moves, metrics lines (if enabled), R14 or R15. */
function startSampler(world: World, app: SimApp, dyno: Dyno, first: number): void {
  const rng = lifecycleRng(world, app);
  const tick = (at: number) => {
    const quota = dyno.size.quotaMb;
    const leakPercent = world
      .effects(app, dyno.name)
      .reduce((sum, e) => sum + (e.kind === "memory-leak" ? e.percentPerMinute : 0), 0);
    if (at < world.catchUpFloor && leakPercent === 0) {
      // A long clock jump: samples nobody can see anymore are skipped, keeping the 20 s phase.
      const skipped = Math.ceil((world.catchUpFloor - at) / SAMPLE_INTERVAL);
      later(world, app, dyno, at + skipped * SAMPLE_INTERVAL, tick);
      return;
    }
    const busy =
      dyno.type === "web"
        ? 0.15 + Math.min(2, app.requestsPerSecond * world.trafficScale * 0.05)
        : 0.1;
    dyno.memory = stepMemory(rng, dyno.memory, {
      quotaMb: quota,
      leakMb: ((leakPercent / 100) * quota * SAMPLE_INTERVAL) / seconds(60),
      secondsSinceStart: (at - dyno.processStartedAt) / seconds(1),
      busy,
    });
    if (dyno.metricsEnabled) {
      const [load, memory] = runtimeMetricLines({
        dynoName: dyno.name,
        instance: dynoInstance(app, dyno),
        memory: dyno.memory,
        quotaMb: quota,
      });
      say(world, app, dyno, load, at);
      say(world, app, dyno, memory, at + rng.int(100, 300));
    }
    const processMb = dyno.memory.rssMb + dyno.memory.swapMb;
    if (processMb >= quota * dyno.size.killFactor) {
      // PLATFORM.md §3.3: R15 at the kill threshold, then SIGKILL and a crash with status 137.
      say(world, app, dyno, processRunningLine(dyno.memory, quota), at + rng.int(1000, 2000));
      say(world, app, dyno, "Error R15 (Memory quota vastly exceeded)", at + rng.int(3000, 4000));
      say(world, app, dyno, "Stopping process with SIGKILL", at + rng.int(5000, 7000));
      crashDyno(world, app, dyno, at + rng.int(200_000, 260_000), 137);
      return;
    }
    if (memoryTotalMb(dyno.memory) > quota) {
      say(world, app, dyno, processRunningLine(dyno.memory, quota), at + rng.int(1000, 2000));
      say(world, app, dyno, "Error R14 (Memory quota exceeded)", at + rng.int(3000, 4000));
    }
    later(world, app, dyno, at + SAMPLE_INTERVAL, tick);
  };
  later(world, app, dyno, first, tick);
}

/** Starts the sampler and cycling timer of a dyno that is already up when the world begins. */
export function adoptRunningDyno(world: World, app: SimApp, dyno: Dyno): void {
  const rng = lifecycleRng(world, app);
  startSampler(world, app, dyno, world.nowUs + seconds(rng.between(1, 20)));
  later(
    world,
    app,
    dyno,
    dyno.processStartedAt + seconds(24 * 3600 + rng.between(0, 216 * 60)),
    () => restartDyno(world, app, dyno, "Cycling"),
  );
}

/** PLATFORM.md §2.6: a one-off `run.N` dyno that runs its command and completes. */
export function runOneOff(
  world: World,
  app: SimApp,
  input: { command: string; size: DynoSize; timeToLive: number },
): Dyno {
  const rng = lifecycleRng(world, app);
  const t = world.nowUs;
  const name = `run.${app.nextOneOff}`;
  app.nextOneOff += rng.int(1, 97);
  const dyno: Dyno = {
    name,
    type: "run",
    id: app.ids.uuid(),
    state: "starting",
    createdAt: t,
    updatedAt: t,
    size: input.size,
    command: input.command,
    epoch: 0,
    processStartedAt: t,
    metricsEnabled: false,
    memory: freshMemory(rng, input.size.quotaMb, "run"),
    crashes: 0,
    oneOff: true,
  };
  app.dynos.set(name, dyno);
  world.emit(
    app,
    "app",
    "api",
    `Starting process with command \`${input.command}\` by user ${world.account.email}`,
    t,
  );
  later(world, app, dyno, t + seconds(rng.between(1, 3)), (s) => {
    say(world, app, dyno, `Starting process with command \`${input.command}\``, s);
    changeState(world, app, dyno, "up", s + rng.int(300_000, 800_000));
    const end = s + seconds(Math.min(input.timeToLive, rng.between(20, 120)));
    later(world, app, dyno, end, (e) => {
      say(world, app, dyno, "Process exited with status 0", e);
      changeState(world, app, dyno, "complete", e + rng.int(20_000, 60_000));
      app.dynos.delete(dyno.name);
    });
  });
  return dyno;
}
