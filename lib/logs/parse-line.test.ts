import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseLogLine } from "./parse-line";
import type { LogEvent } from "./types";

function fixtureLines(name: string): string[] {
  const text = readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8");
  return text.split("\n").filter((line) => line.length > 0);
}

// An independent oracle for the envelope: the §4.1 grammar as a regex, and Date.parse for time.
const ENVELOPE =
  /^(?<ts>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) (?<source>[a-z0-9_-]+)\[(?<proc>[^\]]+)\]:? ?/;

function envelopeOf(line: string) {
  const groups = ENVELOPE.exec(line)?.groups;
  if (!groups) throw new Error(`fixture line has no envelope: ${line}`);
  const time = groups.ts ?? "";
  const ts = Date.parse(time);
  const fraction = /\.(\d+)/.exec(time)?.[1] ?? "";
  const micros = Number(`${fraction}000000`.slice(0, 6));
  return {
    ts,
    tsMicros: Math.floor(ts / 1000) * 1_000_000 + micros,
    time,
    source: groups.source,
    proc: groups.proc,
  };
}

type Expected = Record<string, unknown> & { kind: LogEvent["kind"] };

const ROUTER_NULLS = {
  method: null,
  path: null,
  host: null,
  requestId: null,
  fwd: null,
  connectMs: null,
  serviceMs: null,
  status: null,
  bytes: null,
  protocol: null,
  tls: null,
  tlsVersion: null,
};
const ROUTER_ERROR_NULLS = { ...ROUTER_NULLS, desc: null, sock: null, cause: null, agent: null };
const METRIC_NULLS = {
  sourceDyno: null,
  instance: null,
  load1m: null,
  load5m: null,
  load15m: null,
  memoryTotalMb: null,
  memoryRssMb: null,
  memoryCacheMb: null,
  memorySwapMb: null,
  memoryPgpgin: null,
  memoryPgpgout: null,
  memoryQuotaMb: null,
};
const API_NULLS = {
  user: null,
  version: null,
  commit: null,
  scale: null,
  build: null,
  configOp: null,
  vars: null,
  command: null,
};
const PLATFORM_NULLS = { title: null, dropped: null, drainToken: null, since: null };

const web = (n: number) => ({ dyno: `web.${n}`, dynoType: "web" });
const worker1 = { dyno: "worker.1", dynoType: "worker" };
const noDyno = { dyno: null, dynoType: null };

const router = (fields: Record<string, unknown>): Expected => ({
  kind: "router",
  ...ROUTER_NULLS,
  ...fields,
});
const routerError = (fields: Record<string, unknown>): Expected => ({
  kind: "router_error",
  ...ROUTER_ERROR_NULLS,
  ...fields,
});
const runtimeError = (dyno: object, code: string, title: string, detail: string | null) =>
  ({ kind: "runtime_error", ...dyno, code, title, detail }) as Expected;
const lifecycle = (dyno: object, event: string, command: string | null, signal: string | null) =>
  ({ kind: "lifecycle", ...dyno, event, command, signal }) as Expected;
const state = (dyno: object, from: string, to: string): Expected => ({
  kind: "state_change",
  ...dyno,
  from,
  to,
});
const exit = (dyno: object, status: number | null): Expected => ({
  kind: "process_exit",
  ...dyno,
  status,
});
const api = (action: string, fields: Record<string, unknown>): Expected => ({
  kind: "api",
  ...noDyno,
  ...API_NULLS,
  action,
  ...fields,
});
const metrics = (dyno: object, fields: Record<string, unknown>): Expected => ({
  kind: "runtime_metrics",
  ...dyno,
  ...METRIC_NULLS,
  ...fields,
});
const platform = (code: string, fields: Record<string, unknown>): Expected => ({
  kind: "platform_error",
  ...noDyno,
  ...PLATFORM_NULLS,
  code,
  ...fields,
});

/** Every example line of PLATFORM.md §4, picked by a substring that occurs in it only. */
const EXAMPLES: [string, Expected][] = [
  // §4.2 router requests
  [
    'path="/api/orders?page=2"',
    router({
      ...web(1),
      method: "GET",
      path: "/api/orders?page=2",
      host: "acme-api-1f2e3d4c5b6a.herokuapp.com",
      requestId: "2f5b1c0e-4d7a-4b9e-8c3f-1a2b3c4d5e6f",
      fwd: "203.0.113.42",
      connectMs: 0,
      serviceMs: 87,
      status: 200,
      bytes: 5123,
      protocol: "https",
    }),
  ],
  [
    'path="/webhooks/stripe"',
    router({
      ...web(2),
      method: "POST",
      path: "/webhooks/stripe",
      host: "api.acme.io",
      requestId: "9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a",
      fwd: "54.187.174.169",
      connectMs: 1,
      serviceMs: 412,
      status: 201,
      bytes: 310,
      protocol: "http1.1",
      tls: true,
      tlsVersion: "tls1.3",
    }),
  ],
  [
    "websocket?vsn=2.0.0",
    router({
      ...web(1),
      method: "GET",
      path: "/socket/websocket?vsn=2.0.0",
      host: "acme-api-1f2e3d4c5b6a.herokuapp.com",
      requestId: "6e5d4c3b-2a1f-4e0d-9c8b-7a6f5e4d3c2b",
      fwd: "198.51.100.7,10.1.2.3",
      connectMs: 0,
      serviceMs: 2410377,
      status: 101,
      bytes: 129,
      protocol: "http2.0",
      tls: true,
      tlsVersion: "unknown",
    }),
  ],
  // §4.3 router errors
  [
    "code=H10",
    routerError({
      ...noDyno,
      code: "H10",
      desc: "App crashed",
      level: "error",
      method: "GET",
      path: "/",
      host: "acme-api-1f2e3d4c5b6a.herokuapp.com",
      requestId: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
      fwd: "203.0.113.42",
      status: 503,
      protocol: "https",
    }),
  ],
  [
    "code=H12",
    routerError({
      ...web(2),
      code: "H12",
      desc: "Request timeout",
      level: "error",
      method: "POST",
      path: "/api/reports/export",
      host: "api.acme.io",
      requestId: "1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e",
      fwd: "198.51.100.23",
      connectMs: 0,
      serviceMs: 30000,
      status: 503,
      bytes: 0,
      protocol: "http1.1",
      tls: true,
      tlsVersion: "tls1.3",
    }),
  ],
  [
    "code=H13",
    routerError({
      ...web(1),
      code: "H13",
      desc: "Connection closed without response",
      level: "error",
      method: "POST",
      path: "/graphql",
      host: "api.acme.io",
      requestId: "2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f",
      fwd: "198.51.100.23",
      connectMs: 0,
      serviceMs: 3,
      status: 503,
      bytes: 0,
      protocol: "http1.1",
      tls: true,
      tlsVersion: "tls1.2",
    }),
  ],
  [
    "sock=backend at=error code=H18",
    routerError({
      ...web(2),
      code: "H18",
      desc: "Server Request Interrupted",
      level: "error",
      sock: "backend",
      method: "POST",
      path: "/graphql",
      host: "api.acme.io",
      requestId: "3d4e5f6a-7b8c-4d9e-0f1a-2b3c4d5e6f7a",
      fwd: "198.51.100.23",
      connectMs: 0,
      serviceMs: 212,
      status: 503,
      bytes: 0,
      protocol: "http1.1",
      tls: true,
      tlsVersion: "tls1.3",
    }),
  ],
  [
    "code=H27",
    routerError({
      ...web(1),
      code: "H27",
      desc: "Client Request Interrupted",
      level: "warning",
      sock: "client",
      method: "GET",
      path: "/api/search?q=boots",
      host: "api.acme.io",
      requestId: "4e5f6a7b-8c9d-4e0f-1a2b-3c4d5e6f7a8b",
      fwd: "192.0.2.10",
      connectMs: 0,
      serviceMs: 2207,
      status: 499,
      protocol: "http2.0",
      tls: true,
      tlsVersion: "tls1.3",
    }),
  ],
  [
    "code=H14",
    routerError({
      ...noDyno,
      code: "H14",
      desc: "No web processes running",
      level: "error",
      method: "GET",
      path: "/favicon.ico",
      host: "acme-api-1f2e3d4c5b6a.herokuapp.com",
      requestId: "5f6a7b8c-9d0e-4f1a-2b3c-4d5e6f7a8b9c",
      fwd: "203.0.113.42",
      status: 503,
      protocol: "https",
    }),
  ],
  [
    "code=H80",
    routerError({
      ...noDyno,
      code: "H80",
      desc: "Maintenance mode",
      level: "info",
      method: "GET",
      path: "/",
      host: "acme-api-1f2e3d4c5b6a.herokuapp.com",
      requestId: "6a7b8c9d-0e1f-4a2b-3c4d-5e6f7a8b9c0d",
      fwd: "203.0.113.42",
      status: 503,
      protocol: "https",
    }),
  ],
  [
    "Error H12 (Request timeout) ->",
    routerError({
      ...web(2),
      code: "H12",
      desc: "Request timeout",
      level: "error",
      method: "GET",
      host: "example-app.herokuapp.com",
      path: "/reports/7",
      serviceMs: 30000,
      status: 503,
      bytes: 0,
    }),
  ],
  [
    'desc="Request Interrupted"',
    routerError({
      ...web(1),
      code: "H18",
      desc: "Request Interrupted",
      level: "error",
      sock: "client",
      method: "GET",
      path: "/feed",
      host: "example-app.herokuapp.com",
      requestId: "7f0e1d2c-3b4a-4958-8677-a6b5c4d3e2f1",
      fwd: "192.0.2.77",
      connectMs: 2,
      serviceMs: 48,
      status: 503,
      bytes: 2048,
    }),
  ],
  // §4.4 runtime errors
  ["mem=612M(119.5%)", { kind: "memory_report", ...web(1), memoryMb: 612, percent: 119.5 }],
  ["Error R14", runtimeError(web(1), "R14", "Memory quota exceeded", null)],
  ["mem=2133M(208.3%)", { kind: "memory_report", ...worker1, memoryMb: 2133, percent: 208.3 }],
  ["Error R15", runtimeError(worker1, "R15", "Memory quota vastly exceeded", null)],
  ["09:02:16.907654+00:00", lifecycle(worker1, "stopping", null, "SIGKILL")],
  ["09:02:17.140022+00:00", exit(worker1, 137)],
  ["09:02:17.188764+00:00", state(worker1, "up", "crashed")],
  [
    "Error R10",
    runtimeError(
      web(2),
      "R10",
      "Boot timeout",
      "Web process failed to bind to $PORT within 60 seconds of launch",
    ),
  ],
  ["10:05:40.012345+00:00", lifecycle(web(2), "stopping", null, "SIGKILL")],
  ["10:05:40.201234+00:00", exit(web(2), 137)],
  ["10:05:40.250000+00:00", state(web(2), "starting", "crashed")],
  [
    "Error R12",
    runtimeError(
      worker1,
      "R12",
      "Exit timeout",
      "At least one process failed to exit within 30 seconds of SIGTERM",
    ),
  ],
  ["Stopping remaining processes", lifecycle(worker1, "stopping", null, "SIGKILL")],
  ["11:00:31.688431+00:00", exit(worker1, 137)],
  [
    "app[run.4821]: Error R13",
    runtimeError(
      { dyno: "run.4821", dynoType: "run" },
      "R13",
      "Attach error",
      "Failed to attach to process",
    ),
  ],
  [
    "Error R16",
    runtimeError(
      { dyno: "run.4821", dynoType: "run" },
      "R16",
      "Detached",
      "An attached process is not responding to SIGHUP after its external connection was closed.",
    ),
  ],
  [
    "Error R17",
    runtimeError(
      web(1),
      "R17",
      "Checksum error",
      "Checksum does match expected value. Expected: SHA256:0d1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a6f7e8d9c0b1a2f3e4d5c6b7a8f9e0d1c Actual: SHA256:9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0",
    ),
  ],
  [
    "Error R99",
    runtimeError(
      { dyno: "run.9999", dynoType: "run" },
      "R99",
      "Platform error",
      "Failed to launch the dyno within 10 seconds",
    ),
  ],
  // §4.5 lifecycle (a crash, then daily cycling)
  [
    "ECONNREFUSED",
    { kind: "app", ...worker1, message: "Error: connect ECONNREFUSED 10.0.0.12:6379" },
  ],
  ["09:02:10.422615+00:00", exit(worker1, 1)],
  ["09:02:10.487239+00:00", state(worker1, "up", "crashed")],
  ["09:02:10.490112+00:00", state(worker1, "crashed", "starting")],
  ["node dist/worker.js", lifecycle(worker1, "starting_process", "node dist/worker.js", null)],
  ["09:02:15.662100+00:00", state(worker1, "starting", "up")],
  ["Cycling", lifecycle(web(1), "cycling", null, null)],
  ["04:17:53.304112+00:00", state(web(1), "up", "starting")],
  ["Stopping all processes with SIGTERM", lifecycle(web(1), "stopping", null, "SIGTERM")],
  ["status 143", exit(web(1), 143)],
  ["heroku[web.1]: Starting process", lifecycle(web(1), "starting_process", "npm start", null)],
  ["04:17:59.900871+00:00", state(web(1), "starting", "up")],
  // §4.6 platform API
  [
    "Build started",
    api("build", {
      build: "started",
      user: "dev@acme.io",
      message: "Build started by user dev@acme.io",
    }),
  ],
  [
    "Deploy 3f9e2c71",
    api("deploy", {
      commit: "3f9e2c71",
      user: "dev@acme.io",
      message: "Deploy 3f9e2c71 by user dev@acme.io",
    }),
  ],
  [
    "Release v142",
    api("release", {
      version: 142,
      user: "dev@acme.io",
      message: "Release v142 created by user dev@acme.io",
    }),
  ],
  ["Build succeeded", api("build", { build: "succeeded", message: "Build succeeded" })],
  [
    "Scaled to",
    api("scale", {
      scale: [
        { type: "web", quantity: 3, size: "Standard-1X" },
        { type: "worker", quantity: 1, size: "Standard-2X" },
      ],
      user: "ops@acme.io",
      message: "Scaled to web@3:Standard-1X worker@1:Standard-2X by user ops@acme.io",
    }),
  ],
  [
    "Set SENTRY_DSN",
    api("config", {
      configOp: "set",
      vars: ["SENTRY_DSN"],
      user: "ops@acme.io",
      message: "Set SENTRY_DSN config vars by user ops@acme.io",
    }),
  ],
  [
    "Release v143",
    api("release", {
      version: 143,
      user: "ops@acme.io",
      message: "Release v143 created by user ops@acme.io",
    }),
  ],
  [
    "rake cleanup",
    api("run", {
      command: "rake cleanup",
      user: "scheduler@addons.heroku.com",
      message: "Starting process with command `rake cleanup` by user scheduler@addons.heroku.com",
    }),
  ],
  [
    "Attach PAPERTRAIL",
    api("addon", {
      user: "ops@acme.io",
      message: "Attach PAPERTRAIL (@ref:papertrail-curved-40211) by user ops@acme.io",
    }),
  ],
  [
    "completed provisioning",
    api("addon", {
      message: "@ref:papertrail-curved-40211 completed provisioning, setting PAPERTRAIL_API_TOKEN.",
    }),
  ],
  // §4.7 L-codes
  [
    "dropped 42 messages",
    platform("L10", {
      title: "output buffer overflow",
      dropped: 42,
      drainToken: "d.6e1b5c2a-94f0-4d3b-a8e7-5f9c0d2b7a41",
      since: "2025-03-04T09:19:45.702233+00:00",
      message:
        "Error L10 (output buffer overflow): drain 'd.6e1b5c2a-94f0-4d3b-a8e7-5f9c0d2b7a41' dropped 42 messages since 2025-03-04T09:19:45.702233+00:00.",
    }),
  ],
  [
    "312 messages dropped",
    platform("L10", {
      title: "output buffer overflow",
      dropped: 312,
      since: "2014-02-10T11:59:41+00:00",
      message:
        "Error L10 (output buffer overflow): 312 messages dropped since 2014-02-10T11:59:41+00:00.",
    }),
  ],
  [
    "L11 (Tail buffer overflow)",
    platform("L11", {
      title: "Tail buffer overflow",
      dropped: 640,
      since: "2025-03-04T09:16:00+00:00",
      message:
        "L11 (Tail buffer overflow) -> This tail session dropped 640 messages since 2025-03-04T09:16:00+00:00",
    }),
  ],
  [
    "Error L12",
    platform("L12", {
      dropped: 87,
      since: "2025-03-04T09:21:32.904417+00:00",
      message: "Error L12: 87 messages dropped since 2025-03-04T09:21:32.904417+00:00.",
    }),
  ],
  [
    "Error L13",
    platform("L13", {
      dropped: 19,
      since: "2025-03-04T09:21:33.210554+00:00",
      message: "Error L13: 19 messages lost since 2025-03-04T09:21:33.210554+00:00.",
    }),
  ],
  [
    "Error L14",
    platform("L14", {
      title: "certificate validation",
      message:
        'Error L14 (certificate validation): error="bad certificate" uri="syslog+tls://logs.acme.io:6514/"',
    }),
  ],
  // §4.8 runtime metrics: the two kinds of line, each with only its own fields
  [
    "sample#load_avg_1m=0.42",
    metrics(web(1), {
      sourceDyno: "web.1",
      instance: "heroku.187733219.5c6f0e1a-2b3d-4e5f-8a9b-0c1d2e3f4a5b",
      load1m: 0.42,
      load5m: 0.31,
      load15m: 0.27,
    }),
  ],
  [
    "sample#memory_total=398.13MB",
    metrics(web(1), {
      sourceDyno: "web.1",
      instance: "heroku.187733219.5c6f0e1a-2b3d-4e5f-8a9b-0c1d2e3f4a5b",
      memoryTotalMb: 398.13,
      memoryRssMb: 381.77,
      memoryCacheMb: 16.36,
      memorySwapMb: 0,
      memoryPgpgin: 214406,
      memoryPgpgout: 116350,
      memoryQuotaMb: 512,
    }),
  ],
  [
    "sample#memory_total=1187.40MB",
    metrics(worker1, {
      sourceDyno: "worker.1",
      instance: "heroku.187733219.9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d",
      memoryTotalMb: 1187.4,
      memoryRssMb: 1021.63,
      memoryCacheMb: 0,
      memorySwapMb: 165.77,
      memoryPgpgin: 913387,
      memoryPgpgout: 651902,
      memoryQuotaMb: 1024,
    }),
  ],
  // §4.9 and §4.10 add-on metrics
  [
    "app[heroku-postgres]",
    {
      kind: "addon_metrics",
      ...noDyno,
      addonKind: "postgres",
      attachment: "DATABASE",
      addon: "postgresql-rugged-51877",
      samples: {
        current_transaction: 46031982,
        db_size: 1874059311,
        tables: 87,
        "active-connections": 23,
        "waiting-connections": 0,
        "index-cache-hit-rate": 0.99912,
        "table-cache-hit-rate": 0.99856,
        "load-avg-1m": 0.125,
        "load-avg-5m": 0.09,
        "load-avg-15m": 0.08,
        "read-iops": 0.51667,
        "write-iops": 12.4,
        "tmp-disk-used": 40173568,
        "tmp-disk-available": 72938614784,
        "memory-total": 16070764,
        "memory-free": 253920,
        "memory-cached": 14836300,
        "memory-postgres": 441620,
        "wal-percentage-used": 0.0659,
      },
      units: {
        db_size: "bytes",
        "memory-total": "kB",
        "memory-free": "kB",
        "memory-cached": "kB",
        "memory-postgres": "kB",
      },
    },
  ],
  [
    "app[heroku-redis]",
    {
      kind: "addon_metrics",
      ...noDyno,
      addonKind: "redis",
      attachment: "REDIS",
      addon: "redis-angular-12093",
      samples: {
        "active-connections": 37,
        "load-avg-1m": 0.21,
        "load-avg-5m": 0.185,
        "load-avg-15m": 0.16,
        "read-iops": 0,
        "write-iops": 3.1167,
        "memory-total": 8172472,
        "memory-free": 6011208,
        "memory-cached": 1420566,
        "memory-redis": 92733416,
        "hit-rate": 0.93812,
        "evicted-keys": 0,
      },
      units: {
        "memory-total": "kB",
        "memory-free": "kB",
        "memory-cached": "kB",
        "memory-redis": "bytes",
      },
    },
  ],
];

/** Lines built from the prose of PLATFORM.md §4 (variants, older forms, rules of thumb). */
const VARIANTS: [string, Expected][] = [
  ["2011-06-14T09:12:31+00:00", state(web(1), "starting", "up")],
  [
    "2010-11-02T08:30:12-07:00",
    router({
      ...web(1),
      method: "GET",
      path: "/",
      host: "example-app.herokuapp.com",
      fwd: "1.2.3.4, 9.8.7.6",
      connectMs: 0,
      serviceMs: 12,
      status: 200,
    }),
  ],
  ["09:41:12Z", { kind: "app", ...web(1), message: "Listening on 0.0.0.0:41523" }],
  [
    "code=H24",
    routerError({
      ...web(1),
      code: "H24",
      desc: "Forced close",
      level: "error",
      method: "GET",
      path: "/slow",
      host: "api.acme.io",
      requestId: "8a9b0c1d-2e3f-4a5b-6c7d-8e9f0a1b2c3d",
      fwd: "203.0.113.42",
      connectMs: 0,
      serviceMs: 12000,
      protocol: "http1.1",
      tls: true,
      tlsVersion: "tls1.3",
    }),
  ],
  [
    "code=H26",
    routerError({
      ...noDyno,
      code: "H26",
      desc: "Request Error",
      cause: "unsupported expect header value",
      level: "error",
      method: "PUT",
      path: "/upload",
      host: "acme-api-1f2e3d4c5b6a.herokuapp.com",
      requestId: "9b0c1d2e-3f4a-4b5c-7d8e-9f0a1b2c3d4e",
      fwd: "203.0.113.42",
      status: 417,
      protocol: "https",
    }),
  ],
  [
    "code=H31",
    routerError({
      ...noDyno,
      code: "H31",
      desc: "Misdirected Request",
      agent: "Mozilla/5.0 (X11; Linux x86_64)",
      level: "error",
      method: "GET",
      path: "/",
      host: "old.acme.io",
      requestId: "0c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f",
      fwd: "198.51.100.7",
      status: 421,
      protocol: "http2.0",
      tls: true,
      tlsVersion: "tls1.3",
    }),
  ],
  [
    "code=H28",
    routerError({
      ...web(3),
      code: "H28",
      desc: "Client Connection Idle",
      sock: "client",
      level: "warning",
      method: "POST",
      path: "/api/upload",
      host: "api.acme.io",
      requestId: "1d2e3f4a-5b6c-4d7e-9f0a-1b2c3d4e5f6a",
      fwd: "192.0.2.10",
      connectMs: 1,
      serviceMs: 55001,
      status: 499,
      protocol: "http1.1",
      tls: true,
      tlsVersion: "tls1.2",
    }),
  ],
  [
    "code=H81",
    routerError({
      ...noDyno,
      code: "H81",
      desc: "Blank app",
      level: "info",
      method: "GET",
      path: "/",
      host: "new-app-0a1b2c3d4e5f.herokuapp.com",
      requestId: "2e3f4a5b-6c7d-4e8f-0a1b-2c3d4e5f6a7b",
      fwd: "203.0.113.42",
      status: 502,
      protocol: "https",
    }),
  ],
  [
    "code=H35",
    routerError({
      ...web(1),
      code: "H35",
      desc: "Something new",
      level: "error",
      method: "GET",
      path: "/",
      host: "api.acme.io",
      requestId: "3f4a5b6c-7d8e-4f9a-1b2c-3d4e5f6a7b8c",
      fwd: "203.0.113.42",
      connectMs: 0,
      serviceMs: 5,
      status: 503,
      bytes: 0,
      protocol: "http1.1",
      tls: true,
      tlsVersion: "tls1.3",
    }),
  ],
  [
    "boots, red",
    router({
      ...web(2),
      method: "GET",
      path: '/search?q="boots, red"&a=b\\c',
      host: "api.acme.io",
      requestId: "4a5b6c7d-8e9f-4a0b-2c3d-4e5f6a7b8c9d",
      fwd: null,
      connectMs: 0,
      serviceMs: 9,
      status: 200,
      bytes: 77,
      protocol: "http1.1",
      tls: false,
      tlsVersion: "unknown",
    }),
  ],
  [
    "dyno=web-1234abcde-123ab",
    router({
      dyno: "web-1234abcde-123ab",
      dynoType: "web",
      method: "GET",
      path: "/",
      host: "api.acme.io",
      requestId: "5b6c7d8e-9f0a-4b1c-3d4e-5f6a7b8c9d0e",
      fwd: "203.0.113.42",
      connectMs: 0,
      serviceMs: 3,
      status: 200,
      bytes: 12,
      protocol: "http2.0",
      tls: true,
      tlsVersion: "tls1.3",
    }),
  ],
  ["mem=540MB(105.5%)", { kind: "memory_report", ...web(1), memoryMb: 540, percent: 105.5 }],
  [
    "heroku[run.4821]: Error R13",
    runtimeError(
      { dyno: "run.4821", dynoType: "run" },
      "R13",
      "Attach error",
      "Failed to attach to process",
    ),
  ],
  [
    "Process failed to exit within 30 seconds",
    runtimeError(
      worker1,
      "R12",
      "Exit timeout",
      "Process failed to exit within 30 seconds of SIGTERM",
    ),
  ],
  [
    "within 10 seconds of SIGTERM",
    runtimeError(
      worker1,
      "R12",
      "Exit timeout",
      "At least one process failed to exit within 10 seconds of SIGTERM",
    ),
  ],
  ["Error R42", runtimeError(web(1), "R42", "Something new", null)],
  ["13-01-10T10:00:00+00:00 heroku[web.1]: Process exited", exit(web(1), null)],
  ["command npm start", lifecycle(web(1), "starting_process", "npm start", null)],
  [
    "command: `bundle",
    lifecycle(web(1), "starting_process", "bundle exec thin start -p 43210", null),
  ],
  ["Restarting", lifecycle(web(1), "restarting", null, null)],
  [": Idling", lifecycle(web(1), "idling", null, null)],
  ["Unidling", lifecycle(web(1), "unidling", null, null)],
  [
    "Awaiting client",
    lifecycle({ dyno: "run.4821", dynoType: "run" }, "awaiting_client", null, null),
  ],
  [
    "Client connection closed",
    lifecycle({ dyno: "run.4821", dynoType: "run" }, "client_closed", null, "SIGHUP"),
  ],
  ["to complete", state(web(1), "up", "complete")],
  ["status 22", exit(web(1), 22)],
  [
    "Build failed",
    api("build", {
      build: "failed",
      message:
        "Build failed -- check your build output: https://dashboard.heroku.com/apps/0e8c3f3b-6c8b-4d35-9a2f-6f1c8b5a1d20/activity/builds/3c2b1a0f-9e8d-4c7b-6a5f-4e3d2c1b0a9f",
    }),
  ],
  [
    "Rollback to v141",
    api("rollback", {
      version: 141,
      user: "ops@acme.io",
      message: "Rollback to v141 by user ops@acme.io",
    }),
  ],
  [
    "Remove FOO",
    api("config", {
      configOp: "remove",
      vars: ["FOO"],
      user: "ops@acme.io",
      message: "Remove FOO config vars by user ops@acme.io",
    }),
  ],
  [
    "Detach PAPERTRAIL",
    api("addon", {
      user: "ops@acme.io",
      message: "Detach PAPERTRAIL (@ref:papertrail-curved-40211) by user ops@acme.io",
    }),
  ],
  [
    "Update DATABASE",
    api("addon", { user: "heroku-postgres", message: "Update DATABASE by heroku-postgres" }),
  ],
  [
    "heroku[api]: Release v7",
    api("release", {
      version: 7,
      user: "someone@example.com",
      message: "Release v7 created by someone@example.com",
    }),
  ],
  [
    "Performance-M",
    api("scale", {
      scale: [{ type: "web", quantity: 4, size: "Performance-M" }],
      user: "autoscaling@heroku.com",
      message: "Scaled to web@4:Performance-M by user autoscaling@heroku.com",
    }),
  ],
  [
    "Error L15",
    platform("L15", {
      title: "Tail buffer temporarily unavailable",
      message: "Error L15 (Tail buffer temporarily unavailable)",
    }),
  ],
  [
    "Error L20",
    platform("L20", {
      title: "tail sessions forbidden",
      message: "Error L20 (tail sessions forbidden)",
    }),
  ],
  [
    "2015-06-01T10:00:00+00:00 heroku[web.1]",
    metrics(web(1), {
      sourceDyno: "web.1",
      instance: "heroku.12345678.0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
      memoryTotalMb: 401.2,
      memoryRssMb: 390.1,
      memoryCacheMb: 11.1,
      memorySwapMb: 0,
      memoryPgpgin: 1000,
      memoryPgpgout: 500,
    }),
  ],
  [
    "sample#load_avg_1m=1.05",
    metrics(web(2), {
      sourceDyno: "web.2",
      instance: "heroku.187733219.1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
      load1m: 1.05,
      load5m: 0.88,
    }),
  ],
  [
    "HEROKU_POSTGRESQL_AMBER",
    {
      kind: "addon_metrics",
      ...noDyno,
      addonKind: "postgres",
      attachment: "HEROKU_POSTGRESQL_AMBER",
      addon: null,
      samples: {
        current_transaction: 1873,
        db_size: 7340032,
        tables: 3,
        "active-connections": 5,
        "waiting-connections": 0,
        "index-cache-hit-rate": 0.99,
        "table-cache-hit-rate": 0.98,
        "load-avg-1m": 0.01,
        "load-avg-5m": 0.02,
        "load-avg-15m": 0.05,
        "read-iops": 0,
        "write-iops": 0.1,
        "memory-total": 7629120,
        "memory-free": 1234,
      },
      units: { db_size: "bytes", "memory-total": "kB", "memory-free": "kB" },
    },
  ],
  [
    "HEROKU_REDIS_MAROON",
    {
      kind: "addon_metrics",
      ...noDyno,
      addonKind: "redis",
      attachment: "HEROKU_REDIS_MAROON",
      addon: null,
      samples: {
        "active-connections": 2,
        "load-avg-1m": 0,
        "load-avg-5m": 0,
        "load-avg-15m": 0,
        "read-iops": 0,
        "write-iops": 0,
        "memory-total": 15664876,
        "memory-free": 15000000,
        "memory-cached": 100,
        "memory-redis": 1048576,
        "hit-rate": 1,
        "evicted-keys": 0,
      },
      units: {
        "memory-total": "kB",
        "memory-free": "kB",
        "memory-cached": "kB",
        "memory-redis": "bytes",
      },
    },
  ],
  [
    "app[postgres.1234]",
    {
      kind: "app",
      ...noDyno,
      message: "[DATABASE] [9-1] LOG:  duration: 1204.312 ms  statement: SELECT 1",
    },
  ],
  // §4.11 rule 7: app output never yields codes, whatever it says.
  [
    "app[web.1]: Error R14",
    { kind: "app", ...web(1), message: "Error R14 (Memory quota exceeded)" },
  ],
  [
    "app[web-1234abcde-123ab]",
    {
      kind: "app",
      dyno: "web-1234abcde-123ab",
      dynoType: "web",
      message: 'at=error code=H12 desc="Request timeout"',
    },
  ],
  [
    "slug-compiler",
    {
      kind: "unknown",
      reason: "shape",
      ...noDyno,
      raw: "2012-03-02T11:04:20+00:00 heroku[slug-compiler]: Slug compiled",
      message: "Slug compiled",
    },
  ],
];

function tableOf(fixture: string, rows: [string, Expected][]): [string, string, Expected][] {
  const lines = fixtureLines(fixture);
  return rows.map(([needle, expected]) => {
    const found = lines.filter((line) => line.includes(needle));
    if (found.length !== 1) throw new Error(`"${needle}" matches ${found.length} lines`);
    const line = found[0] ?? "";
    return [needle, line, { ...envelopeOf(line), ...expected }];
  });
}

describe("parseLogLine on every example of PLATFORM.md §4", () => {
  const table = tableOf("platform-examples.log", EXAMPLES);

  it("covers each fixture line exactly once", () => {
    const covered = table.map(([, line]) => line).sort();
    expect(covered).toEqual(fixtureLines("platform-examples.log").sort());
  });

  it.each(table)("parses the line with %s", (_needle, line, expected) => {
    expect(parseLogLine(line)).toEqual(expected);
  });
});

describe("parseLogLine on the variants PLATFORM.md §4 describes in prose", () => {
  const table = tableOf("platform-variants.log", VARIANTS);

  it("covers each fixture line exactly once", () => {
    const covered = table.map(([, line]) => line).sort();
    expect(covered).toEqual(fixtureLines("platform-variants.log").sort());
  });

  it.each(table)("parses the line with %s", (_needle, line, expected) => {
    expect(parseLogLine(line)).toEqual(expected);
  });
});

describe("parseLogLine on malformed and boundary input", () => {
  const ts = "2025-03-04T09:41:12.337781+00:00";

  it.each([
    ["an empty line", ""],
    ["garbage", "hello world, this is not a log line"],
    ["a timestamp alone", ts],
    ["a truncated source", `${ts} heroku`],
    ["a truncated process", `${ts} heroku[rou`],
    ["an empty process", `${ts} heroku[]: at=info`],
    ["an upper-case source", `${ts} HEROKU[router]: at=info`],
    ["a date with a space", "2025-03-04 09:41:12+00:00 app[web.1]: hi"],
    ["month 13", "2025-13-04T09:41:12+00:00 app[web.1]: hi"],
    ["February 30", "2025-02-30T09:41:12+00:00 app[web.1]: hi"],
    ["February 29 of a common year", "2025-02-29T09:41:12+00:00 app[web.1]: hi"],
    ["hour 24", "2025-03-04T24:00:00+00:00 app[web.1]: hi"],
    ["no zone", "2025-03-04T09:41:12.337781 app[web.1]: hi"],
    ["an empty fraction", "2025-03-04T09:41:12.+00:00 app[web.1]: hi"],
    ["a short offset", "2025-03-04T09:41:12+0000 app[web.1]: hi"],
  ])("gives an unknown event for %s", (_name, line) => {
    expect(parseLogLine(line)).toEqual({
      kind: "unknown",
      reason: "envelope",
      raw: line,
      ts: null,
      tsMicros: null,
      time: null,
      source: null,
      proc: null,
      dyno: null,
      dynoType: null,
      message: null,
    });
  });

  it("keeps an empty app message", () => {
    expect(parseLogLine(`${ts} app[web.1]: `)).toMatchObject({ kind: "app", message: "" });
  });

  it.each([
    ["router", `${ts} heroku[router]: `],
    ["a dyno", `${ts} heroku[web.1]:`],
    ["logplex", `${ts} heroku[logplex]: all good`],
    ["a router line without request fields", `${ts} heroku[router]: at=info`],
    ["a legacy router line cut short", `${ts} heroku[router]: Error H1`],
    ["an unknown source", `${ts} host[web.1]: hello`],
    [
      "a dyno line in an unknown shape",
      `${ts} heroku[web.1]: Error R14 (Memory quota exceeded) now`,
    ],
    ["a memory report without a percentage", `${ts} heroku[web.1]: Process running mem=612M`],
  ])("gives an unknown shape for %s, keeping the envelope", (_name, line) => {
    const event = parseLogLine(line);
    expect(event).toMatchObject({ kind: "unknown", reason: "shape", raw: line, time: ts });
    expect(event.tsMicros).toBe(1741081272337781);
  });

  it("reads empty router values as null", () => {
    const line = `${ts} heroku[router]: sock= at=error code=H99 desc="" cause= agent= method= path= host= request_id= fwd="" dyno= connect= service= status= bytes= protocol= tls= tls_version=`;
    expect(parseLogLine(line)).toEqual({
      kind: "router_error",
      ...envelopeOf(line),
      ...noDyno,
      ...ROUTER_ERROR_NULLS,
      code: "H99",
      level: "error",
    });
  });

  it("parses router fields by key, in any order, ignoring unknown keys", () => {
    expect(
      parseLogLine(
        `${ts} heroku[router]: status=404 queue= wait=0ms dino=x foo bar="x y" service=12.5ms method=DELETE connect=5s bytes=abc path="/a b" dyno=worker.2`,
      ),
    ).toMatchObject({
      kind: "router",
      status: 404,
      serviceMs: 12.5,
      method: "DELETE",
      connectMs: null,
      bytes: null,
      path: "/a b",
      dyno: "worker.2",
      dynoType: "worker",
    });
  });

  it("keeps an unterminated quoted value up to the end of the line", () => {
    expect(parseLogLine(`${ts} heroku[router]: at=info method=GET path="/abc def`)).toMatchObject({
      kind: "router",
      path: "/abc def",
    });
  });

  it("honours escaped quotes and backslashes in quoted values", () => {
    expect(
      parseLogLine(`${ts} heroku[router]: at=error code=H26 desc="a \\"b\\" \\\\ c" status=400`),
    ).toMatchObject({ kind: "router_error", desc: 'a "b" \\ c', status: 400, level: "error" });
  });

  it.each([
    ["2010-11-02T08:30:12-07:00", Date.UTC(2010, 10, 2, 15, 30, 12), 0],
    ["2025-03-04T09:41:12.5+05:30", Date.UTC(2025, 2, 4, 4, 11, 12, 500), 500000],
    ["2025-03-04T09:41:12.123456789Z", Date.UTC(2025, 2, 4, 9, 41, 12, 123), 123456],
    ["2024-02-29T23:59:59.000001z", Date.UTC(2024, 1, 29, 23, 59, 59), 1],
  ])("reads %s to exact UTC time", (time, ms, micros) => {
    const event = parseLogLine(`${time} app[web.1]: x`);
    expect(event).toMatchObject({ kind: "app", time, ts: ms });
    expect(event.tsMicros).toBe(Math.floor(ms / 1000) * 1_000_000 + micros);
  });

  it("orders two lines of the same millisecond by microseconds", () => {
    const a = parseLogLine("2025-03-04T09:30:21.096375+00:00 app[web.1]: a");
    const b = parseLogLine("2025-03-04T09:30:21.096521+00:00 app[web.1]: b");
    expect(a.ts).toBe(b.ts);
    expect((b.tsMicros ?? 0) - (a.tsMicros ?? 0)).toBe(146);
  });

  it("ignores one trailing newline or CRLF", () => {
    const line = `${ts} heroku[web.1]: State changed from up to down`;
    expect(parseLogLine(`${line}\n`)).toEqual(parseLogLine(line));
    expect(parseLogLine(`${line}\r\n`)).toEqual(parseLogLine(line));
    expect(parseLogLine(`${ts} app[web.1]: a\n\n`)).toMatchObject({ kind: "app", message: "a\n" });
  });

  it("accepts the envelope without a colon or space after the process", () => {
    expect(parseLogLine(`${ts} heroku[web.1] Cycling`)).toMatchObject({
      kind: "lifecycle",
      event: "cycling",
    });
    expect(parseLogLine(`${ts} app[web.1]:: with colons: kept`)).toMatchObject({
      kind: "app",
      message: ": with colons: kept",
    });
  });

  it("parses a very long line", () => {
    const message = "x".repeat(200_000);
    expect(parseLogLine(`${ts} app[web.1]: ${message}`)).toMatchObject({ kind: "app", message });
    const path = `/${"a".repeat(50_000)}`;
    expect(
      parseLogLine(`${ts} heroku[router]: at=info method=GET path="${path}" status=200`),
    ).toMatchObject({ kind: "router", path, status: 200 });
  });

  it("takes the level from the code when a router line has no at=", () => {
    expect(parseLogLine(`${ts} heroku[router]: code=H28 status=499`)).toMatchObject({
      kind: "router_error",
      level: "warning",
    });
    expect(parseLogLine(`${ts} heroku[router]: code=H83 status=503`)).toMatchObject({
      level: "info",
    });
    expect(parseLogLine(`${ts} heroku[router]: at=bogus code=H12 status=503`)).toMatchObject({
      level: "error",
    });
  });
});
