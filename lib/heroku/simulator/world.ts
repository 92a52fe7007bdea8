// The simulated Heroku account: apps, formations, dynos, log history, the simulated clock and the
// event queue that moves it. Behaviour lives in lifecycle.ts, activity.ts and scenarios.ts.
import type { AddonSpec, AppFlavor, DynoSize, FeatureSpec, RegionName, RouteSpec } from "./catalog";
import { createRng, type Rng } from "./prng";
import { logTimestamp, MICROS_PER_SECOND } from "./time";

export type LogSource = "app" | "heroku";

export type LogLine = {
  seq: number;
  /** Microseconds since the epoch. */
  at: number;
  source: LogSource;
  proc: string;
  text: string;
  /** Logplex's own L10 report goes into the history but never back into a drain. */
  noDrain?: boolean;
};

/** API states (PLATFORM.md §3.2), plus `complete`, which only one-off dynos reach on their way out. */
export type DynoState = "starting" | "up" | "crashed" | "down" | "idle" | "complete";

export type MemoryState = {
  baseMb: number;
  leakMb: number;
  rssMb: number;
  swapMb: number;
  cacheMb: number;
  pgpgin: number;
  pgpgout: number;
  load1: number;
  load5: number;
  load15: number;
};

export type Dyno = {
  name: string;
  type: string;
  id: string;
  state: DynoState;
  createdAt: number;
  updatedAt: number;
  size: DynoSize;
  command: string;
  /** Bumped whenever the running process is replaced; scheduled steps of an older epoch drop out. */
  epoch: number;
  processStartedAt: number;
  metricsEnabled: boolean;
  memory: MemoryState;
  crashes: number;
  oneOff: boolean;
};

export type Formation = {
  id: string;
  type: string;
  quantity: number;
  size: DynoSize;
  command: string;
  createdAt: number;
  updatedAt: number;
};

export type Feature = { spec: FeatureSpec; id: string; enabled: boolean; updatedAt: number };

export type Drain = {
  id: string;
  url: string;
  token: string;
  createdAt: number;
  updatedAt: number;
};

export type Addon = AddonSpec & { values: Record<string, number> };

export type Release = { id: string; version: number; createdAt: number; description: string };

export type SimApp = {
  id: string;
  name: string;
  /** The number in runtime-metrics `dyno=heroku.<n>.<uuid>` (PLATFORM.md §4.8). */
  number: number;
  region: RegionName;
  flavor: AppFlavor;
  buildpack: string;
  createdAt: number;
  updatedAt: number;
  slugSize: number;
  maintenance: boolean;
  host: string;
  customHost: string | undefined;
  routes: readonly RouteSpec[];
  requestsPerSecond: number;
  formations: Map<string, Formation>;
  dynos: Map<string, Dyno>;
  features: Map<string, Feature>;
  addons: Addon[];
  drains: Map<string, Drain>;
  releases: Release[];
  history: LineRing;
  /** Ids for dynos, drains, formations of this app: its own stream keeps runs reproducible. */
  ids: Rng;
  nextOneOff: number;
};

export type Account = {
  id: string;
  email: string;
  name: string;
  createdAt: number;
  updatedAt: number;
  lastLogin: number;
};

export type ScenarioEffect =
  | { kind: "memory-leak"; percentPerMinute: number }
  | { kind: "crash-loop"; upSeconds: number }
  | { kind: "boot-failure"; bootTimeoutSeconds: number }
  | { kind: "5xx-storm"; fraction: number }
  | { kind: "slow-requests"; factor: number }
  | { kind: "drain-overload"; trafficFactor: number }
  | { kind: "none" };

export type ActiveScenario = {
  id: string;
  name: string;
  app: SimApp;
  /** A dyno name (`web.1`), a process type (`web`), or the whole app. */
  target: string | undefined;
  params: Record<string, unknown>;
  startedAt: number;
  effect: ScenarioEffect;
  ended: boolean;
  onStop: () => void;
};

/** PLATFORM.md §2.7: history is the app's last 1500 lines. */
export const HISTORY_LINES = 1500;

export class LineRing {
  private readonly items: (LogLine | undefined)[];
  private next = 0;
  size = 0;

  constructor(readonly capacity: number) {
    this.items = new Array<LogLine | undefined>(capacity);
  }

  push(line: LogLine): void {
    this.items[this.next] = line;
    this.next = (this.next + 1) % this.capacity;
    this.size = Math.min(this.capacity, this.size + 1);
  }

  *newestFirst(): Generator<LogLine> {
    for (let i = 1; i <= this.size; i++) {
      const line = this.items[(this.next - i + this.capacity) % this.capacity];
      if (line) yield line;
    }
  }
}

type Task = { at: number; order: number; run: () => void };

/** A binary heap of tasks by time, then by insertion order (keeps equal-time steps stable). */
class TaskQueue {
  private heap: Task[] = [];
  private counter = 0;

  push(at: number, run: () => void): void {
    const heap = this.heap;
    heap.push({ at, order: this.counter++, run });
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  popDue(until: number): Task | undefined {
    const heap = this.heap;
    const top = heap[0];
    if (!top || top.at > until) return undefined;
    const last = heap.pop();
    if (last && heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < heap.length && this.less(left, smallest)) smallest = left;
        if (right < heap.length && this.less(right, smallest)) smallest = right;
        if (smallest === i) break;
        this.swap(i, smallest);
        i = smallest;
      }
    }
    return top;
  }

  private less(a: number, b: number): boolean {
    const x = this.heap[a];
    const y = this.heap[b];
    if (!x || !y) return false;
    return x.at < y.at || (x.at === y.at && x.order < y.order);
  }

  private swap(a: number, b: number): void {
    const x = this.heap[a];
    const y = this.heap[b];
    if (!x || !y) return;
    this.heap[a] = y;
    this.heap[b] = x;
  }
}

/** Background noise (router, app output) older than this is skipped when time jumps far ahead. */
const CATCH_UP_LIMIT = 15 * 60 * MICROS_PER_SECOND;

export type WorldOptions = {
  seed: number;
  clock: "real" | "manual";
  startAt: number;
  trafficScale: number;
  realNow: () => number;
};

export class World {
  readonly seed: number;
  readonly clock: "real" | "manual";
  readonly trafficScale: number;
  readonly apps: SimApp[] = [];
  readonly scenarios = new Map<string, ActiveScenario>();
  account: Account;
  nowUs: number;
  /** Noise tasks due before this time skip ahead instead of replaying a long gap. */
  catchUpFloor: number;
  private readonly queue = new TaskQueue();
  private readonly realNow: () => number;
  private seq = 0;
  private readonly streams = new Map<string, Rng>();
  private advancing = false;
  private readonly lineListeners = new Set<(app: SimApp, line: LogLine) => void>();
  private readonly tickListeners = new Set<() => void>();

  constructor(options: WorldOptions) {
    this.seed = options.seed;
    this.clock = options.clock;
    this.trafficScale = options.trafficScale;
    this.realNow = options.realNow;
    this.nowUs = options.startAt;
    this.catchUpFloor = options.startAt;
    this.account = {
      id: "",
      email: "",
      name: "",
      createdAt: options.startAt,
      updatedAt: options.startAt,
      lastLogin: options.startAt,
    };
  }

  rng(stream: string): Rng {
    return createRng(this.seed, stream);
  }

  /** One shared rng per stream name, created on first use. */
  stream(name: string): Rng {
    let rng = this.streams.get(name);
    if (!rng) {
      rng = createRng(this.seed, name);
      this.streams.set(name, rng);
    }
    return rng;
  }

  findApp(idOrName: string): SimApp | undefined {
    return this.apps.find((app) => app.name === idOrName || app.id === idOrName);
  }

  schedule(at: number, run: () => void): void {
    this.queue.push(Math.round(at), run);
  }

  /** Runs every task due up to `target`, in time order, then tells listeners time moved. */
  advanceTo(target: number): void {
    if (this.advancing || target <= this.nowUs) return;
    this.advancing = true;
    try {
      this.catchUpFloor = Math.max(this.catchUpFloor, target - CATCH_UP_LIMIT);
      for (;;) {
        const task = this.queue.popDue(target);
        if (!task) break;
        this.nowUs = Math.max(this.nowUs, task.at);
        task.run();
      }
      this.nowUs = target;
    } finally {
      this.advancing = false;
    }
    for (const listener of this.tickListeners) listener();
  }

  /** With the real clock, catches the simulation up to the wall clock before reading or acting. */
  sync(): void {
    if (this.clock === "real") this.advanceTo(this.realNow());
  }

  emit(
    app: SimApp,
    source: LogSource,
    proc: string,
    text: string,
    at: number = this.nowUs,
    options: { noDrain?: boolean } = {},
  ): LogLine {
    // Long template strings are V8 rope trees; flattening them before they sit in the history
    // keeps 1500 lines per app small.
    Number(text);
    const line: LogLine = { seq: ++this.seq, at: Math.round(at), source, proc, text };
    if (options.noDrain) line.noDrain = true;
    app.history.push(line);
    for (const listener of this.lineListeners) listener(app, line);
    return line;
  }

  onLine(listener: (app: SimApp, line: LogLine) => void): () => void {
    this.lineListeners.add(listener);
    return () => this.lineListeners.delete(listener);
  }

  onTick(listener: () => void): () => void {
    this.tickListeners.add(listener);
    return () => this.tickListeners.delete(listener);
  }

  /** Effects of the app's running scenarios that apply to `dynoName` (or to the app as a whole). */
  effects(app: SimApp, dynoName?: string): ScenarioEffect[] {
    const out: ScenarioEffect[] = [];
    for (const scenario of this.scenarios.values()) {
      if (scenario.ended || scenario.app !== app) continue;
      if (dynoName && scenario.target && !targetMatches(scenario.target, dynoName)) continue;
      out.push(scenario.effect);
    }
    return out;
  }
}

/** `web` matches `web.1`, `web.2`...; `web.1` matches only itself (PLATFORM.md §2.7 dyno filter). */
export function targetMatches(target: string, dynoName: string): boolean {
  return target === dynoName || (!target.includes(".") && dynoName.startsWith(`${target}.`));
}

/** PLATFORM.md §4.1 envelope: `<timestamp> <source>[<dyno>]: <message>`. */
export function formatLogLine(line: LogLine): string {
  return `${logTimestamp(line.at)} ${line.source}[${line.proc}]: ${line.text}`;
}
