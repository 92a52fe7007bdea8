import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { type RunningSimulator, startSimulator } from "./index";
import { call, control } from "./test-kit";

const START = new Date("2025-03-04T09:00:00Z");
let sim: RunningSimulator;
let big: RunningSimulator;

beforeAll(async () => {
  [sim, big] = await Promise.all([
    startSimulator({ clock: "manual", startAt: START, seed: 1 }),
    startSimulator({ clock: "manual", startAt: START, seed: 2, apps: 100 }),
  ]);
});
afterAll(async () => {
  await Promise.all([sim.close(), big.close()]);
});

const iso = z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
const ref = z.object({ id: z.uuid(), name: z.string() });
const appSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  generation: ref,
  region: ref,
  stack: ref,
  build_stack: ref,
  owner: z.object({ email: z.string(), id: z.uuid() }),
  web_url: z.string().startsWith("https://"),
  created_at: iso,
  updated_at: iso,
  released_at: iso,
  maintenance: z.boolean(),
  space: z.null(),
  team: z.null(),
});
const formationSchema = z.object({
  app: ref,
  command: z.string(),
  created_at: iso,
  updated_at: iso,
  dyno_size: ref,
  id: z.uuid(),
  quantity: z.number().int(),
  size: z.string(),
  type: z.string(),
});
const dynoSchema = z.object({
  app: ref,
  attach_url: z.null(),
  command: z.string(),
  created_at: iso,
  updated_at: iso,
  id: z.uuid(),
  name: z.string().regex(/^[a-z]+\.\d+$/),
  release: z.object({ id: z.uuid(), version: z.number().int() }),
  size: z.string(),
  state: z.enum(["starting", "up", "crashed", "down", "idle"]),
  type: z.string(),
});

/** Follows Next-Range verbatim until a 200, as PLATFORM.md §1.2 tells clients to. */
async function allPages(target: RunningSimulator, path: string, range: string) {
  const pages: { status: number; names: string[]; contentRange: string | null }[] = [];
  let next: string | null = range;
  while (next) {
    const response = await call(target, "GET", path, { headers: { Range: next } });
    const items = z.array(appSchema).parse(response.json);
    pages.push({
      status: response.status,
      names: items.map((a) => a.name),
      contentRange: response.headers.get("content-range"),
    });
    next = response.status === 206 ? response.headers.get("next-range") : null;
    if (response.status === 206) expect(next).toMatch(/ \]/);
    if (response.status === 200) expect(response.headers.get("next-range")).toBeNull();
    if (pages.length > 200) throw new Error("pagination does not end");
  }
  return pages;
}

describe("Platform API basics", () => {
  it("answers 400 missing_version with the old-style error body without the version header", async () => {
    const response = await call(sim, "GET", "/account", {
      headers: { Accept: "application/json" },
    });
    expect(response.status).toBe(400);
    expect(response.json).toEqual({
      id: "missing_version",
      error:
        "Please specify a version along with Heroku's API MIME type. For example, `Accept: application/vnd.heroku+json; version=3`.\n",
    });
    expect(response.headers.get("ratelimit-remaining")).toMatch(/^\d+$/);
    expect(response.headers.get("request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("refuses a wrong or missing key with 401 unauthorized, and accepts Basic with the key as password", async () => {
    const wrong = await call(sim, "GET", "/account", { headers: { Authorization: "Bearer nope" } });
    expect(wrong.status).toBe(401);
    expect(wrong.json).toEqual({ id: "unauthorized", message: "Invalid credentials provided." });
    const none = await fetch(`${sim.url}/account`, {
      headers: { Accept: "application/vnd.heroku+json; version=3" },
    });
    expect(none.status).toBe(401);
    const basic = await call(sim, "GET", "/account", {
      headers: { Authorization: `Basic ${Buffer.from(`:${sim.apiKey}`).toString("base64")}` },
    });
    expect(basic.status).toBe(200);
  });

  it("serves the account and the rate-limit pool", async () => {
    const account = await call(sim, "GET", "/account");
    expect(account.status).toBe(200);
    expect(account.json).toMatchObject({
      email: "ops@acme.io",
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      created_at: expect.stringMatching(/Z$/),
      two_factor_authentication: true,
      verified: true,
    });
    const limits = await call(sim, "GET", "/account/rate-limits");
    expect(limits.json).toEqual({ remaining: Number(limits.headers.get("ratelimit-remaining")) });
  });

  it("lists the three demo apps with Heroku's fields, and 3.sdk returns generation as a string", async () => {
    const response = await call(sim, "GET", "/apps");
    expect(response.status).toBe(200);
    const apps = z.array(appSchema).parse(response.json);
    expect(apps.map((a) => a.name).sort()).toEqual(["billing-api", "shop-prod", "shop-staging"]);
    expect(apps.every((a) => a.generation.name === "cedar")).toBe(true);
    expect(response.headers.get("accept-ranges")).toBe("id, name, updated_at");
    const sorted = [...apps.map((a) => a.id)].sort();
    expect(response.headers.get("content-range")).toBe(`id ${sorted[0]}..${sorted[2]}; max=200`);
    const sdk = await call(sim, "GET", "/apps/shop-prod", {
      headers: { Accept: "application/vnd.heroku+json; version=3.sdk" },
    });
    expect(sdk.json).toMatchObject({ name: "shop-prod", generation: "cedar" });
    const mine = await call(sim, "GET", "/users/~/apps");
    expect(z.array(appSchema).parse(mine.json)).toHaveLength(3);
  });

  it("finds an app by id as well as by name", async () => {
    const byName = appSchema.parse((await call(sim, "GET", "/apps/billing-api")).json);
    const byId = await call(sim, "GET", `/apps/${byName.id}`);
    expect(byId.json).toMatchObject({ name: "billing-api", region: { name: "eu" } });
  });
});

describe("Range pagination", () => {
  it("pages through 100 apps two at a time following Next-Range verbatim, each app exactly once", async () => {
    const pages = await allPages(big, "/apps", "id ..; max=2");
    expect(pages).toHaveLength(50);
    expect(pages.slice(0, -1).every((p) => p.status === 206)).toBe(true);
    expect(pages.at(-1)?.status).toBe(200);
    const names = pages.flatMap((p) => p.names);
    expect(names).toHaveLength(100);
    expect(new Set(names).size).toBe(100);
    expect(pages[0]?.contentRange).toMatch(/^id [0-9a-f-]{36}\.\.[0-9a-f-]{36}; max=2$/);
  });

  it("pages by name in descending order with comma-separated options and a trailing semicolon", async () => {
    const pages = await allPages(big, "/apps", "name ..; order=desc,max=10;");
    expect(pages).toHaveLength(10);
    const names = pages.flatMap((p) => p.names);
    expect(names).toEqual([...names].sort().reverse());
    expect(names[0]).toBe("shop-staging");
    expect(names.at(-1)).toBe("app-004");
    expect(new Set(names).size).toBe(100);
  });

  it("accepts spaces and separators in any order", async () => {
    const response = await call(big, "GET", "/apps", {
      headers: { Range: "name  .. ; max = 3 ,order=asc" },
    });
    expect(response.status).toBe(206);
    expect(
      z
        .array(appSchema)
        .parse(response.json)
        .map((a) => a.name),
    ).toEqual(["app-004", "app-005", "app-006"]);
    expect(response.headers.get("next-range")).toBe("name ]app-006..; max=3");
  });

  it("fits 100 apps in the default page of 200 and caps max at 1000", async () => {
    const plain = await call(big, "GET", "/apps");
    expect(plain.status).toBe(200);
    expect(z.array(appSchema).parse(plain.json)).toHaveLength(100);
    const huge = await call(big, "GET", "/apps", { headers: { Range: "id ..; max=5000" } });
    expect(huge.status).toBe(200);
    expect(huge.headers.get("content-range")).toMatch(/; max=1000$/);
  });

  it.each(["bytes=0-100", "id ..; max=abc", "id ..; max=0", "colour ..; max=2", "id ..; sort=up"])(
    "answers 416 requested_range_not_satisfiable to %j",
    async (range) => {
      const response = await call(sim, "GET", "/apps", { headers: { Range: range } });
      expect(response.status).toBe(416);
      expect(response.json).toMatchObject({ id: "requested_range_not_satisfiable" });
    },
  );

  it("pages the dyno list too", async () => {
    const first = await call(sim, "GET", "/apps/shop-prod/dynos", {
      headers: { Range: "name ..; max=2" },
    });
    expect(first.status).toBe(206);
    const next = first.headers.get("next-range") ?? "";
    expect(next).toBe("name ]web.2..; max=2");
    const second = await call(sim, "GET", "/apps/shop-prod/dynos", { headers: { Range: next } });
    expect(second.status).toBe(200);
    expect(
      z
        .array(dynoSchema)
        .parse(second.json)
        .map((d) => d.name),
    ).toEqual(["worker.1"]);
  });
});

describe("formation, dynos, features, sizes", () => {
  it("describes shop-prod's process types and dynos with the fields the client reads", async () => {
    const formation = z
      .array(formationSchema)
      .parse((await call(sim, "GET", "/apps/shop-prod/formation")).json);
    const byType = Object.fromEntries(formation.map((f) => [f.type, f]));
    expect(byType.web).toMatchObject({ quantity: 2, size: "Standard-1X", command: "npm start" });
    expect(byType.web?.dyno_size.name).toBe("Standard-1X");
    expect(byType.worker).toMatchObject({ quantity: 1, size: "Standard-2X" });
    const dynos = z.array(dynoSchema).parse((await call(sim, "GET", "/apps/shop-prod/dynos")).json);
    expect(dynos.map((d) => d.name).sort()).toEqual(["web.1", "web.2", "worker.1"]);
    expect(dynos.every((d) => d.state === "up")).toBe(true);
    const one = await call(sim, "GET", "/apps/shop-prod/dynos/web.1");
    expect(dynoSchema.parse(one.json)).toMatchObject({
      name: "web.1",
      type: "web",
      size: "Standard-1X",
    });
    const byId = await call(sim, "GET", `/apps/shop-prod/dynos/${dynoSchema.parse(one.json).id}`);
    expect(byId.json).toMatchObject({ name: "web.1" });
  });

  it("keeps a type scaled to 0 in the formation: shop-staging's worker", async () => {
    const worker = formationSchema.parse(
      (await call(sim, "GET", "/apps/shop-staging/formation/worker")).json,
    );
    expect(worker).toMatchObject({ quantity: 0, size: "Basic" });
    const dynos = z
      .array(dynoSchema)
      .parse((await call(sim, "GET", "/apps/shop-staging/dynos")).json);
    expect(dynos.map((d) => d.name)).toEqual(["web.1"]);
  });

  it("shows billing-api on Performance-M with a clock process", async () => {
    const formation = z
      .array(formationSchema)
      .parse((await call(sim, "GET", "/apps/billing-api/formation")).json);
    expect(formation.map((f) => `${f.type}:${f.quantity}:${f.size}`).sort()).toEqual([
      "clock:1:Standard-1X",
      "web:2:Performance-M",
    ]);
  });

  it("reports runtime metrics on for shop-prod and billing-api, off for shop-staging", async () => {
    const states = await Promise.all(
      ["shop-prod", "shop-staging", "billing-api"].map(async (app) => {
        const response = await call(sim, "GET", `/apps/${app}/features/log-runtime-metrics`);
        return (response.json as { enabled: boolean }).enabled;
      }),
    );
    expect(states).toEqual([true, false, true]);
    const list = await call(sim, "GET", "/apps/shop-prod/features");
    const names = (list.json as { name: string }[]).map((f) => f.name);
    expect(names).toEqual(
      expect.arrayContaining(["log-runtime-metrics", "preboot", "runtime-dyno-metadata"]),
    );
  });

  it("toggles a feature with PATCH and refuses an unknown one with 404", async () => {
    const patched = await call(sim, "PATCH", "/apps/shop-staging/features/preboot", {
      body: { enabled: true },
    });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ name: "preboot", enabled: true, display_name: "Preboot" });
    const invalid = await call(sim, "PATCH", "/apps/shop-staging/features/preboot", {
      body: { enabled: "yes" },
    });
    expect(invalid.status).toBe(422);
    expect(invalid.json).toMatchObject({ id: "invalid_params" });
    const unknown = await call(sim, "GET", "/apps/shop-prod/features/time-travel");
    expect(unknown.status).toBe(404);
    expect(unknown.json).toMatchObject({ id: "not_found" });
  });

  it("lists dyno sizes with memory in GB", async () => {
    const sizes = (await call(sim, "GET", "/dyno-sizes")).json as {
      name: string;
      memory: number;
    }[];
    const memory = Object.fromEntries(sizes.map((s) => [s.name, s.memory]));
    expect(memory).toMatchObject({
      "Standard-1X": 0.5,
      "Standard-2X": 1,
      "Performance-M": 2.5,
      Basic: 0.5,
    });
  });
});

describe("errors", () => {
  it.each([
    ["GET", "/apps/no-such-app", "Couldn't find that app."],
    ["GET", "/apps/shop-prod/formation/sidekiq", "Couldn't find that process type (sidekiq)."],
    ["DELETE", "/apps/shop-prod/formations/sidekiq", "Couldn't find that process type (sidekiq)."],
    ["GET", "/apps/shop-prod/dynos/web.9", "Couldn't find that dyno."],
    ["DELETE", "/apps/shop-prod/dynos/web.9", "Couldn't find that dyno."],
    ["GET", "/apps/shop-prod/log-drains/d.nope", "Couldn't find that log drain."],
  ])("%s %s answers 404 %j", async (method, path, message) => {
    const response = await call(sim, method, path);
    expect(response.status).toBe(404);
    expect(response.json).toEqual({ id: "not_found", message });
  });

  it("answers 404 not_found for an unknown endpoint or verb", async () => {
    for (const [method, path] of [
      ["GET", "/no/such/thing"],
      ["PUT", "/account"],
    ] as const) {
      const response = await call(sim, method, path);
      expect(response.status).toBe(404);
      expect(response.json).toMatchObject({
        id: "not_found",
        message: expect.stringContaining("endpoint"),
      });
    }
  });

  it("answers 400 bad_request to a body that is not JSON", async () => {
    const response = await fetch(`${sim.url}/apps/shop-prod/formation/web`, {
      method: "PATCH",
      headers: {
        Accept: "application/vnd.heroku+json; version=3",
        Authorization: `Bearer ${sim.apiKey}`,
        "Content-Type": "application/json",
      },
      body: "{quantity: 3",
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ id: "bad_request" });
  });
});

describe("log drains", () => {
  it("adds, finds by id, url or token, refuses a duplicate URL, and removes a drain", async () => {
    const url = "https://user:pass@monitor.example.com/api/drains/shop-prod";
    // PLATFORM.md §6.1: Heroku hides a drain URL's credentials once it is added
    const shown = "https://user:***@monitor.example.com/api/drains/shop-prod";
    const added = await call(sim, "POST", "/apps/shop-prod/log-drains", { body: { url } });
    expect(added.status).toBe(201);
    const drain = z
      .object({
        id: z.uuid(),
        token: z.string().regex(/^d\.[0-9a-f-]{36}$/),
        url: z.string(),
        addon: z.null(),
        app: ref,
      })
      .parse(added.json);
    expect(drain.url).toBe(shown);
    expect(JSON.stringify(added.json)).not.toContain("pass");
    for (const key of [drain.id, encodeURIComponent(url), encodeURIComponent(shown), drain.token]) {
      const found = await call(sim, "GET", `/apps/shop-prod/log-drains/${key}`);
      expect(found.json).toMatchObject({ id: drain.id, url: shown });
    }
    const listed = await call(sim, "GET", "/apps/shop-prod/log-drains");
    expect(listed.json).toEqual([expect.objectContaining({ id: drain.id, url: shown })]);
    expect(JSON.stringify(listed.json)).not.toContain("pass");
    const again = await call(sim, "POST", "/apps/shop-prod/log-drains", { body: { url } });
    expect(again.status).toBe(422);
    expect(again.json).toMatchObject({ id: "invalid_params" });
    const bad = await call(sim, "POST", "/apps/shop-prod/log-drains", {
      body: { url: "not a url" },
    });
    expect(bad.status).toBe(422);
    const removed = await call(sim, "DELETE", `/apps/shop-prod/log-drains/${drain.token}`);
    expect(removed.status).toBe(200);
    expect(removed.json).toMatchObject({ id: drain.id, url: shown });
    expect((await call(sim, "GET", "/apps/shop-prod/log-drains")).json).toEqual([]);
  });
});

describe("rate limit", () => {
  it("counts the pool down, answers 429 rate_limit when empty, and refills on the simulated clock", async () => {
    const small = await startSimulator({
      clock: "manual",
      startAt: START,
      rateLimit: { pool: 5, refillPerMinute: 60 },
    });
    try {
      const seen: number[] = [];
      for (let i = 0; i < 5; i++) {
        const response = await call(small, "GET", "/apps/shop-prod");
        expect(response.status).toBe(200);
        seen.push(Number(response.headers.get("ratelimit-remaining")));
      }
      expect(seen).toEqual([4, 3, 2, 1, 0]);
      const free = await call(small, "GET", "/account/rate-limits");
      expect(free.json).toEqual({ remaining: 0 });
      const limited = await call(small, "GET", "/account");
      expect(limited.status).toBe(429);
      expect(limited.json).toEqual({
        id: "rate_limit",
        message:
          "Your account reached the API rate limit\nPlease wait a few minutes before making new requests",
        url: "https://devcenter.heroku.com/articles/platform-api-reference#rate-limits",
      });
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      await small.advance(3);
      const refilled = await call(small, "GET", "/account/rate-limits");
      expect(refilled.json).toEqual({ remaining: 3 });
      expect((await call(small, "GET", "/account")).status).toBe(200);
      await small.advance(3600);
      expect((await call(small, "GET", "/account/rate-limits")).json).toEqual({ remaining: 5 });
      expect(small.stats().apiRequests).toBe(10);
    } finally {
      await small.close();
    }
  });
});

describe("fault hook", () => {
  it("needs the scenario token", async () => {
    const response = await call(sim, "POST", "/__sim/faults", { body: { status: 503, count: 1 } });
    expect(response.status).toBe(401);
  });

  it("makes the next N API requests fail with Heroku error bodies, then recovers", async () => {
    expect((await control(sim, "POST", "/__sim/faults", { status: 503, count: 2 })).status).toBe(
      200,
    );
    const first = await call(sim, "GET", "/account");
    const second = await call(sim, "GET", "/apps");
    expect([first.status, second.status]).toEqual([503, 503]);
    expect(first.json).toMatchObject({ id: "service_unavailable", message: expect.any(String) });
    expect((await call(sim, "GET", "/account")).status).toBe(200);

    await control(sim, "POST", "/__sim/faults", { status: 429, count: 1 });
    const limited = await call(sim, "GET", "/account");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("1");
    expect(limited.json).toMatchObject({ id: "rate_limit" });

    await control(sim, "POST", "/__sim/faults", { status: 500, count: 1 });
    const broken = await call(sim, "GET", "/account");
    expect(broken.status).toBe(500);
    expect(broken.json).toMatchObject({ id: "internal_server_error" });
    expect((await call(sim, "GET", "/account")).status).toBe(200);
  });

  it("refuses an unsupported status", async () => {
    const response = await control(sim, "POST", "/__sim/faults", { status: 418, count: 1 });
    expect(response.status).toBe(400);
  });
});
