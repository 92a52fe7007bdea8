// Every write route handler under app/api refuses a cross-site write made with the session cookie
// (a page on another site posting with the admin's cookie attached), and takes the same write from
// the console's own origin or with a bearer token. A new write route is covered by being found.
// biome-ignore-all lint/style/noRestrictedImports: a test, not a handler: it sets up its own database and users
import { randomBytes } from "node:crypto";
import { join, sep } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetConfigForTests } from "@/lib/config";
import { installDbHandle } from "@/lib/db/client";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { createTestApiToken, createTestUser, uniqueSuffix } from "@/lib/testing/factories";
import { consoleRequest, sessionCookie, TEST_ORIGIN } from "@/lib/testing/requests";
import { listAppRoutes, type RouteFile } from "@/lib/testing/routes";

/** Handlers that do not sign in with the console's cookie: each checks its own credential. */
const OWN_CREDENTIALS = new Set([
  "app/api/auth/[...nextauth]/route.ts", // Auth.js, with its own CSRF token
  "app/api/drains/[token]/route.ts", // Heroku's drain: the drain token
  "app/api/cron/[job]/route.ts", // CRON_SECRET
  "app/api/health/route.ts", // public, read-only
]);
const WRITES = ["POST", "PUT", "PATCH", "DELETE"] as const;

type Handler = (
  req: Request,
  ctx: { params: Promise<Record<string, string>> },
) => Promise<Response>;

/** The dynamic segments' sample values, by name: [id] in the file ↔ its sample in urlPath. */
function paramsOf(route: RouteFile): Record<string, string> {
  const dirs = route.file
    .split(sep)
    .slice(1, -1)
    .filter((s) => !(s.startsWith("(") && s.endsWith(")")));
  const values = route.urlPath.split("/").slice(1);
  const params: Record<string, string> = {};
  dirs.forEach((dir, index) => {
    const name = /^\[(\w+)\]$/.exec(dir)?.[1];
    if (name) params[name] = values[index] ?? "";
  });
  return params;
}

const writeRoutes: { route: RouteFile; method: (typeof WRITES)[number]; handler: Handler }[] = [];

let database: TestDatabase;
let adminCookie: string;
let adminBearer: string;

beforeAll(async () => {
  process.env.SECRETS_KEY = randomBytes(32).toString("base64");
  resetConfigForTests();
  database = await createTestDatabase();
  installDbHandle(database);
  const admin = await createTestUser(database.db, { role: "admin" });
  adminCookie = await sessionCookie(admin);
  adminBearer = `Bearer ${(await createTestApiToken(database.db, admin)).token}`;
  for (const route of listAppRoutes()) {
    if (route.kind !== "handler" || OWN_CREDENTIALS.has(route.file)) continue;
    const module: Partial<Record<string, Handler>> = await import(
      /* @vite-ignore */ join(process.cwd(), route.file)
    );
    for (const method of WRITES) {
      const handler = module[method];
      if (typeof handler === "function") writeRoutes.push({ route, method, handler });
    }
  }
});
afterAll(async () => {
  installDbHandle(undefined);
  await database.close();
  delete process.env.SECRETS_KEY;
  resetConfigForTests();
});

async function call(
  { route, method, handler }: (typeof writeRoutes)[number],
  headers: Record<string, string>,
  body: string | undefined = "{}",
) {
  const request = new Request(`${TEST_ORIGIN}${route.urlPath}`, {
    method,
    headers,
    body: method === "DELETE" ? undefined : body,
  });
  return handler(request, { params: Promise.resolve(paramsOf(route)) });
}

const json = { "content-type": "application/json" };

describe("cookie-authenticated writes", () => {
  it("finds the write routes (rules and checks at least)", () => {
    const found = writeRoutes.map((w) => `${w.method} ${w.route.urlPath}`);
    expect(found).toEqual(
      expect.arrayContaining([
        "POST /api/rules",
        "PATCH /api/rules/00000000-0000-4000-8000-000000000000",
      ]),
    );
    expect(found).toEqual(expect.arrayContaining(["POST /api/checks"]));
  });

  it("refuses a cross-site Origin on every write route with 403 JSON", async () => {
    for (const write of writeRoutes) {
      const label = `${write.method} ${write.route.urlPath}`;
      const response = await call(write, {
        cookie: adminCookie,
        origin: "http://evil.example",
        ...json,
      });
      expect(response.status, label).toBe(403);
      const body = await response.json();
      expect(body.error.code, label).toBe("forbidden");
      expect(body.error.message, label).toMatch(/Cross-site request refused/);
    }
  });

  it("refuses a cross-site text/plain post (the form-post shape) on every write route", async () => {
    for (const write of writeRoutes) {
      const response = await call(write, {
        cookie: adminCookie,
        origin: "http://evil.example",
        "content-type": "text/plain",
      });
      expect(response.status, `${write.method} ${write.route.urlPath}`).toBe(403);
    }
  });

  it("refuses a cookie write with neither Origin nor Sec-Fetch-Site, pointing to bearer tokens", async () => {
    for (const write of writeRoutes) {
      const response = await call(write, { cookie: adminCookie, ...json });
      expect(response.status, `${write.method} ${write.route.urlPath}`).toBe(403);
      expect((await response.json()).error.message).toMatch(/Bearer <API token>/);
    }
  });

  it("refuses a same-origin body that is not JSON with 415", async () => {
    for (const write of writeRoutes.filter((w) => w.method !== "DELETE")) {
      const response = await call(write, {
        cookie: adminCookie,
        origin: TEST_ORIGIN,
        "content-type": "text/plain",
      });
      expect(response.status, `${write.method} ${write.route.urlPath}`).toBe(415);
      expect((await response.json()).error.code).toBe("unsupported_media_type");
    }
  });

  it.each<[string, Record<string, string>]>([
    ["a same-origin Origin", { origin: TEST_ORIGIN }],
    ["Sec-Fetch-Site: same-origin", { "sec-fetch-site": "same-origin" }],
  ])("lets %s through to the handler on every write route", async (_name, headers) => {
    for (const write of writeRoutes) {
      const response = await call(write, { cookie: adminCookie, ...headers, ...json });
      const label = `${write.method} ${write.route.urlPath}`;
      expect([403, 415], label).not.toContain(response.status);
      expect(response.status, label).toBeLessThan(500);
    }
  });

  it("leaves bearer-token writes alone: no Origin, any site", async () => {
    for (const write of writeRoutes) {
      for (const origin of [undefined, "http://evil.example"]) {
        const response = await call(write, {
          authorization: adminBearer,
          ...(origin ? { origin } : {}),
          ...json,
        });
        const label = `${write.method} ${write.route.urlPath} origin=${origin}`;
        expect([403, 415], label).not.toContain(response.status);
        expect(response.status, label).toBeLessThan(500);
      }
    }
  });
});

describe("the reported case: POST /api/checks", () => {
  const check = () => ({
    name: `cross-site ${uniqueSuffix()}`,
    kind: "web",
    url: "https://shop.example.com/health",
  });
  const post = async (request: Request) => {
    const { POST } = await import("@/app/api/checks/route");
    return POST(request, { params: Promise.resolve({}) });
  };
  const names = async () => {
    const { GET } = await import("@/app/api/checks/route");
    const response = await GET(consoleRequest("/api/checks", { cookie: adminCookie }), {
      params: Promise.resolve({}),
    });
    return ((await response.json()).checks as { name: string }[]).map((c) => c.name);
  };

  it("creates nothing from evil.example's text/plain post with the admin's cookie", async () => {
    const body = check();
    const response = await post(
      new Request(`${TEST_ORIGIN}/api/checks`, {
        method: "POST",
        headers: {
          cookie: adminCookie,
          origin: "http://evil.example",
          "content-type": "text/plain",
        },
        body: JSON.stringify(body),
      }),
    );
    expect(response.status).toBe(403);
    expect(await names()).not.toContain(body.name);
  });

  it("creates it from the console's origin (201) and from a bearer script without Origin (201)", async () => {
    const fromConsole = check();
    const ok = await post(
      consoleRequest("/api/checks", { method: "POST", cookie: adminCookie, body: fromConsole }),
    );
    expect(ok.status).toBe(201);
    const fromScript = check();
    const scripted = await post(
      new Request(`${TEST_ORIGIN}/api/checks`, {
        method: "POST",
        headers: { authorization: adminBearer, ...json },
        body: JSON.stringify(fromScript),
      }),
    );
    expect(scripted.status).toBe(201);
    expect(await names()).toEqual(expect.arrayContaining([fromConsole.name, fromScript.name]));
  });
});
