// The checks REST API through its real route handlers, signed in with real session cookies. A
// Redis/Postgres URL is accepted on create and update and never appears in any answer.
// biome-ignore-all lint/style/noRestrictedImports: a test, not a handler: it sets up its own database and users
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as results } from "@/app/api/checks/[id]/results/route";
import { GET as getOne, PATCH, DELETE as remove } from "@/app/api/checks/[id]/route";
import { GET as list, POST } from "@/app/api/checks/route";
import { resetConfigForTests } from "@/lib/config";
import { installDbHandle } from "@/lib/db/client";
import { checkResults } from "@/lib/db/schema";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { createTestUser } from "@/lib/testing/factories";
import { type ConsoleCall, consoleRequest, sessionCookie } from "@/lib/testing/requests";

let database: TestDatabase;
let adminCookie: string;
let viewerCookie: string;

const PASSWORD = "pg-hunter2-secret";
const POSTGRES_URL = `postgres://shop:${PASSWORD}@db.internal:5432/shop`;

beforeAll(async () => {
  // a key for this run, instead of one generated into .data/
  process.env.SECRETS_KEY = randomBytes(32).toString("base64");
  resetConfigForTests();
  database = await createTestDatabase();
  installDbHandle(database);
  adminCookie = await sessionCookie(await createTestUser(database.db, { role: "admin" }));
  viewerCookie = await sessionCookie(await createTestUser(database.db, { role: "viewer" }));
});
afterAll(async () => {
  installDbHandle(undefined);
  await database.close();
  delete process.env.SECRETS_KEY;
  resetConfigForTests();
});

type Call = ConsoleCall;

/** As the console's page sends it (same Origin, JSON), signed in as the admin unless told. */
const request = (path: string, call: Call = {}) =>
  consoleRequest(path, { ...call, cookie: call.cookie === undefined ? adminCookie : call.cookie });

const collection = (call: Call = {}) =>
  (call.method === "POST" ? POST : list)(request("/api/checks", call), {
    params: Promise.resolve({}),
  });

const one = (id: string, call: Call = {}) => {
  const handler = { GET: getOne, PATCH, DELETE: remove }[call.method ?? "GET"];
  if (!handler) throw new Error(`no ${call.method} handler`);
  return handler(request(`/api/checks/${id}`, call), { params: Promise.resolve({ id }) });
};

const resultsOf = (id: string, query = "", call: Call = {}) =>
  results(request(`/api/checks/${id}/results${query}`, call), { params: Promise.resolve({ id }) });

const WEB = {
  name: "Shop health",
  kind: "web",
  url: "https://shop.example.com/health",
  intervalSeconds: 30,
  timeoutMs: 5000,
  config: { expectedStatus: "200", bodyText: '"status":"ok"' },
};
const PG = { name: "Shop DB", kind: "postgres", url: POSTGRES_URL, config: { table: "orders" } };

describe("POST /api/checks", () => {
  it("creates a web check: 201 with the check", async () => {
    const response = await collection({ method: "POST", body: WEB });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({
      ...WEB,
      id: expect.any(String),
      secretHint: null,
      enabled: true,
      lastStatus: "unknown",
      config: { method: "GET", expectedStatus: "200", bodyText: '"status":"ok"' },
    });
  });

  it("creates a Postgres check and never echoes its URL, only the masked hint", async () => {
    const response = await collection({ method: "POST", body: PG });
    expect(response.status).toBe(201);
    const text = await response.text();
    expect(text).not.toContain(PASSWORD);
    expect(JSON.parse(text)).toMatchObject({
      kind: "postgres",
      url: null,
      secretHint: "postgres://•••@db.internal:5432/•••",
      config: { table: "orders" },
    });
  });

  it("answers invalid fields with 422 and one message per field, without the secret", async () => {
    const response = await collection({
      method: "POST",
      body: {
        name: "",
        kind: "postgres",
        url: `mysql://root:${PASSWORD}@db`,
        intervalSeconds: 5,
        timeoutMs: 50,
        config: { table: "orders; drop table users" },
      },
    });
    expect(response.status).toBe(422);
    const text = await response.text();
    expect(text).not.toContain(PASSWORD);
    expect(JSON.parse(text)).toEqual({
      error: {
        code: "validation",
        message: "Some fields are invalid.",
        fields: {
          name: ["Name the check."],
          url: [
            "The URL must start with postgres:// or postgresql://, like postgres://user:password@host:5432/db.",
          ],
          intervalSeconds: ["The interval must be at least 10"],
          timeoutMs: ["The timeout must be at least 100"],
          "config.table": ["A table looks like orders or public.orders."],
        },
      },
    });
  });

  it("answers malformed JSON with 400, anonymous callers with 401, viewers with 403", async () => {
    const malformed = await collection({ method: "POST", raw: '{"name": "x' });
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).error.code).toBe("bad_request");
    expect((await collection({ method: "POST", cookie: null, body: WEB })).status).toBe(401);
    const viewer = await collection({ method: "POST", cookie: viewerCookie, body: WEB });
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

  it.each([true, "60", " 60 ", "0x3c", "6e1", [60], {}, null])(
    "refuses intervalSeconds %j (the API takes JSON numbers) with 422 on intervalSeconds",
    async (intervalSeconds) => {
      const fields = await fieldsOf(
        await collection({ method: "POST", body: { ...WEB, intervalSeconds } }),
      );
      expect(Object.keys(fields)).toEqual(["intervalSeconds"]);
    },
  );

  it("refuses a Redis threshold given as text", async () => {
    const fields = await fieldsOf(
      await collection({
        method: "POST",
        body: {
          name: "Queue",
          kind: "redis",
          url: "redis://:pw@127.0.0.1:6379/0",
          config: { listName: "jobs", listThreshold: "100" },
        },
      }),
    );
    expect(fields["config.listThreshold"]?.join(" ")).toMatch(/JSON number/);
  });

  it.each([
    ["name", "Shop\u0000health", /NUL/],
    ["name", "Shop \udfff", /surrogate/],
    ["app", "shop\u0000prod", /NUL/],
    ["url", "https://shop.example.com/he\u0000alth", /NUL/],
    ["config", { expectedStatus: "200", bodyText: "ok\u0000" }, /NUL/],
  ])("refuses %s %j with 422 naming the field", async (field, value, message) => {
    const fields = await fieldsOf(
      await collection({ method: "POST", body: { ...WEB, [field]: value } }),
    );
    const key = Object.keys(fields).find((k) => k === field || k.startsWith(`${field}.`));
    expect(key, JSON.stringify(fields)).toBeDefined();
    expect(fields[key ?? ""]?.join(" ")).toMatch(message);
  });

  it("refuses a PATCH whose app holds a NUL with 422 on app", async () => {
    const created = await (await collection({ method: "POST", body: WEB })).json();
    const fields = await fieldsOf(
      await one(created.id, { method: "PATCH", body: { app: "shop\u0000" } }),
    );
    expect(Object.keys(fields)).toEqual(["app"]);
  });

  it.each(["0x10", "1e1", " 5", "5.0", "-1", ""])(
    "refuses results limit=%j: digits only",
    async (limit) => {
      const created = await (await collection({ method: "POST", body: WEB })).json();
      const fields = await fieldsOf(
        await resultsOf(created.id, `?limit=${encodeURIComponent(limit)}`),
      );
      expect(Object.keys(fields)).toEqual(["limit"]);
    },
  );
});

describe("GET /api/checks", () => {
  it("lists checks for viewers, without any secret, and refuses anonymous callers", async () => {
    const created = await (await collection({ method: "POST", body: PG })).json();
    const response = await collection({ cookie: viewerCookie });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).not.toContain(PASSWORD);
    expect(JSON.parse(text).checks).toEqual(expect.arrayContaining([created]));
    expect((await collection({ cookie: null })).status).toBe(401);
  });
});

describe("/api/checks/[id]", () => {
  it("reads (200), patches (200, merged, secret kept) and deletes (204) a check", async () => {
    const created = await (await collection({ method: "POST", body: PG })).json();
    const read = await one(created.id, { cookie: viewerCookie });
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual(created);

    const patched = await one(created.id, {
      method: "PATCH",
      body: { enabled: false, config: { table: "public.orders" } },
    });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({
      id: created.id,
      enabled: false,
      secretHint: created.secretHint,
      config: { table: "public.orders" },
    });

    const newUrl = await one(created.id, {
      method: "PATCH",
      body: { url: "postgresql://other:new-pass-123@db2.internal/shop" },
    });
    const text = await newUrl.text();
    expect(text).not.toContain("new-pass-123");
    expect(JSON.parse(text).secretHint).toBe("postgresql://•••@db2.internal/•••");

    const deleted = await one(created.id, { method: "DELETE" });
    expect(deleted.status).toBe(204);
    expect(await deleted.text()).toBe("");
    expect((await one(created.id)).status).toBe(404);
  });

  it("answers an invalid patch with 422 per field, and malformed JSON with 400", async () => {
    const created = await (await collection({ method: "POST", body: WEB })).json();
    const invalid = await one(created.id, {
      method: "PATCH",
      body: { timeoutMs: 40_000, config: { expectedStatus: "ok" } },
    });
    expect(invalid.status).toBe(422);
    expect((await invalid.json()).error.fields).toEqual({
      timeoutMs: ["The timeout must be shorter than the interval (30 s)."],
      "config.expectedStatus": [
        "Expected statuses look like 200-399 or 200,204,301-302 (100 to 599).",
      ],
    });
    const masked = await one(created.id, {
      method: "PATCH",
      body: { kind: "redis", url: "redis://:•••@host:6379/0" },
    });
    expect(masked.status).toBe(422);
    expect((await masked.json()).error.fields.url).toEqual([
      "That is the masked hint: send the full URL, or leave url out to keep the stored one.",
    ]);
    expect((await one(created.id, { method: "PATCH", raw: "{" })).status).toBe(400);
  });

  it("answers 404 for an unknown id or one that is not a UUID", async () => {
    for (const id of ["00000000-0000-4000-8000-000000000000", "nope"]) {
      for (const method of ["GET", "PATCH", "DELETE"]) {
        const response = await one(id, { method, body: method === "PATCH" ? {} : undefined });
        expect(response.status, `${method} ${id}`).toBe(404);
        expect((await response.json()).error).toEqual({
          code: "not_found",
          message: "Check was not found.",
        });
      }
      expect((await resultsOf(id)).status).toBe(404);
    }
  });

  it("lets viewers read but not write, and refuses anonymous callers", async () => {
    const created = await (await collection({ method: "POST", body: WEB })).json();
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

describe("GET /api/checks/[id]/results", () => {
  it("answers a window of results for viewers, 422 for a bad query, 401 anonymous", async () => {
    const created = await (await collection({ method: "POST", body: WEB })).json();
    await database.db.insert(checkResults).values(
      ["10:00", "10:01", "10:02"].map((time, i) => ({
        checkId: created.id,
        at: new Date(`2026-11-24T${time}:00Z`),
        ok: i !== 1,
        latencyMs: 40 + i,
        statusCode: i === 1 ? 500 : 200,
        detail: {},
        error: i === 1 ? "wrong status: 500 (expected 200)" : null,
      })),
    );
    const response = await resultsOf(
      created.id,
      "?from=2026-11-24T10:01:00Z&to=2026-11-24T11:00:00Z&limit=10",
      { cookie: viewerCookie },
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      results: [
        {
          at: "2026-11-24T10:02:00.000Z",
          ok: true,
          latencyMs: 42,
          statusCode: 200,
          detail: {},
          error: null,
        },
        {
          at: "2026-11-24T10:01:00.000Z",
          ok: false,
          latencyMs: 41,
          statusCode: 500,
          detail: {},
          error: "wrong status: 500 (expected 200)",
        },
      ],
    });
    const bad = await resultsOf(created.id, "?limit=5000&to=2026-11-24");
    expect(bad.status).toBe(422);
    expect((await bad.json()).error.fields).toEqual({
      to: ["Give an ISO 8601 time, like 2026-11-24T12:00:00Z."],
      limit: ["limit must be at most 1000"],
    });
    expect((await resultsOf(created.id, "", { cookie: null })).status).toBe(401);
  });
});
