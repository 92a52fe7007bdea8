import { readdirSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { type APIRequestContext, type APIResponse, expect, test } from "@playwright/test";
import { admin } from "./pages/console";

// Over real HTTP on the production build: malformed percent-encoding in any dynamic segment of any
// route (pages, the REST API, the anonymous drain endpoint, Auth.js's catch-all) never answers
// 5xx, signed in or out. Next's router throws decoding such a segment (500, plain text); proxy.ts
// refuses it first: 400 JSON for /api, the console's 404 page otherwise.

// %00 decodes fine but a NUL in a page's lookup made Postgres fail the render (500)
const BAD_ESCAPES = ["%FF", "%C0%AF", "%", "%E0%A4%A", "%00"];

/** Every route with a dynamic segment, as path templates: ["apps", "[app]"]. */
function dynamicRoutes(dir = join(process.cwd(), "app"), found: string[][] = []): string[][] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!entry.name.startsWith("_")) dynamicRoutes(full, found);
    } else if (entry.name === "page.tsx" || entry.name === "route.ts") {
      const segments = relative(join(process.cwd(), "app"), dir)
        .split(sep)
        .filter((s) => s && !/^\(.*\)$/.test(s));
      if (segments.some((s) => s.startsWith("["))) found.push(segments);
    }
  }
  return found;
}

/** One URL per dynamic segment: that segment is `bad`, the others a plausible value. */
function hostileUrls(template: string[], bad: string): string[] {
  return template.flatMap((segment, index) =>
    segment.startsWith("[")
      ? [
          `/${template
            .map((s, i) => (i === index ? bad : s.startsWith("[") ? "sample" : s))
            .join("/")}`,
        ]
      : [],
  );
}

const templates = dynamicRoutes();
const paths = BAD_ESCAPES.flatMap((bad) => templates.flatMap((t) => hostileUrls(t, bad)));

async function expectRefusedCleanly(response: APIResponse, path: string, method: string) {
  const label = `${method} ${path}`;
  expect(response.status(), label).toBeLessThan(500);
  if (path.startsWith("/api/")) {
    expect([400, 404], label).toContain(response.status());
    const body = await response.json();
    expect(["bad_request", "not_found"], label).toContain(body.error.code);
    expect(typeof body.error.message, label).toBe("string");
  } else {
    expect([400, 404], label).toContain(response.status());
    const html = await response.text();
    expect(html, label).toContain("This page does not exist");
  }
}

async function hitAll(request: APIRequestContext) {
  for (const path of paths) {
    const get = await request.get(path, { maxRedirects: 0 });
    await expectRefusedCleanly(get, path, "GET");
    const post = await request.post(path, {
      maxRedirects: 0,
      data: path.startsWith("/api/drains/")
        ? "83 <40>1 2026-01-01T00:00:00+00:00 host app web.1 - State changed from starting to up\n"
        : "{}",
      headers: {
        "content-type": path.startsWith("/api/drains/")
          ? "application/logplex-1"
          : "application/json",
      },
    });
    await expectRefusedCleanly(post, path, "POST");
  }
}

test.describe("malformed percent-encoding in a path", () => {
  test("covers every dynamic route the brief lists", () => {
    const listed = templates.map((t) => `/${t.join("/")}`);
    expect(listed).toEqual(
      expect.arrayContaining([
        "/api/rules/[id]",
        "/api/checks/[id]",
        "/api/checks/[id]/results",
        "/api/apps/[app]/metrics",
        "/api/cron/[job]",
        "/api/drains/[token]",
        "/apps/[app]",
        "/rules/[id]",
        "/checks/[id]",
        "/incidents/[id]",
      ]),
    );
    expect(paths).toContain("/api/drains/%C0%AF");
    expect(paths).toContain("/rules/%C0%AF");
  });

  test("answers 400/404 signed out", async ({ playwright, baseURL }) => {
    const request = await playwright.request.newContext({ baseURL });
    await hitAll(request);
    await request.dispose();
  });

  test("answers 400/404 signed in", async ({ playwright, baseURL }) => {
    const request = await playwright.request.newContext({ baseURL });
    // Auth.js's own credentials endpoint: CSRF token (double-submit cookie), then the form post
    const { csrfToken } = await (await request.get("/api/auth/csrf")).json();
    await request.post("/api/auth/callback/credentials", {
      form: { csrfToken, email: admin.email, password: admin.password },
      maxRedirects: 0,
    });
    const me = await request.get("/api/me");
    expect(me.status()).toBe(200);
    expect((await me.json()).email).toBe(admin.email);
    await hitAll(request);
    await request.dispose();
  });

  test("leaves a well-encoded path alone", async ({ request }) => {
    const drain = await request.post("/api/drains/not-a-token", {
      data: "",
      headers: { "content-type": "application/logplex-1" },
    });
    expect(drain.status()).toBe(401);
    const page = await request.get("/apps/%25", { maxRedirects: 0 });
    expect(page.status()).toBe(307);
  });
});

test.describe("a server action posted from another site", () => {
  test("answers 403, not the 500 Next gives a cross-origin action", async ({ request }) => {
    const evil = await request.post("/sign-in", {
      headers: {
        "next-action": "0000000000000000000000000000000000000000",
        origin: "http://evil.example",
        "content-type": "text/plain;charset=UTF-8",
      },
      data: "[]",
      maxRedirects: 0,
    });
    expect(evil.status()).toBe(403);
    expect(await evil.text()).toMatch(/Cross-site request refused/);
  });
});
