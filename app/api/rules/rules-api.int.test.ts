// The rules REST API through its real route handlers, signed in with real session cookies, on apps
// that discovery stored from the simulator's demo account (shop-prod: web ×2, worker ×1).
// biome-ignore-all lint/style/noRestrictedImports: a test, not a handler: it sets up its own database and users
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DELETE, GET as getOne, PATCH } from "@/app/api/rules/[id]/route";
import { GET as list, POST } from "@/app/api/rules/route";
import { discoverApps } from "@/lib/apps/discover";
import { listAuditEvents } from "@/lib/audit";
import { installDbHandle } from "@/lib/db/client";
import { HerokuClient } from "@/lib/heroku/client";
import { type RunningSimulator, startSimulator } from "@/lib/heroku/simulator";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { createTestUser, testCtx } from "@/lib/testing/factories";
import { type ConsoleCall, consoleRequest, sessionCookie } from "@/lib/testing/requests";

let database: TestDatabase;
let sim: RunningSimulator;
let adminCookie: string;
let viewerCookie: string;

beforeAll(async () => {
  [database, sim] = await Promise.all([
    createTestDatabase(),
    startSimulator({ clock: "manual", seed: 7 }),
  ]);
  installDbHandle(database);
  const client = new HerokuClient({ apiKey: sim.apiKey, baseUrl: sim.url, sleep: async () => {} });
  await discoverApps({ ctx: testCtx(database.db), input: { client, apiUrl: sim.url, demo: true } });
  adminCookie = await sessionCookie(await createTestUser(database.db, { role: "admin" }));
  viewerCookie = await sessionCookie(await createTestUser(database.db, { role: "viewer" }));
});
afterAll(async () => {
  installDbHandle(undefined);
  await Promise.all([database.close(), sim.close()]);
});

type Call = ConsoleCall;

/** As the console's page sends it (same Origin, JSON), signed in as the admin unless told. */
const request = (path: string, call: Call = {}) =>
  consoleRequest(path, { ...call, cookie: call.cookie === undefined ? adminCookie : call.cookie });

const collection = (call: Call = {}) =>
  (call.method === "POST" ? POST : list)(request("/api/rules", call), {
    params: Promise.resolve({}),
  });

const one = (id: string, call: Call = {}) => {
  const handler = { GET: getOne, PATCH, DELETE }[call.method ?? "GET"];
  if (!handler) throw new Error(`no ${call.method} handler`);
  return handler(request(`/api/rules/${id}`, call), { params: Promise.resolve({ id }) });
};

const R14 = {
  name: "R14 on web",
  kind: "error_code",
  app: "shop-prod",
  dynoType: "web",
  params: { code: "R14", leastCount: 3, windowSeconds: 300 },
  action: "restart_dyno",
};

describe("POST /api/rules", () => {
  it("creates the README's R14 rule: 201 with the rule, audited", async () => {
    const response = await collection({ method: "POST", body: R14 });
    expect(response.status).toBe(201);
    const rule = await response.json();
    expect(rule).toMatchObject({
      ...R14,
      id: expect.any(String),
      appId: expect.any(String),
      dyno: null,
      channels: ["email"],
      recipients: [],
      enabled: true,
      dryRun: false,
    });
    const audit = await listAuditEvents(database.db, { action: "rule.create" });
    expect(audit.some((e) => (e.detail as { id?: string } | null)?.id === rule.id)).toBe(true);
  });

  it("answers invalid fields with 422 and one message per field", async () => {
    const response = await collection({
      method: "POST",
      body: { ...R14, name: "", params: { code: "R14", leastCount: 0, windowSeconds: 5 } },
    });
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({
      error: {
        code: "validation",
        message: "Some fields are invalid.",
        fields: {
          name: ["Name the rule."],
          "params.leastCount": ["Least count must be at least 1"],
          "params.windowSeconds": ["The window must be at least 10"],
        },
      },
    });
  });

  it("answers an unknown app or dyno type with 422 on that field", async () => {
    const noApp = await collection({ method: "POST", body: { ...R14, app: "no-such-app" } });
    expect(noApp.status).toBe(422);
    expect((await noApp.json()).error.fields).toEqual({
      app: ["No app named no-such-app in this account."],
    });
    const noType = await collection({ method: "POST", body: { ...R14, dynoType: "api" } });
    expect(noType.status).toBe(422);
    expect((await noType.json()).error.fields).toEqual({
      dynoType: ["shop-prod has no dyno type api; its dyno types are web, worker."],
    });
  });

  it("answers malformed JSON with 400", async () => {
    const response = await collection({ method: "POST", raw: '{"name": "R14' });
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe("bad_request");
  });

  it("answers an anonymous caller with 401 and a viewer with 403", async () => {
    const anonymous = await collection({ method: "POST", cookie: null, body: R14 });
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).error.code).toBe("unauthorized");
    const viewer = await collection({ method: "POST", cookie: viewerCookie, body: R14 });
    expect(viewer.status).toBe(403);
    expect((await viewer.json()).error.code).toBe("forbidden");
  });
});

describe("hostile input", () => {
  const fieldsOf = async (response: Response) => {
    expect(response.status).toBe(422);
    const body = await response.json();
    expect(body.error.code).toBe("validation");
    return body.error.fields as Record<string, string[]>;
  };

  it.each([true, "3", " 3 ", "0x3", "3e0", [3], {}, null])(
    "refuses leastCount %j (the API takes JSON numbers) with 422 on params.leastCount",
    async (leastCount) => {
      const response = await collection({
        method: "POST",
        body: { ...R14, params: { ...R14.params, leastCount } },
      });
      const fields = await fieldsOf(response);
      expect(Object.keys(fields)).toEqual(["params.leastCount"]);
      expect(fields["params.leastCount"]?.join(" ")).toMatch(/must be a (JSON )?number/);
    },
  );

  it.each(["true", 1, null])("refuses enabled %j: booleans are true or false", async (enabled) => {
    const fields = await fieldsOf(await collection({ method: "POST", body: { ...R14, enabled } }));
    expect(Object.keys(fields)).toEqual(["enabled"]);
  });

  it.each([
    ["name", "R14\u0000on web", /NUL/],
    ["name", "R14 \ud800", /surrogate/],
    ["name", "R14\u001b[31m", /control character/],
    ["app", "shop\u0000prod", /NUL/],
    ["dynoType", "web\u0000", /NUL/],
    ["recipients", ["ops\u0000@example.com"], /NUL/],
  ])("refuses %s %j with 422 naming the field", async (field, value, message) => {
    const fields = await fieldsOf(
      await collection({ method: "POST", body: { ...R14, [field]: value } }),
    );
    const key = Object.keys(fields).find((k) => k === field || k.startsWith(`${field}.`));
    expect(key, JSON.stringify(fields)).toBeDefined();
    expect(fields[key ?? ""]?.join(" ")).toMatch(message);
  });

  it("refuses a PATCH whose app holds a NUL with 422 on app, and keeps the rule", async () => {
    const created = await (await collection({ method: "POST", body: R14 })).json();
    const fields = await fieldsOf(
      await one(created.id, { method: "PATCH", body: { app: "shop-prod\u0000" } }),
    );
    expect(Object.keys(fields)).toEqual(["app"]);
    expect(await (await one(created.id)).json()).toMatchObject({ app: "shop-prod" });
  });
});

describe("GET /api/rules", () => {
  it("lists rules for viewers too, and refuses anonymous callers", async () => {
    const created = await (
      await collection({ method: "POST", body: { ...R14, name: "Listed" } })
    ).json();
    const response = await collection({ cookie: viewerCookie });
    expect(response.status).toBe(200);
    const { rules } = await response.json();
    expect(rules).toEqual(expect.arrayContaining([created]));
    expect((await collection({ cookie: null })).status).toBe(401);
  });
});

describe("/api/rules/[id]", () => {
  it("reads (200), patches (200, merged) and deletes (204) a rule", async () => {
    const created = await (await collection({ method: "POST", body: R14 })).json();

    const read = await one(created.id, { cookie: viewerCookie });
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual(created);

    const patched = await one(created.id, {
      method: "PATCH",
      body: { params: { leastCount: 5 }, dryRun: true },
    });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({
      id: created.id,
      params: { code: "R14", leastCount: 5, windowSeconds: 300 },
      dryRun: true,
      action: "restart_dyno",
    });

    const deleted = await one(created.id, { method: "DELETE" });
    expect(deleted.status).toBe(204);
    expect(await deleted.text()).toBe("");
    expect((await one(created.id)).status).toBe(404);
  });

  it("answers an invalid patch with 422 per field, and malformed JSON with 400", async () => {
    const created = await (await collection({ method: "POST", body: R14 })).json();
    const invalid = await one(created.id, {
      method: "PATCH",
      body: { dyno: "web.9", params: { code: "E42" } },
    });
    expect(invalid.status).toBe(422);
    expect((await invalid.json()).error.fields).toEqual({
      "params.code": ["An error code looks like H12, R14 or L10."],
    });
    const wrongDyno = await one(created.id, { method: "PATCH", body: { dyno: "web.9" } });
    expect(wrongDyno.status).toBe(422);
    expect((await wrongDyno.json()).error.fields).toEqual({
      dyno: ["shop-prod has no dyno web.9; its web dynos are web.1, web.2."],
    });
    const malformed = await one(created.id, { method: "PATCH", raw: "{" });
    expect(malformed.status).toBe(400);
  });

  it("answers 404 for an unknown id or one that is not a UUID", async () => {
    for (const id of ["00000000-0000-4000-8000-000000000000", "nope"]) {
      for (const method of ["GET", "PATCH", "DELETE"]) {
        const response = await one(id, { method, body: method === "PATCH" ? {} : undefined });
        expect(response.status, `${method} ${id}`).toBe(404);
        expect((await response.json()).error).toEqual({
          code: "not_found",
          message: "Rule was not found.",
        });
      }
    }
  });

  it("lets viewers read but not write, and refuses anonymous callers", async () => {
    const created = await (await collection({ method: "POST", body: R14 })).json();
    for (const method of ["PATCH", "DELETE"]) {
      const response = await one(created.id, {
        method,
        cookie: viewerCookie,
        body: method === "PATCH" ? { enabled: false } : undefined,
      });
      expect(response.status, method).toBe(403);
    }
    for (const method of ["GET", "PATCH", "DELETE"]) {
      const response = await one(created.id, {
        method,
        cookie: null,
        body: method === "PATCH" ? {} : undefined,
      });
      expect(response.status, method).toBe(401);
    }
    expect(await (await one(created.id)).json()).toMatchObject({ enabled: true });
  });
});
