// The Platform API routes (PLATFORM.md §1–§2.14): version header, auth, rate-limit pool, Range
// pagination, Heroku's error bodies, and the endpoints Dyno Monitor and the official CLI call.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { dynoSizes, findDynoSize, requireDynoSize } from "./catalog";
import type { DrainSenders } from "./drain-sender";
import {
  BodyTooLargeError,
  basicPassword,
  bearerToken,
  readBody,
  safeEqual,
  sendJson,
} from "./http";
import {
  dynosOfType,
  type FormationChange,
  restartDyno,
  runOneOff,
  scaleFormations,
  stopDyno,
} from "./lifecycle";
import type { LogSessions } from "./log-sessions";
import { type Page, paginate, parseRange } from "./range";
import type { RateLimiter } from "./rate-limit";
import { setFeature } from "./scenarios";
import {
  accountJson,
  appJson,
  drainJson,
  dynoJson,
  dynoSizeJson,
  featureJson,
  formationJson,
  releaseJson,
  shownDrainUrl,
} from "./serialize";
import type { Dyno, Formation, SimApp, World } from "./world";

export type Faults = { status: number; remaining: number };

export type ApiDeps = {
  world: World;
  apiKey: string;
  rateLimit: RateLimiter;
  sessions: LogSessions;
  drains: DrainSenders;
  faults: Faults;
  stats: { apiRequests: number };
};

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly id: string,
    message: string,
  ) {
    super(message);
  }
}

const notFound = (message: string) => new ApiError(404, "not_found", message);
const invalid = (message: string) => new ApiError(422, "invalid_params", message);

// PLATFORM.md §1.1: the old-style body, `error` instead of `message`, with its trailing newline.
const MISSING_VERSION = {
  id: "missing_version",
  error:
    "Please specify a version along with Heroku's API MIME type. For example, `Accept: application/vnd.heroku+json; version=3`.\n",
};
const UNAUTHORIZED = { id: "unauthorized", message: "Invalid credentials provided." };
// PLATFORM.md §1.3
const RATE_LIMITED = {
  id: "rate_limit",
  message:
    "Your account reached the API rate limit\nPlease wait a few minutes before making new requests",
  url: "https://devcenter.heroku.com/articles/platform-api-reference#rate-limits",
};
const FAULT_BODIES: Record<number, { id: string; message: string; url?: string }> = {
  429: RATE_LIMITED,
  500: { id: "internal_server_error", message: "Internal server error." },
  502: { id: "bad_gateway", message: "Bad gateway." },
  503: {
    id: "service_unavailable",
    message: "The API is temporarily unavailable. Please try again in a few moments.",
  },
};
const UNKNOWN_ENDPOINT =
  "The requested API endpoint was not found. Are you using the right HTTP verb (i.e. `GET` vs. `POST`), and did you specify your intended version with the `Accept` header?";

type Json = Record<string, unknown>;

type Result =
  | { status: number; body: unknown }
  | { status?: undefined; list: Json[]; ranges: readonly string[] };

type Context = {
  deps: ApiDeps;
  params: Record<string, string>;
  sdk: boolean;
  readJson: () => Promise<unknown>;
};

type Route = {
  method: string;
  segments: string[];
  handler: (context: Context) => Result | Promise<Result>;
  /** PLATFORM.md §1.3: reading the pool does not cost a token. */
  free: boolean;
};

async function parseBody<S extends z.ZodType>(context: Context, schema: S): Promise<z.output<S>> {
  const raw = await context.readJson();
  const parsed = schema.safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.join(".") ?? "";
  throw invalid(`Invalid params${field ? ` (${field})` : ""}: ${issue?.message ?? "invalid"}.`);
}

function findApp(context: Context): SimApp {
  const app = context.deps.world.findApp(context.params.app ?? "");
  if (!app) throw notFound("Couldn't find that app.");
  return app;
}

function findFormation(app: SimApp, type: string): Formation {
  const formation =
    app.formations.get(type) ?? [...app.formations.values()].find((f) => f.id === type);
  if (!formation) throw notFound(`Couldn't find that process type (${type}).`);
  return formation;
}

function findDyno(app: SimApp, nameOrId: string): Dyno | undefined {
  return app.dynos.get(nameOrId) ?? [...app.dynos.values()].find((d) => d.id === nameOrId);
}

const accepted: Result = { status: 202, body: {} };

const quantitySchema = z.union([
  z.number({ error: "quantity must be an integer" }).int({ error: "quantity must be an integer" }),
  z
    .string()
    .regex(/^\d+$/, { error: "quantity must be an integer" })
    .transform((value) => Number.parseInt(value, 10)),
]);
const scaleSchema = z.object({
  quantity: quantitySchema.optional(),
  size: z.string().optional(),
  dyno_size: z.object({ id: z.string().optional(), name: z.string().optional() }).optional(),
});
const batchSchema = z.object({
  updates: z.array(scaleSchema.extend({ type: z.string().min(1) }), {
    error: "updates must be a list",
  }),
});

function resolveChange(
  formation: Formation,
  update: z.output<typeof scaleSchema>,
): FormationChange {
  const sizeName = update.dyno_size?.name ?? update.dyno_size?.id ?? update.size;
  const size = sizeName === undefined ? undefined : findDynoSize(sizeName);
  if (sizeName !== undefined && !size) throw invalid(`Invalid dyno size: ${sizeName}.`);
  if (size?.privateSpaceOnly) {
    throw invalid(`${size.name} dynos are only available in Private Spaces.`);
  }
  const effective = size ?? formation.size;
  if (update.quantity !== undefined) {
    if (update.quantity < 0) throw invalid("Quantity must be zero or more.");
    if (update.quantity > effective.maxQuantity) {
      throw invalid(
        effective.maxQuantity === 1
          ? `Cannot update to more than 1 ${effective.name} size dynos per process type.`
          : `Cannot scale ${formation.type} above ${effective.maxQuantity} dynos.`,
      );
    }
  }
  return { formation, quantity: update.quantity, size };
}

const logSessionSchema = z.object({
  dyno: z.string().nullish(),
  dyno_name: z.string().nullish(),
  type: z.string().nullish(),
  source: z.enum(["app", "heroku"], { error: "source must be app or heroku" }).nullish(),
  lines: z
    .number({ error: "lines must be an integer" })
    .int({ error: "lines must be an integer" })
    .min(0, { error: "lines must be zero or more" })
    .nullish(),
  tail: z.boolean({ error: "tail must be true or false" }).nullish(),
});

const drainSchema = z.object({ url: z.string({ error: "url is required" }).min(1) });

const oneOffSchema = z.object({
  command: z.string({ error: "command is required" }).min(1, { error: "command is required" }),
  attach: z.boolean().nullish(),
  size: z.string().nullish(),
  type: z.string().nullish(),
  time_to_live: z.number().int().min(1).max(86_400).nullish(),
  env: z.record(z.string(), z.string()).nullish(),
  force_no_tty: z.boolean().nullish(),
});

function route(method: string, path: string, handler: Route["handler"], free = false): Route {
  return { method, segments: path.split("/").filter(Boolean), handler, free };
}

const restartAll = (world: World, app: SimApp, dynos: Dyno[]) => {
  for (const dyno of dynos) {
    if (dyno.oneOff) stopDyno(world, app, dyno);
    else restartDyno(world, app, dyno, "Restarting");
  }
};

const routes: Route[] = [
  route("GET", "/account", ({ deps }) => ({ status: 200, body: accountJson(deps.world.account) })),
  route("GET", "/users/~", ({ deps }) => ({ status: 200, body: accountJson(deps.world.account) })),
  route(
    "GET",
    "/account/rate-limits",
    ({ deps }) => ({ status: 200, body: { remaining: deps.rateLimit.remaining() } }),
    true,
  ),
  route("GET", "/apps", ({ deps, sdk }) => ({
    list: deps.world.apps.map((app) => appJson(app, deps.world.account, sdk)),
    ranges: ["id", "name", "updated_at"],
  })),
  route("GET", "/users/:user/apps", ({ deps, sdk, params }) => {
    const account = deps.world.account;
    if (![`~`, account.id, account.email].includes(params.user ?? "")) {
      throw notFound("Couldn't find that user.");
    }
    return {
      list: deps.world.apps.map((app) => appJson(app, account, sdk)),
      ranges: ["id", "name", "updated_at"],
    };
  }),
  route("GET", "/teams/:team/apps", () => {
    throw notFound("Couldn't find that team.");
  }),
  route("GET", "/apps/:app", (context) => ({
    status: 200,
    body: appJson(findApp(context), context.deps.world.account, context.sdk),
  })),
  route("PATCH", "/apps/:app", async (context) => {
    const app = findApp(context);
    const input = await parseBody(context, z.object({ maintenance: z.boolean().optional() }));
    if (input.maintenance !== undefined && input.maintenance !== app.maintenance) {
      app.maintenance = input.maintenance;
      app.updatedAt = context.deps.world.nowUs;
    }
    return { status: 200, body: appJson(app, context.deps.world.account, context.sdk) };
  }),
  route("GET", "/apps/:app/formation", (context) => {
    const app = findApp(context);
    return {
      list: [...app.formations.values()].map((f) => formationJson(app, f)),
      ranges: ["id", "type"],
    };
  }),
  route("PATCH", "/apps/:app/formation", async (context) => {
    const app = findApp(context);
    const input = await parseBody(context, batchSchema);
    const changes = input.updates.map((u) => resolveChange(findFormation(app, u.type), u));
    scaleFormations(context.deps.world, app, changes);
    return { status: 200, body: changes.map((c) => formationJson(app, c.formation)) };
  }),
  route("GET", "/apps/:app/formation/:type", (context) => {
    const app = findApp(context);
    return { status: 200, body: formationJson(app, findFormation(app, context.params.type ?? "")) };
  }),
  route("PATCH", "/apps/:app/formation/:type", async (context) => {
    const app = findApp(context);
    const formation = findFormation(app, context.params.type ?? "");
    const change = resolveChange(formation, await parseBody(context, scaleSchema));
    scaleFormations(context.deps.world, app, [change]);
    return { status: 200, body: formationJson(app, formation) };
  }),
  route("DELETE", "/apps/:app/formations/:type", (context) => {
    const app = findApp(context);
    const formation = findFormation(app, context.params.type ?? "");
    restartAll(context.deps.world, app, dynosOfType(app, formation.type));
    return accepted;
  }),
  route("POST", "/apps/:app/formations/:type/actions/stop", (context) => {
    const app = findApp(context);
    const formation = findFormation(app, context.params.type ?? "");
    for (const dyno of dynosOfType(app, formation.type)) stopDyno(context.deps.world, app, dyno);
    return accepted;
  }),
  route("GET", "/apps/:app/dynos", (context) => {
    const app = findApp(context);
    return { list: [...app.dynos.values()].map((d) => dynoJson(app, d)), ranges: ["id", "name"] };
  }),
  route("POST", "/apps/:app/dynos", async (context) => {
    const app = findApp(context);
    const input = await parseBody(context, oneOffSchema);
    const size = input.size ? findDynoSize(input.size) : requireDynoSize("Standard-1X");
    if (!size) throw invalid(`Invalid dyno size: ${input.size}.`);
    const dyno = runOneOff(context.deps.world, app, {
      command: input.command,
      size,
      timeToLive: input.time_to_live ?? 3600,
    });
    return { status: 201, body: dynoJson(app, dyno) };
  }),
  route("DELETE", "/apps/:app/dynos", (context) => {
    const app = findApp(context);
    restartAll(context.deps.world, app, [...app.dynos.values()]);
    return accepted;
  }),
  route("GET", "/apps/:app/dynos/:dyno", (context) => {
    const app = findApp(context);
    const dyno = findDyno(app, context.params.dyno ?? "");
    if (!dyno) throw notFound("Couldn't find that dyno.");
    return { status: 200, body: dynoJson(app, dyno) };
  }),
  route("DELETE", "/apps/:app/dynos/:dyno", (context) => {
    const app = findApp(context);
    const name = context.params.dyno ?? "";
    const dyno = findDyno(app, name);
    if (dyno) {
      restartAll(context.deps.world, app, [dyno]);
      return accepted;
    }
    // PLATFORM.md §2.5: a process type in the dyno slot restarts every dyno of that type.
    if (app.formations.has(name)) {
      restartAll(context.deps.world, app, dynosOfType(app, name));
      return accepted;
    }
    throw notFound("Couldn't find that dyno.");
  }),
  route("POST", "/apps/:app/dynos/:dyno/actions/stop", (context) => {
    const app = findApp(context);
    const dyno = findDyno(app, context.params.dyno ?? "");
    if (!dyno) throw notFound("Couldn't find that dyno.");
    stopDyno(context.deps.world, app, dyno);
    return accepted;
  }),
  route("GET", "/apps/:app/features", (context) => {
    const app = findApp(context);
    return { list: [...app.features.values()].map(featureJson), ranges: ["id", "name"] };
  }),
  route("GET", "/apps/:app/features/:name", (context) => {
    const app = findApp(context);
    const feature = app.features.get(context.params.name ?? "");
    if (!feature) throw notFound("Couldn't find that feature.");
    return { status: 200, body: featureJson(feature) };
  }),
  route("PATCH", "/apps/:app/features/:name", async (context) => {
    const app = findApp(context);
    const feature = app.features.get(context.params.name ?? "");
    if (!feature) throw notFound("Couldn't find that feature.");
    const input = await parseBody(
      context,
      z.object({ enabled: z.boolean({ error: "enabled must be true or false" }) }),
    );
    setFeature(context.deps.world, app, feature.spec.name, input.enabled);
    return { status: 200, body: featureJson(feature) };
  }),
  route("GET", "/dyno-sizes", () => ({
    list: dynoSizes.map(dynoSizeJson),
    ranges: ["id", "name"],
  })),
  route("GET", "/dyno-sizes/:size", ({ params }) => {
    const size = findDynoSize(params.size ?? "");
    if (!size) throw notFound("Couldn't find that dyno size.");
    return { status: 200, body: dynoSizeJson(size) };
  }),
  route("GET", "/apps/:app/available-dyno-sizes", (context) => {
    findApp(context);
    return {
      list: dynoSizes.filter((s) => !s.privateSpaceOnly).map(dynoSizeJson),
      ranges: ["id", "name"],
    };
  }),
  route("GET", "/apps/:app/log-drains", (context) => {
    const app = findApp(context);
    return { list: [...app.drains.values()].map((d) => drainJson(app, d)), ranges: ["id", "url"] };
  }),
  route("POST", "/apps/:app/log-drains", async (context) => {
    const app = findApp(context);
    const { url } = await parseBody(context, drainSchema);
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !["http:", "https:", "syslog:", "syslog+tls:"].includes(parsed.protocol)) {
      throw invalid("Url is invalid.");
    }
    // PLATFORM.md §2.8: the same URL twice is refused (inferred id invalid_params).
    if ([...app.drains.values()].some((d) => d.url === url)) {
      throw invalid("Url has already been taken.");
    }
    const now = context.deps.world.nowUs;
    const drain = {
      id: app.ids.uuid(),
      url,
      token: `d.${app.ids.uuid()}`,
      createdAt: now,
      updatedAt: now,
    };
    app.drains.set(drain.id, drain);
    context.deps.drains.add(app, drain);
    return { status: 201, body: drainJson(app, drain) };
  }),
  route("GET", "/apps/:app/log-drains/:drain", (context) => {
    const app = findApp(context);
    const drain = findDrain(app, context.params.drain ?? "");
    return { status: 200, body: drainJson(app, drain) };
  }),
  route("DELETE", "/apps/:app/log-drains/:drain", (context) => {
    const app = findApp(context);
    const drain = findDrain(app, context.params.drain ?? "");
    app.drains.delete(drain.id);
    context.deps.drains.remove(drain);
    return { status: 200, body: drainJson(app, drain) };
  }),
  route("POST", "/apps/:app/log-sessions", async (context) => {
    const app = findApp(context);
    const input = await parseBody(context, logSessionSchema);
    const session = context.deps.sessions.create(app, {
      dyno: input.dyno_name || input.dyno || input.type || undefined,
      source: input.source ?? undefined,
      lines: input.lines ?? 100,
      tail: input.tail ?? false,
    });
    return { status: 201, body: session };
  }),
  route("GET", "/apps/:app/releases", (context) => {
    const app = findApp(context);
    const account = context.deps.world.account;
    return {
      list: app.releases.map((r) => releaseJson(app, r, account)),
      ranges: ["id", "version"],
    };
  }),
  route("GET", "/apps/:app/releases/:release", (context) => {
    const app = findApp(context);
    const wanted = (context.params.release ?? "").replace(/^v/, "");
    const release = app.releases.find((r) => r.id === wanted || String(r.version) === wanted);
    if (!release) throw notFound("Couldn't find that release.");
    return { status: 200, body: releaseJson(app, release, context.deps.world.account) };
  }),
];

function findDrain(app: SimApp, key: string) {
  const drain = [...app.drains.values()].find(
    (d) => d.id === key || d.url === key || shownDrainUrl(d.url) === key || d.token === key,
  );
  if (!drain) throw notFound("Couldn't find that log drain.");
  return drain;
}

function match(
  method: string,
  segments: string[],
): { route: Route; params: Record<string, string> } | undefined {
  for (const candidate of routes) {
    if (candidate.method !== method || candidate.segments.length !== segments.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < segments.length; i++) {
      const want = candidate.segments[i] ?? "";
      const got = segments[i] ?? "";
      if (want.startsWith(":")) params[want.slice(1)] = got;
      else if (want !== got) {
        ok = false;
        break;
      }
    }
    if (ok) return { route: candidate, params };
  }
  return undefined;
}

function decodeSegments(pathname: string): string[] | undefined {
  try {
    return pathname.split("/").filter(Boolean).map(decodeURIComponent);
  } catch {
    return undefined;
  }
}

/** PLATFORM.md §1.1: `version=3`, or a `3.<variant>` such as `3.sdk`. */
function acceptedVersion(accept: string | undefined): string | undefined {
  const match = /application\/vnd\.heroku\+json\s*;\s*version=(3(?:\.[\w-]+)?)\b/i.exec(
    accept ?? "",
  );
  return match?.[1];
}

function authorized(req: IncomingMessage, apiKey: string): boolean {
  const header = req.headers.authorization;
  const presented = bearerToken(header) ?? basicPassword(header);
  return presented !== undefined && safeEqual(presented, apiKey);
}

const sortKey = (item: Json, field: string): string | number => {
  const value = item[field];
  return typeof value === "number" ? value : String(value ?? "");
};

export async function handleApi(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  deps: ApiDeps,
): Promise<void> {
  const { world, rateLimit } = deps;
  deps.stats.apiRequests += 1;
  world.sync();
  const headers = (): Record<string, string> => ({
    "RateLimit-Remaining": String(rateLimit.remaining()),
    "Request-Id": randomUUID(),
    "Cache-Control": "private, no-cache",
  });
  const fail = (status: number, body: unknown, extra: Record<string, string> = {}) =>
    sendJson(res, status, body, { ...headers(), ...extra });

  const version = acceptedVersion(req.headers.accept);
  if (!version) return fail(400, MISSING_VERSION);
  if (!authorized(req, deps.apiKey)) return fail(401, UNAUTHORIZED);
  if (deps.faults.remaining > 0) {
    deps.faults.remaining -= 1;
    const status = deps.faults.status;
    const body = FAULT_BODIES[status] ?? {
      id: "internal_server_error",
      message: "Internal server error.",
    };
    return fail(status, body, status === 429 ? { "Retry-After": "1" } : {});
  }

  const method = (req.method ?? "GET").toUpperCase();
  const segments = decodeSegments(url.pathname);
  const found = segments ? match(method, segments) : undefined;
  if (!found?.route.free && !rateLimit.take()) {
    return fail(429, RATE_LIMITED, { "Retry-After": String(rateLimit.retryAfterSeconds()) });
  }
  if (!found) return fail(404, { id: "not_found", message: UNKNOWN_ENDPOINT });

  let bodyText: string | undefined;
  const context: Context = {
    deps,
    params: found.params,
    sdk: version === "3.sdk",
    readJson: async () => {
      bodyText ??= await readBody(req);
      if (bodyText.trim() === "") return {};
      try {
        return JSON.parse(bodyText) as unknown;
      } catch {
        throw new ApiError(400, "bad_request", "Unable to parse the request body as JSON.");
      }
    },
  };

  let result: Result;
  try {
    result = await found.route.handler(context);
  } catch (error) {
    if (error instanceof ApiError)
      return fail(error.status, { id: error.id, message: error.message });
    if (error instanceof BodyTooLargeError) {
      return fail(413, { id: "request_entity_too_large", message: "Request body too large." });
    }
    throw error;
  }

  if (result.status !== undefined) return sendJson(res, result.status, result.body, headers());
  const range = parseRange(req.headers.range, result.ranges);
  if (!range) {
    return fail(416, {
      id: "requested_range_not_satisfiable",
      message: `Requested range is not satisfiable. Sortable fields: ${result.ranges.join(", ")}.`,
    });
  }
  const page: Page<Json> = paginate(result.list, sortKey, range);
  sendJson(res, page.partial ? 206 : 200, page.items, {
    ...headers(),
    "Accept-Ranges": result.ranges.join(", "),
    ...(page.contentRange ? { "Content-Range": page.contentRange } : {}),
    ...(page.nextRange ? { "Next-Range": page.nextRange } : {}),
  });
}
