// Typed events for one Heroku log line (PLATFORM.md §4). Field names are documented in README.md.

/** Envelope fields every parsed line carries (PLATFORM.md §4.1). */
export type Envelope = {
  /** Epoch milliseconds, UTC (fraction below 1 ms dropped). */
  ts: number;
  /** Epoch microseconds, UTC: exact and comparable (years ~1685–2255 only); the dedupe key. */
  tsMicros: number;
  /** The timestamp as written in the line. */
  time: string;
  /** `app`, `heroku`, or whatever the line says. */
  source: string;
  /** The bracketed process name: `router`, `web.1`, `api`, `heroku-postgres`... */
  proc: string;
  /** The dyno the line is about (`web.1`, `run.4821`, Fir `web-1234abcde-123ab`), else null. */
  dyno: string | null;
  /** Process type of `dyno`: `web` for `web.1` and for Fir `web-abc12-xyz`, `run` for `run.4821`. */
  dynoType: string | null;
};

/** Request fields of a router line; each is null when missing or empty (PLATFORM.md §4.2). */
export type RouterRequest = {
  method: string | null;
  path: string | null;
  host: string | null;
  requestId: string | null;
  fwd: string | null;
  connectMs: number | null;
  serviceMs: number | null;
  status: number | null;
  bytes: number | null;
  protocol: string | null;
  tls: boolean | null;
  tlsVersion: string | null;
};

export type RouterEvent = Envelope & RouterRequest & { kind: "router" };

export type RouterErrorLevel = "error" | "warning" | "info";

export type RouterErrorEvent = Envelope &
  RouterRequest & {
    kind: "router_error";
    /** `H10`, `H12`...; unknown codes are kept as written. */
    code: string;
    desc: string | null;
    /** `at=` when present, else derived from the code (H27/H28 warning, H80–H83 info). */
    level: RouterErrorLevel;
    sock: string | null;
    cause: string | null;
    agent: string | null;
  };

export type RuntimeErrorEvent = Envelope & {
  kind: "runtime_error";
  /** `R10`, `R14`...; unknown codes are kept as written. */
  code: string;
  title: string;
  /** The text after ` -> `, if any. */
  detail: string | null;
};

export type MemoryReportEvent = Envelope & {
  kind: "memory_report";
  memoryMb: number;
  /** Relative to the dyno's quota: 119.5 means 119.5 %. */
  percent: number;
};

export type StateChangeEvent = Envelope & { kind: "state_change"; from: string; to: string };

export type ProcessExitEvent = Envelope & {
  kind: "process_exit";
  /** Null for the very old bare `Process exited`. */
  status: number | null;
};

export type LifecycleAction =
  | "starting_process"
  | "stopping"
  | "cycling"
  | "restarting"
  | "idling"
  | "unidling"
  | "awaiting_client"
  | "client_closed";

export type LifecycleEvent = Envelope & {
  kind: "lifecycle";
  event: LifecycleAction;
  /** `starting_process` only. */
  command: string | null;
  /** `stopping` (`SIGTERM`, `SIGKILL`) and `client_closed` (`SIGHUP`). */
  signal: string | null;
};

export type RuntimeMetricsEvent = Envelope & {
  kind: "runtime_metrics";
  /** `source=`: the dyno name, stable across restarts; the series key. */
  sourceDyno: string | null;
  /** `dyno=heroku.<app>.<uuid>`: the physical instance, new on every restart. */
  instance: string | null;
  load1m: number | null;
  load5m: number | null;
  load15m: number | null;
  memoryTotalMb: number | null;
  memoryRssMb: number | null;
  memoryCacheMb: number | null;
  memorySwapMb: number | null;
  /** Pages, cumulative. */
  memoryPgpgin: number | null;
  /** Pages, cumulative. */
  memoryPgpgout: number | null;
  memoryQuotaMb: number | null;
};

export type AddonKind = "postgres" | "redis";

export type AddonMetricsEvent = Envelope & {
  kind: "addon_metrics";
  addonKind: AddonKind;
  /** `source=`: the attachment name (`DATABASE`, `HEROKU_POSTGRESQL_AMBER`, `REDIS`). */
  attachment: string | null;
  /** `addon=` (absent on old lines). */
  addon: string | null;
  /** `sample#<name>` without the prefix → the number with its unit suffix stripped. */
  samples: Record<string, number>;
  /** The unit suffix that was stripped (`bytes`, `kB`, `MB`, `pages`), for samples that had one. */
  units: Record<string, string>;
};

export type PlatformErrorEvent = Envelope & {
  kind: "platform_error";
  /** `L10`, `L11`...; unknown codes are kept as written. */
  code: string;
  title: string | null;
  /** Messages dropped or lost, when the line says so. */
  dropped: number | null;
  /** The drain token named by an L10 line (`d.<uuid>`). */
  drainToken: string | null;
  /** The `since <timestamp>` text. */
  since: string | null;
  message: string;
};

export type ApiAction =
  | "release"
  | "deploy"
  | "scale"
  | "build"
  | "config"
  | "rollback"
  | "restart"
  | "run"
  | "addon"
  | "other";

export type ScaleEntry = { type: string; quantity: number; size: string | null };

export type ApiEvent = Envelope & {
  kind: "api";
  action: ApiAction;
  /** Who did it (`by user <x>` or the old `by <x>`). */
  user: string | null;
  /** `release` (created) and `rollback` (target). */
  version: number | null;
  /** `deploy`. */
  commit: string | null;
  /** `scale`. */
  scale: ScaleEntry[] | null;
  build: "started" | "succeeded" | "failed" | null;
  configOp: "set" | "remove" | null;
  /** `config`: variable names. */
  vars: string[] | null;
  /** `run`. */
  command: string | null;
  message: string;
};

export type AppEvent = Envelope & { kind: "app"; message: string };

/**
 * A line that could not be placed: `reason` is `envelope` when the envelope did not split (the
 * envelope fields are then null) or `shape` for an unrecognised message.
 */
export type UnknownEvent = {
  kind: "unknown";
  reason: "envelope" | "shape";
  raw: string;
  ts: number | null;
  tsMicros: number | null;
  time: string | null;
  source: string | null;
  proc: string | null;
  dyno: string | null;
  dynoType: string | null;
  message: string | null;
};

export type LogEvent =
  | RouterEvent
  | RouterErrorEvent
  | RuntimeErrorEvent
  | MemoryReportEvent
  | StateChangeEvent
  | ProcessExitEvent
  | LifecycleEvent
  | RuntimeMetricsEvent
  | AddonMetricsEvent
  | PlatformErrorEvent
  | ApiEvent
  | AppEvent
  | UnknownEvent;

export type LogEventKind = LogEvent["kind"];
