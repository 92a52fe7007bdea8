// Pure log-line generators: each takes an rng (and state or a time) and returns message text in
// the shapes of PLATFORM.md §4. No clock, no I/O, no world.
import type { AppFlavor, RouteSpec } from "./catalog";
import type { Rng } from "./prng";
import type { MemoryState } from "./world";

export type RouterRequest = {
  method: string;
  path: string;
  host: string;
  requestId: string;
  fwd: string;
  connectMs: number;
  serviceMs: number;
  status: number;
  bytes: number;
  protocol: "http1.1" | "http2.0";
  tls: boolean;
  tlsVersion: string;
  slow: boolean;
};

export type RequestShape = {
  routes: readonly RouteSpec[];
  host: string;
  customHost: string | undefined;
  /** Share of requests the app answers with 500 (5xx-storm). */
  errorFraction: number;
  /** Multiplier on service times (slow-requests). */
  slowFactor: number;
};

const slugs = [
  "boots",
  "rain-jacket",
  "wool-socks",
  "trail-runner",
  "canvas-tote",
  "denim-shirt",
  "beanie",
  "hiking-pack",
];

const ipPrefixes = ["203.0.113", "198.51.100", "192.0.2", "54.187.174", "81.2.69", "89.160.20"];

function fillPath(rng: Rng, template: string): string {
  if (!template.includes("{")) return template;
  return template.replace(/\{(\w+)\}/g, (_, key: string) => {
    switch (key) {
      case "page":
        return String(rng.int(1, 12));
      case "id":
        return String(rng.int(1000, 99_999));
      case "slug":
        return rng.pick(slugs);
      case "hex":
        return rng.hex(8);
      default:
        return rng.uuid();
    }
  });
}

export function clientAddress(rng: Rng): string {
  const ip = `${rng.pick(ipPrefixes)}.${rng.int(1, 254)}`;
  return rng.chance(0.08) ? `${ip},10.${rng.int(0, 9)}.${rng.int(0, 255)}.${rng.int(1, 254)}` : ip;
}

function pickStatus(rng: Rng, route: RouteSpec, errorFraction: number): number {
  if (errorFraction > 0 && rng.chance(errorFraction)) return 500;
  const roll = rng.next();
  if (roll < 0.0015) return 500;
  if (roll < 0.0035) return 429;
  if (roll < 0.0075) return 400;
  if (roll < 0.0135) return 401;
  if (roll < 0.0255) return 404;
  if (route.method !== "GET" && roll < 0.045) return 422;
  if (route.cacheable && rng.chance(0.35)) return 304;
  if (route.path === "/" && rng.chance(0.04)) return 302;
  return route.creates ? 201 : 200;
}

const routeTables = new WeakMap<readonly RouteSpec[], { cumulative: number[]; total: number }>();

function pickRoute(rng: Rng, routes: readonly RouteSpec[]): RouteSpec {
  let table = routeTables.get(routes);
  if (!table) {
    let total = 0;
    const cumulative = routes.map((r) => {
      total += r.weight;
      return total;
    });
    table = { cumulative, total };
    routeTables.set(routes, table);
  }
  const roll = rng.next() * table.total;
  const index = table.cumulative.findIndex((bound) => roll < bound);
  return routes[index === -1 ? routes.length - 1 : index] ?? rng.pick(routes);
}

/** One HTTP request through the router: route, status, log-normal service time, bytes. */
export function generateRequest(rng: Rng, shape: RequestShape, route?: RouteSpec): RouterRequest {
  const chosen = route ?? pickRoute(rng, shape.routes);
  const status = pickStatus(rng, chosen, shape.errorFraction);
  const base = status >= 400 ? Math.min(chosen.medianMs, 40) : chosen.medianMs;
  const serviceMs = Math.max(1, Math.round(rng.logNormal(base, 0.75) * shape.slowFactor));
  const host = shape.customHost && rng.chance(0.85) ? shape.customHost : shape.host;
  const tls = rng.chance(0.96);
  const bytes =
    status === 304 || status === 204
      ? 0
      : status >= 300
        ? rng.int(90, 600)
        : Math.max(10, Math.round(rng.logNormal(chosen.bytes, 0.3)));
  return {
    method: chosen.method,
    path: fillPath(rng, chosen.path),
    host,
    requestId: rng.uuid(),
    fwd: clientAddress(rng),
    connectMs: rng.chance(0.9) ? 0 : rng.int(1, 3),
    serviceMs,
    status,
    bytes,
    protocol: rng.chance(0.7) ? "http1.1" : "http2.0",
    tls,
    // PLATFORM.md §4.2: tls_version is always `unknown` on *.herokuapp.com with Router 2.0.
    tlsVersion: !tls
      ? ""
      : host.endsWith(".herokuapp.com")
        ? "unknown"
        : rng.chance(0.8)
          ? "tls1.3"
          : "tls1.2",
    slow: chosen.slow === true,
  };
}

function requestTail(request: RouterRequest): string {
  return (
    `method=${request.method} path="${request.path}" host=${request.host} ` +
    `request_id=${request.requestId} fwd="${request.fwd}"`
  );
}

function protocolTail(request: RouterRequest): string {
  return request.tls
    ? `protocol=${request.protocol} tls=true tls_version=${request.tlsVersion}`
    : `protocol=${request.protocol} tls=false`;
}

/** PLATFORM.md §4.2: a served request (Router 2.0 shape). */
export function formatRouterLine(request: RouterRequest, dyno: string): string {
  return (
    `at=info ${requestTail(request)} dyno=${dyno} connect=${request.connectMs}ms ` +
    `service=${request.serviceMs}ms status=${request.status} bytes=${request.bytes} ` +
    protocolTail(request)
  );
}

export type RouterErrorCode = "H10" | "H12" | "H13" | "H14" | "H18" | "H20" | "H27" | "H80";

// PLATFORM.md §4.3 and §5: desc, level and status per code.
const routerErrors: Record<
  RouterErrorCode,
  { desc: string; at: "error" | "warning" | "info"; sock?: string; status: number }
> = {
  H10: { desc: "App crashed", at: "error", status: 503 },
  H12: { desc: "Request timeout", at: "error", status: 503 },
  H13: { desc: "Connection closed without response", at: "error", status: 503 },
  H14: { desc: "No web processes running", at: "error", status: 503 },
  H18: { desc: "Server Request Interrupted", at: "error", sock: "backend", status: 503 },
  H20: { desc: "App boot timeout", at: "error", status: 503 },
  H27: { desc: "Client Request Interrupted", at: "warning", sock: "client", status: 499 },
  H80: { desc: "Maintenance mode", at: "info", status: 503 },
};

/** PLATFORM.md §4.3: `dyno` is empty when no dyno served the request. */
export function formatRouterError(
  code: RouterErrorCode,
  request: RouterRequest,
  dyno?: { name: string; serviceMs: number; bytes: string },
): string {
  const spec = routerErrors[code];
  const served = dyno
    ? `dyno=${dyno.name} connect=${request.connectMs}ms service=${dyno.serviceMs}ms ` +
      `status=${spec.status} bytes=${dyno.bytes}`
    : `dyno= connect= service= status=${spec.status} bytes=`;
  return (
    `${spec.sock ? `sock=${spec.sock} ` : ""}at=${spec.at} code=${code} desc="${spec.desc}" ` +
    `${requestTail(request)} ${served} ${protocolTail(request)}`
  );
}

const nodeErrors = [
  "TypeError: Cannot read properties of undefined (reading 'id')",
  "Error: connect ETIMEDOUT 10.0.4.17:5432",
  "SequelizeConnectionAcquireTimeoutError: Operation timeout",
];
const railsErrors = [
  "ActiveRecord::StatementInvalid (PG::QueryCanceled: ERROR:  canceling statement due to statement timeout)",
  "NoMethodError (undefined method `amount' for nil:NilClass)",
  "Redis::TimeoutError (Connection timed out)",
];

/** What the app itself prints for a request (morgan for Node, lograge for Rails). */
export function appRequestLine(rng: Rng, flavor: AppFlavor, request: RouterRequest): string {
  const pathOnly = request.path.split("?")[0] ?? request.path;
  const ms = Math.max(0.5, request.serviceMs - rng.between(0, 2));
  if (flavor === "node") {
    return `${request.method} ${request.path} ${request.status} ${ms.toFixed(3)} ms - ${request.bytes}`;
  }
  const db = ms * rng.between(0.2, 0.6);
  const view = ms * rng.between(0.05, 0.2);
  const controller = pathOnly.split("/").filter(Boolean).slice(0, 2).join("/") || "home";
  return (
    `method=${request.method} path=${pathOnly} format=json controller=${controller
      .split("/")
      .map((part) => `${part.charAt(0).toUpperCase()}${part.slice(1)}`)
      .join("::")}Controller action=${request.method === "GET" ? "show" : "create"} ` +
    `status=${request.status} duration=${ms.toFixed(2)} view=${view.toFixed(2)} db=${db.toFixed(2)}`
  );
}

export function appErrorLine(rng: Rng, flavor: AppFlavor): string {
  return rng.pick(flavor === "node" ? nodeErrors : railsErrors);
}

export function bootLine(rng: Rng, flavor: AppFlavor, type: string): string {
  if (type !== "web")
    return flavor === "node" ? "Worker started, waiting for jobs" : "Booting Sidekiq";
  return flavor === "node"
    ? `Server listening on port ${rng.int(10_000, 59_999)}`
    : `* Listening on http://0.0.0.0:${rng.int(10_000, 59_999)}`;
}

const jobs = [
  "OrderConfirmationMailer",
  "InventorySync",
  "ReceiptPdf",
  "SearchIndexUpdate",
  "WebhookDispatch",
];

// App output is UTF-8: drain frames count bytes, not characters (PLATFORM.md §6.2).
const customers = ["Zoë Müller", "José Núñez", "Ørsted A/S", "Łukasz Wójcik", "Acme Corp"];

/** One line of background work (worker, clock or any non-web process type). */
export function backgroundLine(rng: Rng, flavor: AppFlavor, type: string): string {
  if (type === "clock") {
    return `Triggering '${rng.pick(["invoices.reconcile", "reports.nightly", "cache.warm", "usage.rollup"])}'`;
  }
  const job = rng.pick(jobs);
  const ms = Math.round(rng.logNormal(180, 0.8));
  if (flavor === "rails") {
    return `pid=4 tid=${rng.hex(4)} class=${job}Job jid=${rng.hex(24)} elapsed=${(ms / 1000).toFixed(3)} INFO: done`;
  }
  const id = rng.int(10_000, 999_999);
  if (job === "ReceiptPdf") {
    return `job=${job} id=${id} customer="${rng.pick(customers)}" status=completed duration=${ms}ms`;
  }
  return `job=${job} id=${id} status=completed duration=${ms}ms`;
}

/** Fresh process memory for a dyno of `quotaMb`: a baseline share of the quota, warming up. */
export function freshMemory(rng: Rng, quotaMb: number, type: string): MemoryState {
  const share = type === "web" ? rng.between(0.35, 0.55) : rng.between(0.25, 0.45);
  const baseMb = quotaMb * share;
  const rssMb = baseMb * 0.6;
  return {
    baseMb,
    leakMb: 0,
    rssMb,
    swapMb: 0,
    cacheMb: rssMb * 0.04,
    pgpgin: rng.int(20_000, 60_000),
    pgpgout: rng.int(5_000, 20_000),
    load1: rng.between(0.05, 0.3),
    load5: rng.between(0.05, 0.2),
    load15: rng.between(0.05, 0.15),
  };
}

/** One 20-second step of the memory/load model (PLATFORM.md §4.8 semantics). */
export function stepMemory(
  rng: Rng,
  memory: MemoryState,
  input: { quotaMb: number; leakMb: number; secondsSinceStart: number; busy: number },
): MemoryState {
  const warm = 1 - 0.4 * Math.exp(-input.secondsSinceStart / 180);
  const leakMb = memory.leakMb + input.leakMb;
  const demand = Math.max(1, memory.baseMb * warm * (1 + rng.normal() * 0.015) + leakMb);
  const over = demand > input.quotaMb;
  const rssMb = over ? input.quotaMb * rng.between(0.965, 0.995) : demand;
  const swapMb = over ? demand - rssMb : rng.chance(0.2) ? rng.between(0, 0.4) : 0;
  const cacheMb = over ? rng.between(0, 2) : rssMb * rng.between(0.03, 0.06);
  const paging = over ? rng.int(8_000, 30_000) : rng.int(100, 1_500);
  const target = input.busy + (over ? 1.2 + swapMb / input.quotaMb : 0) + rng.between(-0.05, 0.05);
  const load1 = Math.max(0, memory.load1 * 0.72 + target * 0.28);
  return {
    ...memory,
    leakMb,
    rssMb,
    swapMb,
    cacheMb,
    pgpgin: memory.pgpgin + paging,
    pgpgout: memory.pgpgout + Math.round(paging * rng.between(0.4, 0.9)),
    load1,
    load5: memory.load5 * 0.936 + load1 * 0.064,
    load15: memory.load15 * 0.978 + load1 * 0.022,
  };
}

const mb = (value: number) => `${value.toFixed(2)}MB`;

export function memoryTotalMb(memory: MemoryState): number {
  return memory.rssMb + memory.swapMb + memory.cacheMb;
}

/** PLATFORM.md §4.8: the load line and the memory line of one sample. */
export function runtimeMetricLines(input: {
  dynoName: string;
  instance: string;
  memory: MemoryState;
  quotaMb: number;
}): [string, string] {
  const { memory } = input;
  const head = `source=${input.dynoName} dyno=${input.instance}`;
  return [
    `${head} sample#load_avg_1m=${memory.load1.toFixed(2)} sample#load_avg_5m=${memory.load5.toFixed(2)} ` +
      `sample#load_avg_15m=${memory.load15.toFixed(2)}`,
    `${head} sample#memory_total=${mb(memoryTotalMb(memory))} sample#memory_rss=${mb(memory.rssMb)} ` +
      `sample#memory_cache=${mb(memory.cacheMb)} sample#memory_swap=${mb(memory.swapMb)} ` +
      `sample#memory_pgpgin=${memory.pgpgin}pages sample#memory_pgpgout=${memory.pgpgout}pages ` +
      `sample#memory_quota=${mb(input.quotaMb)}`,
  ];
}

/** PLATFORM.md §4.4: `Process running mem=<n>M(<pct>%)`, the percentage with one decimal. */
export function processRunningLine(memory: MemoryState, quotaMb: number): string {
  const total = memoryTotalMb(memory);
  return `Process running mem=${Math.round(total)}M(${((total / quotaMb) * 100).toFixed(1)}%)`;
}

const trim = (value: number, digits: number) => String(Number(value.toFixed(digits)));
const drift = (rng: Rng, value: number, spread: number, min: number, max: number) =>
  Math.min(max, Math.max(min, value + rng.normal() * spread));

export function initialPostgres(rng: Rng): Record<string, number> {
  return {
    transaction: rng.int(10_000_000, 90_000_000),
    dbSize: rng.int(400_000_000, 4_000_000_000),
    tables: rng.int(30, 140),
    active: rng.int(8, 30),
    load1: rng.between(0.05, 0.4),
    writeIops: rng.between(2, 20),
    readIops: rng.between(0, 2),
    memoryFree: rng.int(200_000, 900_000),
    wal: rng.between(0.03, 0.09),
  };
}

/** PLATFORM.md §4.9: next sample of a Heroku Postgres database, and its line. */
export function postgresSample(
  rng: Rng,
  values: Record<string, number>,
  attachment: string,
  addon: string,
): { values: Record<string, number>; text: string } {
  const v = (key: string) => values[key] ?? 0;
  const next = {
    transaction: v("transaction") + rng.int(20_000, 120_000),
    dbSize: v("dbSize") + rng.int(0, 400_000),
    tables: v("tables"),
    active: Math.round(drift(rng, v("active"), 2, 2, 95)),
    load1: drift(rng, v("load1"), 0.05, 0, 4),
    writeIops: drift(rng, v("writeIops"), 1.5, 0, 400),
    readIops: drift(rng, v("readIops"), 0.3, 0, 200),
    memoryFree: Math.round(drift(rng, v("memoryFree"), 20_000, 80_000, 2_000_000)),
    wal: drift(rng, v("wal"), 0.002, 0.01, 0.5),
  };
  const total = 16_070_764;
  const text =
    `source=${attachment} addon=${addon} sample#current_transaction=${next.transaction} ` +
    `sample#db_size=${next.dbSize}bytes sample#tables=${next.tables} ` +
    `sample#active-connections=${next.active} sample#waiting-connections=${rng.chance(0.05) ? 1 : 0} ` +
    `sample#index-cache-hit-rate=${trim(rng.between(0.995, 0.9999), 5)} ` +
    `sample#table-cache-hit-rate=${trim(rng.between(0.99, 0.9995), 5)} ` +
    `sample#load-avg-1m=${trim(next.load1, 3)} sample#load-avg-5m=${trim(next.load1 * 0.8, 3)} ` +
    `sample#load-avg-15m=${trim(next.load1 * 0.7, 3)} sample#read-iops=${trim(next.readIops, 5)} ` +
    `sample#write-iops=${trim(next.writeIops, 4)} sample#tmp-disk-used=40173568 ` +
    `sample#tmp-disk-available=72938614784 sample#memory-total=${total}kB ` +
    `sample#memory-free=${next.memoryFree}kB sample#memory-cached=${total - next.memoryFree - 780_000}kB ` +
    `sample#memory-postgres=${rng.int(300_000, 600_000)}kB sample#wal-percentage-used=${trim(next.wal, 4)}`;
  return { values: next, text };
}

export function initialRedis(rng: Rng): Record<string, number> {
  return {
    active: rng.int(10, 60),
    load1: rng.between(0.05, 0.3),
    writeIops: rng.between(0.5, 6),
    memoryFree: rng.int(5_000_000, 7_000_000),
    memoryRedis: rng.int(40_000_000, 140_000_000),
    hitRate: rng.between(0.9, 0.97),
    evicted: 0,
  };
}

/** PLATFORM.md §4.10: next sample of a Heroku Key-Value Store instance, and its line. */
export function redisSample(
  rng: Rng,
  values: Record<string, number>,
  attachment: string,
  addon: string,
): { values: Record<string, number>; text: string } {
  const v = (key: string) => values[key] ?? 0;
  const next = {
    active: Math.round(drift(rng, v("active"), 2, 1, 400)),
    load1: drift(rng, v("load1"), 0.03, 0, 2),
    writeIops: drift(rng, v("writeIops"), 0.5, 0, 100),
    memoryFree: Math.round(drift(rng, v("memoryFree"), 30_000, 1_000_000, 8_000_000)),
    memoryRedis: Math.round(drift(rng, v("memoryRedis"), 400_000, 1_000_000, 900_000_000)),
    hitRate: drift(rng, v("hitRate"), 0.004, 0.5, 0.999),
    evicted: v("evicted"),
  };
  const total = 8_172_472;
  const text =
    `source=${attachment} addon=${addon} sample#active-connections=${next.active} ` +
    `sample#load-avg-1m=${trim(next.load1, 3)} sample#load-avg-5m=${trim(next.load1 * 0.88, 3)} ` +
    `sample#load-avg-15m=${trim(next.load1 * 0.76, 3)} sample#read-iops=0 ` +
    `sample#write-iops=${trim(next.writeIops, 4)} sample#memory-total=${total}kB ` +
    `sample#memory-free=${next.memoryFree}kB sample#memory-cached=${total - next.memoryFree - 740_000}kB ` +
    `sample#memory-redis=${next.memoryRedis}bytes sample#hit-rate=${trim(next.hitRate, 5)} ` +
    `sample#evicted-keys=${next.evicted}`;
  return { values: next, text };
}
