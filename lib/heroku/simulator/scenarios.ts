// Scenarios the demo, tests and e2e start through /__sim/scenarios: each changes one app's
// behaviour (PLATFORM.md §8 fidelity checklist) until stopped or until its duration ends.
import { z } from "zod";
import { currentRelease } from "./account";
import { requestShape } from "./activity";
import { dynosOfType, metricsFeatureOn, restartDyno, scheduleAppCrash } from "./lifecycle";
import type { Rng } from "./prng";
import { MICROS_PER_SECOND, seconds } from "./time";
import { appRequestLine, formatRouterError, generateRequest } from "./traffic";
import {
  type ActiveScenario,
  type Dyno,
  type ScenarioEffect,
  type SimApp,
  targetMatches,
  type World,
} from "./world";

type NumberParam = {
  name: string;
  type: "number";
  default: number;
  min: number;
  max: number;
  description: string;
};
type BooleanParam = { name: string; type: "boolean"; default: boolean; description: string };
type ParamSpec = NumberParam | BooleanParam;
type Params = Record<string, number | boolean>;

type StartContext = {
  world: World;
  app: SimApp;
  target: string | undefined;
  params: Params;
  scenario: ActiveScenario;
  rng: Rng;
};

type ScenarioDefinition = {
  name: string;
  description: string;
  params: readonly ParamSpec[];
  /** Used when the request names no dyno or type; undefined means the whole app. */
  defaultTarget?: string;
  start: (context: StartContext) => {
    effect: ScenarioEffect;
    onStop?: () => void;
    /** Runs once the effect is in force (e.g. restarts whose boots must already fail). */
    afterStart?: () => void;
    ended?: boolean;
  };
};

const duration = (fallback: number): NumberParam => ({
  name: "durationSeconds",
  type: "number",
  default: fallback,
  min: 0,
  max: 7 * 86_400,
  description: "stop by itself after this many simulated seconds (0 = until stopped)",
});

const num = (params: Params, name: string): number => {
  const value = params[name];
  return typeof value === "number" ? value : 0;
};

function targetDynos(app: SimApp, target: string | undefined): Dyno[] {
  return [...app.dynos.values()].filter(
    (d) => !d.oneOff && (target === undefined || targetMatches(target, d.name)),
  );
}

/** Fires `fire` as a Poisson process of `perMinute` events until the scenario ends. */
function every(context: StartContext, perMinute: number, fire: (at: number) => void): void {
  const { world, rng, scenario } = context;
  const gap = () => Math.max(1, Math.round(rng.exponential(perMinute / 60) * MICROS_PER_SECOND));
  const run = (at: number) => {
    if (scenario.ended) return;
    if (at >= world.catchUpFloor) fire(at);
    const next = Math.max(at, world.catchUpFloor) + gap();
    world.schedule(next, () => run(next));
  };
  const first = world.nowUs + gap();
  world.schedule(first, () => run(first));
}

function upWebDynos(app: SimApp, target: string | undefined): Dyno[] {
  return dynosOfType(app, "web").filter(
    (d) => d.state === "up" && (target === undefined || targetMatches(target, d.name)),
  );
}

export const scenarioDefinitions: readonly ScenarioDefinition[] = [
  {
    name: "memory-leak",
    description:
      "RSS and swap grow every metrics sample; past the quota the dyno logs Process running mem=... and R14 every ~20 s, at the kill threshold R15, SIGKILL, exit 137 and a crash. A restart resets memory.",
    params: [
      {
        name: "percentPerMinute",
        type: "number",
        default: 25,
        min: 0.1,
        max: 1000,
        description: "memory growth per simulated minute, in percent of the dyno's quota",
      },
      duration(0),
    ],
    start: ({ params }) => ({
      effect: { kind: "memory-leak", percentPerMinute: num(params, "percentPerMinute") },
    }),
  },
  {
    name: "h12-burst",
    description:
      'Router H12 "Request timeout" lines (service=30000ms status=503) on web dynos; the app logs the late completion afterwards.',
    params: [
      {
        name: "ratePerMinute",
        type: "number",
        default: 30,
        min: 0.1,
        max: 6000,
        description: "H12 lines per simulated minute",
      },
      duration(0),
    ],
    defaultTarget: "web",
    start: (context) => {
      const { world, app, target, rng, params } = context;
      const slow = app.routes.find((r) => r.slow);
      every(context, num(params, "ratePerMinute"), (at) => {
        const candidates = upWebDynos(app, target);
        if (candidates.length === 0) return;
        const dyno = rng.pick(candidates);
        const request = generateRequest(rng, requestShape(world, app, dyno), slow);
        world.emit(
          app,
          "heroku",
          "router",
          formatRouterError("H12", request, { name: dyno.name, serviceMs: 30_000, bytes: "0" }),
          at,
        );
        const extraMs = rng.int(500, 20_000);
        const done = at + extraMs * 1000;
        world.schedule(done, () => {
          const late = { ...request, status: 200, serviceMs: 30_000 + extraMs };
          world.emit(app, "app", dyno.name, appRequestLine(rng, app.flavor, late), done);
        });
      });
      return { effect: { kind: "none" } };
    },
  },
  {
    name: "crash-loop",
    description:
      "The process exits with status 1 after a while up: up→crashed, crashed→starting, starting→up, repeating with growing cool-offs; H10 on web requests while no web dyno is up.",
    params: [
      {
        name: "upSeconds",
        type: "number",
        default: 30,
        min: 1,
        max: 86_400,
        description: "how long the process runs before it crashes again",
      },
      duration(0),
    ],
    defaultTarget: "web",
    start: ({ world, app, target, rng, params }) => {
      for (const dyno of targetDynos(app, target)) {
        if (dyno.state === "up") {
          scheduleAppCrash(world, app, dyno, world.nowUs + seconds(rng.between(1, 5)));
        }
      }
      return {
        effect: { kind: "crash-loop", upSeconds: num(params, "upSeconds") },
        onStop: () => {
          for (const dyno of targetDynos(app, target)) {
            if (dyno.state === "crashed") restartDyno(world, app, dyno, "Restarting");
          }
        },
      };
    },
  },
  {
    name: "boot-failure",
    description:
      "The dynos restart and cannot bind $PORT: R10 after the boot timeout, SIGKILL, exit 137, starting→crashed, again and again; H20 on requests while booting, H10 while crashed.",
    params: [
      {
        name: "bootTimeoutSeconds",
        type: "number",
        default: 60,
        min: 1,
        max: 600,
        description: "the boot timeout before R10 (60 s on Heroku, 90 s for Java)",
      },
      duration(0),
    ],
    defaultTarget: "web",
    start: ({ world, app, target, params }) => ({
      effect: { kind: "boot-failure", bootTimeoutSeconds: num(params, "bootTimeoutSeconds") },
      afterStart: () => {
        for (const dyno of targetDynos(app, target)) restartDyno(world, app, dyno, "Restarting");
      },
      onStop: () => {
        for (const dyno of targetDynos(app, target)) {
          if (dyno.state !== "up") restartDyno(world, app, dyno, "Restarting");
        }
      },
    }),
  },
  {
    name: "5xx-storm",
    description: "The app answers a share of requests with 500 (router at=info status=500 lines).",
    params: [
      {
        name: "fraction",
        type: "number",
        default: 0.3,
        min: 0,
        max: 1,
        description: "share of requests answered with 500",
      },
      duration(0),
    ],
    start: ({ params }) => ({ effect: { kind: "5xx-storm", fraction: num(params, "fraction") } }),
  },
  {
    name: "slow-requests",
    description: "Service times are multiplied; requests pushed past 30 s become H12 timeouts.",
    params: [
      {
        name: "factor",
        type: "number",
        default: 8,
        min: 1,
        max: 1000,
        description: "multiplier on service times",
      },
      duration(0),
    ],
    start: ({ params }) => ({ effect: { kind: "slow-requests", factor: num(params, "factor") } }),
  },
  {
    name: "h18-h13",
    description:
      "The keep-alive race of PLATFORM.md §3.4: sporadic H18 (sock=backend) and H13 on POST requests.",
    params: [
      {
        name: "ratePerMinute",
        type: "number",
        default: 6,
        min: 0.1,
        max: 6000,
        description: "H18/H13 lines per simulated minute",
      },
      duration(0),
    ],
    defaultTarget: "web",
    start: (context) => {
      const { world, app, target, rng, params } = context;
      const posts = app.routes.filter((r) => r.method === "POST");
      every(context, num(params, "ratePerMinute"), (at) => {
        const candidates = upWebDynos(app, target);
        if (candidates.length === 0 || posts.length === 0) return;
        const dyno = rng.pick(candidates);
        const route = rng.pick(posts);
        const request = generateRequest(rng, requestShape(world, app, dyno), route);
        const code = rng.chance(0.5) ? "H18" : "H13";
        const serviceMs = code === "H13" ? rng.int(1, 10) : rng.int(50, 900);
        world.emit(
          app,
          "heroku",
          "router",
          formatRouterError(code, request, { name: dyno.name, serviceMs, bytes: "0" }),
          at,
        );
      });
      return { effect: { kind: "none" } };
    },
  },
  {
    name: "drain-overload",
    description:
      "Drain delivery of the app stalls (and traffic rises) so each drain's 1024-message buffer overflows; when it ends, the next batch starts with an L10 frame and heroku[logplex] logs the L10.",
    params: [
      duration(120),
      {
        name: "trafficFactor",
        type: "number",
        default: 3,
        min: 1,
        max: 100,
        description: "multiplier on the app's request rate while the drain is stalled",
      },
    ],
    start: ({ params }) => ({
      effect: { kind: "drain-overload", trafficFactor: num(params, "trafficFactor") },
    }),
  },
  {
    name: "runtime-metrics",
    description:
      "Turns the log-runtime-metrics feature on or off, like PATCH /apps/{app}/features/log-runtime-metrics; it takes effect for dynos (re)started afterwards.",
    params: [
      {
        name: "enabled",
        type: "boolean",
        default: true,
        description: "the feature's new state",
      },
    ],
    start: ({ world, app, params }) => {
      setFeature(world, app, "log-runtime-metrics", params.enabled === true);
      return { effect: { kind: "none" }, ended: true };
    },
  },
  {
    name: "deploy",
    description:
      "A deploy: app[api] Build/Deploy/Release lines, a new release version, then every dyno restarts.",
    params: [],
    start: ({ world, app, rng }) => {
      deployApp(world, app, rng);
      return { effect: { kind: "none" }, ended: true };
    },
  },
];

export function setFeature(world: World, app: SimApp, name: string, enabled: boolean): boolean {
  const feature = app.features.get(name);
  if (!feature) return false;
  if (feature.enabled !== enabled) feature.updatedAt = world.nowUs;
  feature.enabled = enabled;
  return metricsFeatureOn(app);
}

/** PLATFORM.md §4.6 and §8 "deploy": build, release, then the restart sequence on every dyno. */
export function deployApp(world: World, app: SimApp, rng: Rng): void {
  const t = world.nowUs;
  const user = world.account.email;
  const sha = rng.hex(8);
  const release = {
    id: app.ids.uuid(),
    version: currentRelease(app).version + 1,
    createdAt: t,
    description: `Deploy ${sha}`,
  };
  app.releases.push(release);
  app.updatedAt = t;
  world.emit(app, "app", "api", `Build started by user ${user}`, t - seconds(25));
  world.emit(app, "app", "api", `Deploy ${sha} by user ${user}`, t);
  world.emit(app, "app", "api", `Release v${release.version} created by user ${user}`, t);
  world.emit(app, "app", "api", "Build succeeded", t + seconds(12));
  for (const dyno of targetDynos(app, undefined)) restartDyno(world, app, dyno, "Restarting");
}

/** What GET /__sim/scenarios lists. */
export function describeScenarios(): {
  name: string;
  description: string;
  target: string;
  params: ParamSpec[];
}[] {
  return scenarioDefinitions.map((d) => ({
    name: d.name,
    description: d.description,
    target: d.defaultTarget
      ? `dyno name or process type; default: every ${d.defaultTarget} dyno`
      : "dyno name or process type; default: the whole app",
    params: [...d.params],
  }));
}

function paramsSchema(specs: readonly ParamSpec[]) {
  const shape: Record<string, z.ZodType> = {};
  for (const spec of specs) {
    shape[spec.name] =
      spec.type === "number"
        ? z
            .number({ error: `${spec.name} must be a number` })
            .min(spec.min, { error: `${spec.name} must be at least ${spec.min}` })
            .max(spec.max, { error: `${spec.name} must be at most ${spec.max}` })
            .default(spec.default)
        : z.boolean({ error: `${spec.name} must be true or false` }).default(spec.default);
  }
  return z.strictObject(shape, { error: "unknown parameter" });
}

export class ScenarioError extends Error {}

export function startScenario(
  world: World,
  input: { app: string; dyno?: string; name: string; params?: unknown },
): ActiveScenario {
  const definition = scenarioDefinitions.find((d) => d.name === input.name);
  if (!definition) {
    throw new ScenarioError(
      `Unknown scenario "${input.name}". Known scenarios: ${scenarioDefinitions.map((d) => d.name).join(", ")}.`,
    );
  }
  const app = world.findApp(input.app);
  if (!app) {
    throw new ScenarioError(
      `Unknown app "${input.app}". Apps: ${world.apps
        .slice(0, 10)
        .map((a) => a.name)
        .join(", ")}${world.apps.length > 10 ? ", ..." : ""}.`,
    );
  }
  const target = input.dyno || definition.defaultTarget;
  if (
    input.dyno &&
    !app.formations.has(input.dyno) &&
    ![...app.dynos.values()].some((d) => d.name === input.dyno)
  ) {
    throw new ScenarioError(`App ${app.name} has no dyno or process type "${input.dyno}".`);
  }
  const parsed = paramsSchema(definition.params).safeParse(input.params ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const keys = issue && "keys" in issue ? ` (${issue.keys.join(", ")})` : "";
    throw new ScenarioError(
      `Invalid params for ${definition.name}: ${issue?.message ?? "invalid"}${keys}.`,
    );
  }
  const params = parsed.data as Params;
  world.sync();
  const scenario: ActiveScenario = {
    id: world.stream("scenario-ids").uuid(),
    name: definition.name,
    app,
    target,
    params,
    startedAt: world.nowUs,
    effect: { kind: "none" },
    ended: false,
    onStop: () => {},
  };
  const rng = world.rng(`scenario:${scenario.id}`);
  world.scenarios.set(scenario.id, scenario);
  const started = definition.start({ world, app, target, params, scenario, rng });
  scenario.effect = started.effect;
  scenario.onStop = started.onStop ?? (() => {});
  started.afterStart?.();
  if (started.ended) scenario.ended = true;
  const lasts = num(params, "durationSeconds");
  if (!scenario.ended && lasts > 0) {
    world.schedule(world.nowUs + seconds(lasts), () => stopScenario(scenario));
  }
  return scenario;
}

export function stopScenario(scenario: ActiveScenario): void {
  if (scenario.ended) return;
  scenario.ended = true;
  scenario.onStop();
}
