// Every route under app/ refuses anonymous visitors: pages redirect to sign-in (proxy.ts and the
// page's own guard), route handlers answer 401 JSON by themselves, without relying on proxy.ts.
// A new route that forgets its guard fails here.
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { NextRequest } from "next/server";
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authSecret } from "@/lib/auth/session";
import { resetConfigForTests } from "@/lib/config";
import { installDbHandle } from "@/lib/db/client";
import { users } from "@/lib/db/schema";
import { closeHerokuConnection } from "@/lib/heroku/connection";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { createTestUser } from "@/lib/testing/factories";
import { listActionFiles, listAppRoutes } from "@/lib/testing/routes";
import { proxy } from "@/proxy";

/** Routes open to anonymous visitors, each with the reason. Anything else must refuse them. */
const PUBLIC_PAGES = new Set(["/sign-in", "/setup"]);
const PUBLIC_HANDLERS = new Set([
  "app/api/auth/[...nextauth]/route.ts", // Auth.js's own sign-in, session and CSRF endpoints
  "app/api/health/route.ts", // readiness probe; reveals no data
]);
/** Server actions open to signed-out visitors: signing in, first-run setup, signing out. */
const PUBLIC_ACTION_FILES = new Set(["app/(auth)/actions.ts"]);

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
const routes = listAppRoutes();
const pages = routes.filter((r) => r.kind === "page");
const handlers = routes.filter((r) => r.kind === "handler");

let database: TestDatabase;
beforeAll(async () => {
  process.env.CRON_SECRET = "test-cron-secret-0123456789";
  resetConfigForTests();
  database = await createTestDatabase();
  installDbHandle(database);
});
afterAll(async () => {
  await closeHerokuConnection();
  installDbHandle(undefined);
  await database.close();
});

async function sessionCookie(user: { id: string; email: string; name: string; role: string }) {
  const name = "authjs.session-token";
  const token = await encode({
    token: { sub: user.id, email: user.email, name: user.name, role: user.role },
    secret: authSecret(),
    salt: name,
  });
  return `${name}=${token}`;
}

type Handler = (
  req: Request,
  ctx: { params: Promise<Record<string, string>> },
) => Promise<Response>;

async function handlerModule(
  file: string,
): Promise<Partial<Record<(typeof METHODS)[number], Handler>>> {
  return import(/* @vite-ignore */ join(process.cwd(), file));
}

describe("route inventory", () => {
  it("finds the console's pages and handlers", () => {
    expect(pages.map((p) => p.urlPath)).toEqual(
      expect.arrayContaining(["/", "/apps", "/system", "/users", "/sign-in"]),
    );
    expect(handlers.map((h) => h.urlPath)).toEqual(
      expect.arrayContaining(["/api/health", "/api/cron/tick", "/api/me"]),
    );
  });
});

describe.each(handlers.filter((h) => !PUBLIC_HANDLERS.has(h.file)))(
  "route handler $file",
  (route) => {
    it("answers an anonymous call to every method with 401 JSON", async () => {
      const module = await handlerModule(route.file);
      const methods = METHODS.filter((m) => typeof module[m] === "function");
      expect(methods.length).toBeGreaterThan(0);
      for (const method of methods) {
        const response = await (module[method] as Handler)(
          new Request(`http://localhost:3000${route.urlPath}`, {
            method,
            ...(method === "GET" || method === "DELETE"
              ? {}
              : { body: "{}", headers: { "content-type": "application/json" } }),
          }),
          { params: Promise.resolve({}) },
        );
        expect(response.status, `${method} ${route.urlPath}`).toBe(401);
        const body = await response.json();
        expect(body.error.code, `${method} ${route.urlPath}`).toBe("unauthorized");
        expect(typeof body.error.message).toBe("string");
      }
    });

    it("refuses a forged session cookie and a bearer token that is not valid", async () => {
      const module = await handlerModule(route.file);
      const method = METHODS.find((m) => typeof module[m] === "function") ?? "GET";
      for (const headers of <Record<string, string>[]>[
        { cookie: "authjs.session-token=forged.jwt.value" },
        { authorization: "Bearer not-a-real-token" },
      ]) {
        const response = await (module[method] as Handler)(
          new Request(`http://localhost:3000${route.urlPath}`, { method, headers }),
          { params: Promise.resolve({}) },
        );
        expect(response.status).toBe(401);
      }
    });
  },
);

describe.each(pages.filter((p) => !PUBLIC_PAGES.has(p.urlPath)))("page $file", (page) => {
  it("checks the session itself with requireUser() or requireAdmin()", () => {
    expect(page.source).toMatch(/await require(User|Admin)\(\)/);
  });

  it("is redirected to sign-in by proxy.ts for an anonymous visitor", async () => {
    const response = await proxy(new NextRequest(`http://localhost:3000${page.urlPath}`));
    expect(response.status).toBe(307);
    expect(new URL(response.headers.get("location") ?? "").pathname).toBe("/sign-in");
  });
});

describe("proxy.ts for route handlers", () => {
  it.each(
    handlers.filter(
      (h) =>
        !PUBLIC_HANDLERS.has(h.file) &&
        !h.urlPath.startsWith("/api/cron/") &&
        !h.urlPath.startsWith("/api/drains/"),
    ),
  )("answers an anonymous $urlPath with 401 JSON", async (route) => {
    const response = await proxy(new NextRequest(`http://localhost:3000${route.urlPath}`));
    expect(response.status).toBe(401);
    expect((await response.json()).error.code).toBe("unauthorized");
  });
});

describe("server actions", () => {
  it.each(listActionFiles().filter((f) => !PUBLIC_ACTION_FILES.has(f.file)))(
    "$file wraps every exported action in withAction (which checks the session)",
    ({ source }) => {
      const exported = [
        ...source.matchAll(/^export (?:async function|const|function) (\w+)/gm),
      ].map((m) => m[0]);
      expect(exported.length).toBeGreaterThan(0);
      for (const line of exported) expect(line).toMatch(/^export const \w+$/);
      const consts = [...source.matchAll(/^export const (\w+) = (\w+)\(/gm)];
      expect(consts.length).toBe(exported.length);
      for (const match of consts) expect(match[2], match[1]).toBe("withAction");
    },
  );
});

describe("signed-in access", () => {
  it("lets a session through to /api/me and stops it once the user is removed", async () => {
    const user = await createTestUser(database.db, { role: "viewer" });
    const { GET } = await handlerModule("app/api/me/route.ts");
    const cookie = await sessionCookie(user);
    const call = () =>
      (GET as Handler)(new Request("http://localhost:3000/api/me", { headers: { cookie } }), {
        params: Promise.resolve({}),
      });
    const ok = await call();
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ email: user.email, role: "viewer" });
    await database.db.delete(users).where(eq(users.id, user.id));
    expect((await call()).status).toBe(401);
  });

  it("takes a role change into account at once", async () => {
    const user = await createTestUser(database.db, { role: "admin" });
    const cookie = await sessionCookie(user);
    await database.db.update(users).set({ role: "viewer" }).where(eq(users.id, user.id));
    const { GET } = await handlerModule("app/api/me/route.ts");
    const response = await (GET as Handler)(
      new Request("http://localhost:3000/api/me", { headers: { cookie } }),
      {
        params: Promise.resolve({}),
      },
    );
    expect(await response.json()).toMatchObject({ role: "viewer" });
  });

  it("does not accept a session for a user id that never existed", async () => {
    const { GET } = await handlerModule("app/api/me/route.ts");
    const cookie = await sessionCookie({
      id: randomUUID(),
      email: "ghost@example.com",
      name: "Ghost",
      role: "admin",
    });
    const response = await (GET as Handler)(
      new Request("http://localhost:3000/api/me", { headers: { cookie } }),
      {
        params: Promise.resolve({}),
      },
    );
    expect(response.status).toBe(401);
  });
});

describe("cron routes", () => {
  const cron = "app/api/cron/[job]/route.ts";
  const call = async (job: string, authorization?: string) => {
    const { GET } = await handlerModule(cron);
    return (GET as Handler)(
      new Request(`http://localhost:3000/api/cron/${job}`, {
        headers: authorization ? { authorization } : {},
      }),
      { params: Promise.resolve({ job }) },
    );
  };

  it("refuses a wrong secret", async () => {
    const response = await call("tick", "Bearer wrong-secret-wrong-secret");
    expect(response.status).toBe(401);
  });

  it("runs every due job with the right secret", async () => {
    const response = await call("tick", "Bearer test-cron-secret-0123456789");
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ job: "tick", status: "ok" });
    expect(typeof body.durationMs).toBe("number");
  });

  it("runs one job by name and answers 404 JSON for an unknown one", async () => {
    const ok = await call("prune-job-runs", "Bearer test-cron-secret-0123456789");
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ job: "prune-job-runs", status: "ok", claimed: true });
    const missing = await call("no-such-job", "Bearer test-cron-secret-0123456789");
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe("not_found");
  });
});

describe("health", () => {
  it("reports the database, the migrations and the version", async () => {
    const { GET } = await handlerModule("app/api/health/route.ts");
    const response = await (GET as Handler)(new Request("http://localhost:3000/api/health"), {
      params: Promise.resolve({}),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: "ok",
      db: { ok: true },
      migrations: { current: true },
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
    });
  });
});
