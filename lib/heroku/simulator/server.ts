// The simulator's HTTP server: the Platform API, log-session streams, and the /__sim/* control API
// (scenarios, manual clock, fault injection) behind its own bearer token.
import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { log } from "@/lib/log";
import { buildAccount } from "./account";
import { type Faults, handleApi } from "./api";
import { DrainSenders } from "./drain-sender";
import { bearerToken, readBody, safeEqual, sendJson } from "./http";
import { LogSessions } from "./log-sessions";
import { RateLimiter } from "./rate-limit";
import { describeScenarios, ScenarioError, startScenario, stopScenario } from "./scenarios";
import { apiTimestamp, seconds, toMicros } from "./time";
import { World } from "./world";

export type SimulatorOptions = {
  /** 0 = a free port (default); the host is always 127.0.0.1. */
  port?: number;
  /** The one API key accepted; default a random UUID. */
  apiKey?: string;
  /** Bearer of /__sim/*; default random hex. */
  scenarioToken?: string;
  /** Seed of all generated traffic (default 42). */
  seed?: number;
  /** Apps in the account, at least 3 (the demo apps); more are generated as app-004... */
  apps?: number;
  /** "manual" moves only through POST /__sim/clock or advance(). */
  clock?: "real" | "manual";
  /** Start of the manual clock (default now). */
  startAt?: Date;
  rateLimit?: { pool: number; refillPerMinute: number };
  /** How long a tail stays open once connected, in simulated seconds (default 900). */
  logSessionLifetimeSeconds?: number;
  /** An unconnected log session expires after this many simulated seconds (default 300). */
  logSessionConnectWithinSeconds?: number;
  /** Multiplies router request rates (default 1). */
  trafficScale?: number;
};

export type RunningSimulator = {
  /** http://127.0.0.1:PORT, no trailing slash. */
  url: string;
  apiKey: string;
  scenarioToken: string;
  /** Moves the manual clock, like POST /__sim/clock. */
  advance: (seconds: number) => Promise<void>;
  close: () => Promise<void>;
  /** Platform API requests served. */
  stats: () => { apiRequests: number };
};

const optionsSchema = z.object({
  port: z.number().int().min(0).max(65_535).default(0),
  apiKey: z.string().min(1).optional(),
  scenarioToken: z.string().min(1).optional(),
  seed: z.number().int().default(42),
  apps: z.number().int().min(3).max(5000).default(3),
  clock: z.enum(["real", "manual"]).default("real"),
  startAt: z.date().optional(),
  rateLimit: z
    .object({ pool: z.number().min(0), refillPerMinute: z.number().min(0) })
    .default({ pool: 4500, refillPerMinute: 75 }),
  logSessionLifetimeSeconds: z.number().positive().default(900),
  logSessionConnectWithinSeconds: z.number().positive().default(300),
  trafficScale: z.number().min(0).max(1000).default(1),
});

/** Simulated history before the clock's start, so the first log session already has lines. */
const WARM_UP_SECONDS = 120;
const REAL_CLOCK_TICK_MS = 250;
const MAX_ADVANCE_SECONDS = 30 * 86_400;

const startScenarioSchema = z.object({
  app: z.string({ error: "app is required" }).min(1, { error: "app is required" }),
  dyno: z.string().nullish(),
  name: z.string({ error: "name is required" }).min(1, { error: "name is required" }),
  params: z.record(z.string(), z.unknown()).nullish(),
});
const clockSchema = z.object({
  advanceSeconds: z
    .number({ error: "advanceSeconds must be a number" })
    .positive({ error: "advanceSeconds must be positive" })
    .max(MAX_ADVANCE_SECONDS, { error: `advanceSeconds must be at most ${MAX_ADVANCE_SECONDS}` }),
});
const faultSchema = z.object({
  status: z.union([z.literal(429), z.literal(500), z.literal(502), z.literal(503)], {
    error: "status must be 429, 500, 502 or 503",
  }),
  count: z.number().int().min(0),
});

class SimError extends Error {
  constructor(
    readonly status: number,
    readonly id: string,
    message: string,
  ) {
    super(message);
  }
}

async function jsonBody<S extends z.ZodType>(
  req: IncomingMessage,
  schema: S,
): Promise<z.output<S>> {
  const text = await readBody(req);
  let raw: unknown = {};
  if (text.trim()) {
    try {
      raw = JSON.parse(text);
    } catch {
      throw new SimError(400, "bad_request", "The body is not valid JSON.");
    }
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new SimError(400, "bad_request", parsed.error.issues[0]?.message ?? "Invalid body.");
  }
  return parsed.data;
}

export async function startSimulator(input: SimulatorOptions = {}): Promise<RunningSimulator> {
  const options = optionsSchema.parse(input);
  const apiKey = options.apiKey ?? randomUUID();
  const scenarioToken = options.scenarioToken ?? randomBytes(16).toString("hex");
  const start = toMicros(options.clock === "manual" ? (options.startAt ?? new Date()) : new Date());
  const world = new World({
    seed: options.seed,
    clock: options.clock,
    startAt: start - seconds(WARM_UP_SECONDS),
    trafficScale: options.trafficScale,
    realNow: () => toMicros(new Date()),
  });
  buildAccount(world, options.apps);
  world.advanceTo(start);

  let baseUrl = "";
  const sessions = new LogSessions(world, {
    lifetimeSeconds: options.logSessionLifetimeSeconds,
    connectWithinSeconds: options.logSessionConnectWithinSeconds,
    baseUrl: () => baseUrl,
  });
  const drains = new DrainSenders(world);
  const faults: Faults = { status: 503, remaining: 0 };
  const stats = { apiRequests: 0 };
  const rateLimit = new RateLimiter(options.rateLimit, () => world.nowUs);
  const apiDeps = { world, apiKey, rateLimit, sessions, drains, faults, stats };

  const advance = (by: number) => {
    if (!Number.isFinite(by) || by < 0 || by > MAX_ADVANCE_SECONDS) {
      throw new SimError(
        400,
        "bad_request",
        `advanceSeconds must be between 0 and ${MAX_ADVANCE_SECONDS}.`,
      );
    }
    if (world.clock !== "manual") {
      throw new SimError(
        409,
        "conflict",
        "The simulator runs on the real clock; it cannot be advanced.",
      );
    }
    world.advanceTo(world.nowUs + seconds(by));
  };

  const handleSim = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const token = bearerToken(req.headers.authorization);
    if (!token || !safeEqual(token, scenarioToken)) {
      throw new SimError(
        401,
        "unauthorized",
        "The scenario API needs Authorization: Bearer <scenario token>.",
      );
    }
    const method = req.method ?? "GET";
    const path = url.pathname.replace(/\/+$/, "");
    if (path === "/__sim/scenarios" && method === "GET") {
      return sendJson(res, 200, describeScenarios());
    }
    if (path === "/__sim/scenarios" && method === "POST") {
      const body = await jsonBody(req, startScenarioSchema);
      try {
        const scenario = startScenario(world, {
          app: body.app,
          dyno: body.dyno ?? undefined,
          name: body.name,
          params: body.params ?? {},
        });
        return sendJson(res, 201, {
          id: scenario.id,
          name: scenario.name,
          app: scenario.app.name,
          dyno: scenario.target ?? null,
          params: scenario.params,
          started_at: apiTimestamp(scenario.startedAt),
        });
      } catch (error) {
        if (error instanceof ScenarioError) throw new SimError(400, "bad_request", error.message);
        throw error;
      }
    }
    const scenarioPath = /^\/__sim\/scenarios\/([^/]+)$/.exec(path);
    if (scenarioPath && method === "DELETE") {
      const scenario = world.scenarios.get(decodeURIComponent(scenarioPath[1] ?? ""));
      if (!scenario) throw new SimError(404, "not_found", "No such scenario.");
      world.sync();
      stopScenario(scenario);
      world.scenarios.delete(scenario.id);
      res.writeHead(204);
      res.end();
      return;
    }
    if (path === "/__sim/clock" && method === "GET") {
      world.sync();
      return sendJson(res, 200, {
        clock: world.clock,
        now: new Date(world.nowUs / 1000).toISOString(),
      });
    }
    if (path === "/__sim/clock" && method === "POST") {
      const body = await jsonBody(req, clockSchema);
      advance(body.advanceSeconds);
      return sendJson(res, 200, {
        clock: world.clock,
        now: new Date(world.nowUs / 1000).toISOString(),
      });
    }
    if (path === "/__sim/faults" && method === "POST") {
      const body = await jsonBody(req, faultSchema);
      faults.status = body.status;
      faults.remaining = body.count;
      return sendJson(res, 200, { status: faults.status, count: faults.remaining });
    }
    throw new SimError(404, "not_found", "Unknown simulator endpoint.");
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const work = url.pathname.startsWith("/__sim/")
      ? handleSim(req, res, url)
      : url.pathname === "/logs/stream"
        ? Promise.resolve(sessions.handle(req, res, url))
        : handleApi(req, res, url, apiDeps);
    work.catch((error: unknown) => {
      if (error instanceof SimError) {
        sendJson(res, error.status, { id: error.id, message: error.message });
        return;
      }
      log.error("simulator: request failed", { path: url.pathname, error });
      if (!res.headersSent) {
        sendJson(res, 500, { id: "internal_server_error", message: "Internal server error." });
      } else {
        res.destroy();
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://127.0.0.1:${port}`;

  const timer =
    options.clock === "real" ? setInterval(() => world.sync(), REAL_CLOCK_TICK_MS) : undefined;
  timer?.unref();

  let closing: Promise<void> | undefined;
  return {
    url: baseUrl,
    apiKey,
    scenarioToken,
    advance: async (by) => {
      advance(by);
    },
    stats: () => ({ apiRequests: stats.apiRequests }),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        if (timer) clearInterval(timer);
        sessions.closeAll();
        drains.closeAll();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
