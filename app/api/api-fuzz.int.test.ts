// Every REST endpoint under app/api (Auth.js's own excepted), called as an admin with an API token,
// gets hostile bodies and query strings: wrong types in every field, NUL and lone surrogates in
// every string, huge and NaN-ish numbers, unknown kinds, nested garbage, non-JSON and empty bodies.
// None may answer 5xx, every error is the usual JSON, and every 422 names the fields it refuses.
// A few valid calls per endpoint prove the hostile ones reached a working handler. Seeded:
// FUZZ_SEED=<n> replays another set of generated values.
// biome-ignore-all lint/style/noRestrictedImports: a test, not a handler: it sets up its own database and users
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { discoverApps } from "@/lib/apps/discover";
import { resetConfigForTests } from "@/lib/config";
import { installDbHandle } from "@/lib/db/client";
import { HerokuClient } from "@/lib/heroku/client";
import { closeHerokuConnection } from "@/lib/heroku/connection";
import { type RunningSimulator, startSimulator } from "@/lib/heroku/simulator";
import { createRng, type Rng } from "@/lib/heroku/simulator/prng";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { createTestApiToken, createTestUser, testCtx } from "@/lib/testing/factories";
import { listAppRoutes } from "@/lib/testing/routes";

const SEED = Number(process.env.FUZZ_SEED ?? 12);
const CRON_SECRET = `fuzz-cron-${randomBytes(12).toString("hex")}`;
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
type Method = (typeof METHODS)[number];
type Params = Record<string, string>;
type Handler = (req: Request, ctx: { params: Promise<Params> }) => Promise<Response>;

const R14 = {
  name: "fuzz R14",
  kind: "error_code",
  app: "shop-prod",
  dynoType: "web",
  params: { code: "R14", leastCount: 3, windowSeconds: 300, forSeconds: 0 },
  channels: ["email"],
  recipients: ["ops@example.com", "+41793026727"],
  action: "restart_dyno",
  repeatIntervalSeconds: 600,
  restartCoolingSeconds: null,
  dryRun: false,
  enabled: true,
};
const WEB_CHECK = {
  name: "fuzz web",
  kind: "web",
  app: "shop-prod",
  url: "https://shop.example.com/health",
  intervalSeconds: 60,
  timeoutMs: 5000,
  enabled: true,
  config: { method: "GET", expectedStatus: "200-399", bodyText: "ok", followRedirects: false },
};
const REDIS_CHECK = {
  name: "fuzz queue",
  kind: "redis",
  url: "redis://:pw@127.0.0.1:6379/0",
  config: { listName: "jobs", listThreshold: 100 },
};

type ValidCall = { method: Method; body?: unknown; query?: string; status: number };
type Spec = {
  /** The dynamic segments of the valid calls (a created rule's id…); hostile ones are tried too. */
  params?: () => Promise<Params>;
  /** Bodies the hostile ones are mutated from, per method. */
  bodies?: Partial<Record<Method, unknown[]>>;
  /** Query keys the endpoint reads, so hostile values reach its parser. */
  queryKeys?: string[];
  valid: ValidCall[] | { none: string };
};

let database: TestDatabase;
let sim: RunningSimulator;
let bearer: string;

const created = async (path: string, body: unknown): Promise<string> => {
  const module = await handlerModule(`app/api${path}/route.ts`);
  const response = await (module.POST as Handler)(
    request(`/api${path}`, "POST", { body: JSON.stringify(body) }),
    { params: Promise.resolve({}) },
  );
  expect(response.status, `creating ${path}`).toBe(201);
  return (await response.json()).id;
};

/** What each endpoint is asked; a new endpoint fails the inventory test until it is described. */
const SPECS: Record<string, Spec> = {
  "app/api/apps/[app]/metrics/route.ts": {
    params: async () => ({ app: "shop-prod" }),
    queryKeys: ["series", "from", "to", "step", "dynoType", "format"],
    valid: [
      { method: "GET", status: 200 },
      { method: "GET", query: "?series=load&step=600&format=csv", status: 200 },
      { method: "GET", query: "?series=errors&dynoType=web", status: 200 },
    ],
  },
  "app/api/checks/route.ts": {
    bodies: { POST: [WEB_CHECK, REDIS_CHECK] },
    valid: [
      { method: "GET", status: 200 },
      { method: "POST", body: WEB_CHECK, status: 201 },
      { method: "POST", body: REDIS_CHECK, status: 201 },
    ],
  },
  "app/api/checks/[id]/route.ts": {
    params: async () => ({ id: await created("/checks", WEB_CHECK) }),
    bodies: {
      PATCH: [
        WEB_CHECK,
        { name: "renamed", config: { bodyText: "up" } },
        { kind: "redis", url: REDIS_CHECK.url },
      ],
    },
    valid: [
      { method: "GET", status: 200 },
      { method: "PATCH", body: { name: "fuzz renamed", intervalSeconds: 120 }, status: 200 },
      { method: "DELETE", status: 204 },
    ],
  },
  "app/api/checks/[id]/results/route.ts": {
    params: async () => ({ id: await created("/checks", WEB_CHECK) }),
    queryKeys: ["from", "to", "limit"],
    valid: [
      { method: "GET", status: 200 },
      { method: "GET", query: "?limit=5&from=2026-01-01T00:00:00Z", status: 200 },
    ],
  },
  "app/api/cron/[job]/route.ts": {
    params: async () => ({ job: "prune-job-runs" }),
    valid: [{ method: "GET", status: 200 }],
  },
  "app/api/discovery/route.ts": { valid: [{ method: "GET", status: 200 }] },
  "app/api/drains/[token]/route.ts": {
    valid: {
      none: "a drain needs its per-app secret; lib/ingest/drain.int.test.ts and the drain body fuzz test send valid batches",
    },
  },
  "app/api/health/route.ts": { valid: [{ method: "GET", status: 200 }] },
  "app/api/me/route.ts": { valid: [{ method: "GET", status: 200 }] },
  "app/api/rules/route.ts": {
    bodies: {
      POST: [
        R14,
        { name: "fuzz memory", kind: "memory", params: { percent: 90.5, samples: 3 } },
        {
          name: "fuzz 5xx",
          kind: "http_5xx",
          app: "shop-prod",
          params: { percent: 5, windowSeconds: 300, minRequests: 50 },
        },
      ],
    },
    valid: [
      { method: "GET", status: 200 },
      { method: "POST", body: R14, status: 201 },
      { method: "POST", body: { name: "fuzz crash", kind: "crash", params: {} }, status: 201 },
    ],
  },
  "app/api/rules/[id]/route.ts": {
    params: async () => ({ id: await created("/rules", R14) }),
    bodies: {
      PATCH: [
        R14,
        { params: { leastCount: 5 }, dryRun: true },
        { kind: "load", params: { load: 2.5, samples: 2 } },
      ],
    },
    valid: [
      { method: "GET", status: 200 },
      { method: "PATCH", body: { params: { leastCount: 5 }, dryRun: true }, status: 200 },
      { method: "DELETE", status: 204 },
    ],
  },
};

const routes = listAppRoutes().filter(
  (route) =>
    route.kind === "handler" &&
    route.urlPath.startsWith("/api/") &&
    !route.file.startsWith("app/api/auth/"),
);

async function handlerModule(file: string): Promise<Partial<Record<Method, Handler>>> {
  return import(/* @vite-ignore */ join(process.cwd(), file));
}

function request(
  path: string,
  method: Method,
  options: { body?: string; contentType?: string; cron?: boolean } = {},
): Request {
  const headers: Record<string, string> = {
    authorization: `Bearer ${options.cron ? CRON_SECRET : bearer}`,
  };
  if (options.body !== undefined)
    headers["content-type"] = options.contentType ?? "application/json";
  return new Request(`http://localhost:3000${path}`, { method, headers, body: options.body });
}

/** `/api/rules/[id]` with the params filled in, each percent-encoded as a client would send it. */
function urlOf(file: string, params: Params): string {
  const segments = file
    .replace(/^app/, "")
    .replace(/\/route\.ts$/, "")
    .split("/")
    .map((segment) => {
      const name = /^\[(.+)\]$/.exec(segment)?.[1];
      // a lone surrogate cannot be percent-encoded: the URL shows U+FFFD, the handler gets it raw
      return name ? encodeURIComponent((params[name] ?? "sample").toWellFormed()) : segment;
    });
  return segments.join("/");
}

const segmentNames = (file: string) => [...file.matchAll(/\[([^\]]+)\]/g)].map((m) => m[1] ?? "");

// ---------- hostile input ----------

/** Values that are wrong for most fields: each replaces every field of a valid body in turn. */
function hostileValues(rng: Rng): unknown[] {
  return [
    true,
    false,
    null,
    "3",
    " 3 ",
    "0x3",
    "3e0",
    [3],
    {},
    [],
    0,
    -1,
    1.5,
    1e308,
    -1e308,
    2 ** 53 + 2,
    "NaN",
    "Infinity",
    "",
    " ",
    "\u0000",
    "\ud800",
    "x".repeat(100_000),
    { $gt: "" },
    [[[["deep"]]]],
    JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {}}}'),
    randomText(rng),
    randomValue(rng, 3),
  ];
}

const NASTY_CHARS = [
  "\u0000",
  "\u0001",
  "\u001b",
  "\u007f",
  "\u0085",
  "\n",
  "\t",
  "\ud800",
  "\udfff",
  "\u202e",
  "\ufeff",
  "🚀",
  "Ω",
  "%00",
  "'",
  '"',
  "\\",
  "<",
  "${",
  "%s",
];

function randomText(rng: Rng): string {
  let out = "";
  const length = rng.int(0, 40);
  for (let i = 0; i < length; i++) {
    out += rng.chance(0.3) ? rng.pick(NASTY_CHARS) : String.fromCharCode(rng.int(32, 126));
  }
  return out;
}

function randomValue(rng: Rng, depth: number): unknown {
  const kind = rng.int(0, depth > 0 ? 6 : 4);
  switch (kind) {
    case 0:
      return randomText(rng);
    case 1:
      return rng.pick([0, -0.5, 1e21, -(2 ** 31), 42, 2.5e-7]);
    case 2:
      return rng.chance(0.5);
    case 3:
      return null;
    case 4:
      return rng.hex(rng.int(1, 64));
    case 5:
      return Array.from({ length: rng.int(0, 4) }, () => randomValue(rng, depth - 1));
    default:
      return Object.fromEntries(
        Array.from({ length: rng.int(0, 4) }, () => [randomText(rng), randomValue(rng, depth - 1)]),
      );
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Every field path of a body: `name`, `params`, `params.leastCount`, `recipients.0`… */
function fieldPaths(value: unknown, prefix: string[] = []): string[][] {
  if (Array.isArray(value)) {
    return value.length ? [prefix, ...fieldPaths(value[0], [...prefix, "0"])] : [prefix];
  }
  if (!isObject(value)) return [prefix];
  const paths = prefix.length ? [prefix] : [];
  for (const [key, inner] of Object.entries(value))
    paths.push(...fieldPaths(inner, [...prefix, key]));
  return paths;
}

function withField(body: unknown, path: string[], replace: (old: unknown) => unknown): unknown {
  const copy = structuredClone(body) as Record<string, unknown>;
  let node: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  const last = path.at(-1) ?? "";
  const next = replace(node[last]);
  if (next === undefined) delete node[last];
  else node[last] = next;
  return copy;
}

const REMOVE = Symbol("remove");

/** JSON bodies made from a valid one: every field wrong in every way, and broken in its strings. */
function mutatedBodies(body: unknown, rng: Rng): unknown[] {
  const bodies: unknown[] = [];
  for (const path of fieldPaths(body)) {
    for (const value of [...hostileValues(rng), REMOVE]) {
      bodies.push(withField(body, path, () => (value === REMOVE ? undefined : value)));
    }
    bodies.push(
      withField(body, path, (old) => (typeof old === "string" ? `${old}\u0000` : old)),
      withField(body, path, (old) => (typeof old === "string" ? `\ud83d${old}` : old)),
      withField(body, path, (old) => (typeof old === "string" ? `${old}\u001b[2J` : old)),
      withField(body, path, (old) => (typeof old === "number" ? String(old) : old)),
      withField(body, path, (old) => (typeof old === "number" ? [old] : old)),
      withField(body, path, (old) => (typeof old === "boolean" ? Number(old) : old)),
      withField(body, path, (old) => (typeof old === "boolean" ? String(old) : old)),
    );
  }
  if (isObject(body)) {
    for (const kind of ["nope", "", "ERROR_CODE", "__proto__", "constructor", 7, null]) {
      bodies.push({ ...body, kind });
    }
    bodies.push({ ...body, unknownField: randomValue(rng, 3) });
    bodies.push({ kind: body.kind });
    for (let i = 0; i < 20; i++) bodies.push(randomValue(rng, 4));
  }
  return bodies;
}

/** Bodies that are not a JSON object, or not JSON at all: [raw text, content type]. */
const RAW_BODIES: [string, string?][] = [
  [""],
  ["{"],
  ['{"name": "x'],
  ["null"],
  ["[]"],
  ["3"],
  ['"R14"'],
  ["true"],
  ["\u0000"],
  ['{"name": "\\u0000", "kind": "\\ud800"}'],
  ['{"name": "a", "name": "b"}'],
  [`${"[".repeat(5_000)}${"]".repeat(5_000)}`],
  [`{"a":${'{"a":'.repeat(2_000)}1${"}".repeat(2_000)}}`],
  [JSON.stringify({ name: "big", padding: "x".repeat(2_000_000) })],
  ["name=R14&kind=error_code", "application/x-www-form-urlencoded"],
  ['{"name":"text/plain"}', "text/plain"],
  ["\xff\xfe{}", "application/json; charset=utf-16"],
];

const HOSTILE_QUERY_VALUES = [
  "",
  " 3 ",
  "0x10",
  "1e3",
  "-1",
  "3.0",
  "99999999999999999999999",
  "NaN",
  "Infinity",
  "%00",
  "%ud800",
  "%FF",
  "%C0%AF",
  "a%00b",
  "x".repeat(5_000),
  "2026-13-45T99:99:99Z",
  "[]",
  "{}",
  "true",
  "web%0Aworker",
];

function hostileQueries(keys: string[]): string[] {
  const queries = ["?", "?&&&", "?=x", "?%FF=%FF", "?limit=1&limit=2&limit=x", "?a[]=1&a[]=2"];
  for (const key of [...keys, "unknown"]) {
    for (const value of HOSTILE_QUERY_VALUES) queries.push(`?${key}=${value}`);
  }
  return queries;
}

const HOSTILE_SEGMENTS = [
  "nope",
  "00000000-0000-4000-8000-000000000000",
  "\u0000",
  "a\u0000b",
  "\ud800",
  "x".repeat(5_000),
  "..",
  "%",
  " ",
  "tick\n",
];

// ---------- the check of every answer ----------

type Problem = { call: string; status: number; problem: string };

async function judge(response: Response, call: string, body: unknown, problems: Problem[]) {
  const fail = (problem: string) => problems.push({ call, status: response.status, problem });
  if (response.status >= 500) {
    fail(`answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
    return;
  }
  if (response.status < 400) {
    await response.arrayBuffer();
    return;
  }
  let json: { error?: { code?: unknown; message?: unknown; fields?: unknown } };
  try {
    json = await response.json();
  } catch {
    fail("an error that is not JSON");
    return;
  }
  if (typeof json.error?.code !== "string" || typeof json.error.message !== "string") {
    fail(`an error without code and message: ${JSON.stringify(json).slice(0, 200)}`);
    return;
  }
  if (response.status !== 422) return;
  const fields = json.error.fields;
  if (json.error.code !== "validation" || !isObject(fields) || Object.keys(fields).length === 0) {
    fail(`a 422 that names no field: ${JSON.stringify(json).slice(0, 200)}`);
    return;
  }
  for (const [key, messages] of Object.entries(fields)) {
    if (
      !Array.isArray(messages) ||
      messages.length === 0 ||
      messages.some((m) => typeof m !== "string" || !m)
    ) {
      fail(`field ${key} has no message`);
    }
  }
  // `_` is the body as a whole: right for an array or a string, not for an object with fields
  if (
    isObject(body) &&
    Object.keys(body).length > 0 &&
    Object.keys(fields).every((k) => k === "_")
  ) {
    fail(`a 422 on an object body that names no field of it: ${JSON.stringify(fields)}`);
  }
}

const describeBody = (body: string | undefined) =>
  body === undefined
    ? ""
    : ` ${body.length > 120 ? `${body.slice(0, 120)}… (${body.length} chars)` : body}`;

// ---------- the tests ----------

beforeAll(async () => {
  process.env.CRON_SECRET = CRON_SECRET;
  process.env.SECRETS_KEY = randomBytes(32).toString("base64");
  resetConfigForTests();
  [database, sim] = await Promise.all([
    createTestDatabase(),
    startSimulator({ clock: "manual", seed: 7 }),
  ]);
  installDbHandle(database);
  const client = new HerokuClient({ apiKey: sim.apiKey, baseUrl: sim.url, sleep: async () => {} });
  await discoverApps({ ctx: testCtx(database.db), input: { client, apiUrl: sim.url, demo: true } });
  const admin = await createTestUser(database.db, { role: "admin" });
  bearer = (await createTestApiToken(database.db, admin)).token;
});

afterAll(async () => {
  await closeHerokuConnection();
  installDbHandle(undefined);
  await Promise.all([database.close(), sim.close()]);
  delete process.env.CRON_SECRET;
  delete process.env.SECRETS_KEY;
  resetConfigForTests();
});

describe("the REST endpoints", () => {
  it("are each described here (a new endpoint gets its valid calls and bodies)", () => {
    expect(routes.length).toBeGreaterThan(5);
    expect(routes.map((route) => route.file).filter((file) => !SPECS[file])).toEqual([]);
  });
});

describe.each(routes.map((route) => [route.file] as const))("fuzzing %s", (file) => {
  it("never answers 5xx, answers errors as JSON, and names the fields of every 422", async () => {
    const spec = SPECS[file];
    if (!spec) return; // the inventory test names it
    const module = await handlerModule(file);
    const methods = METHODS.filter((method) => typeof module[method] === "function");
    const cron = file.startsWith("app/api/cron/");
    const rng = createRng(SEED, file);
    const problems: Problem[] = [];
    const params = (await spec.params?.()) ?? {};
    let calls = 0;

    const call = async (
      method: Method,
      options: {
        params?: Params;
        query?: string;
        body?: string;
        contentType?: string;
        parsed?: unknown;
      } = {},
    ) => {
      const callParams = options.params ?? params;
      const path = `${urlOf(file, callParams)}${options.query ?? ""}`;
      const label = `${method} ${path.slice(0, 200)}${describeBody(options.body)}`;
      const handler = module[method] as Handler;
      calls++;
      let response: Response;
      try {
        response = await handler(
          request(path, method, { body: options.body, contentType: options.contentType, cron }),
          { params: Promise.resolve(callParams) },
        );
      } catch (error) {
        problems.push({ call: label, status: 0, problem: `threw ${String(error).slice(0, 200)}` });
        return;
      }
      await judge(response, label, options.parsed, problems);
    };

    const writes: Method[] = methods.filter((m) => m !== "GET" && m !== "DELETE");
    for (const method of writes) {
      for (const base of spec.bodies?.[method] ?? [{}]) {
        for (const body of mutatedBodies(base, rng)) {
          await call(method, { body: JSON.stringify(body), parsed: body });
        }
      }
      for (const [raw, contentType] of RAW_BODIES) {
        await call(method, { body: raw, contentType });
      }
      await call(method);
    }
    for (const method of methods) {
      for (const query of hostileQueries(spec.queryKeys ?? [])) await call(method, { query });
      for (const name of segmentNames(file)) {
        for (const segment of HOSTILE_SEGMENTS) {
          await call(method, {
            params: { ...params, [name]: segment },
            ...(writes.includes(method) ? { body: "{}", parsed: {} } : {}),
          });
        }
      }
    }

    // the valid calls last, on fresh resources (a hostile DELETE may have removed the first):
    // they prove the endpoint worked all along
    const valid = Array.isArray(spec.valid) ? spec.valid : [];
    const validParams = (await spec.params?.()) ?? {};
    for (const { method, body, query, status } of valid) {
      const response = await (module[method] as Handler)(
        request(`${urlOf(file, validParams)}${query ?? ""}`, method, {
          body: body === undefined ? undefined : JSON.stringify(body),
          cron,
        }),
        { params: Promise.resolve(validParams) },
      );
      expect(
        response.status,
        `valid ${method} ${file}${query ?? ""}: ${await response.clone().text()}`,
      ).toBe(status);
    }
    expect(problems.slice(0, 20), `${problems.length} of ${calls} calls went wrong`).toEqual([]);
    expect(calls).toBeGreaterThan(10);
  }, 600_000);
});
