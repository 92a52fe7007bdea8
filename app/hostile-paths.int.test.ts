// Malformed percent-encoding in a path: Next's router throws decoding a dynamic segment and answers
// 500 (and a %00 reaches Postgres, which refuses a NUL in text: 500 too), so proxy.ts refuses such
// paths first (400 JSON for the API, the 404 page otherwise), and its
// matcher sends every path with a "%" through it, even those it otherwise skips for throughput.
// e2e/hostile-paths.spec.ts proves the same over HTTP on a production build.
import { createRequire } from "node:module";
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { config, isCrossSiteAction, isWellFormedPath, proxy } from "@/proxy";

const BAD = ["%FF", "%C0%AF", "%", "%E0%A4%A", "%00"];

describe("isWellFormedPath", () => {
  it.each<[string, boolean]>([
    ["/api/rules/%FF", false],
    ["/rules/%C0%AF", false],
    ["/apps/%", false],
    ["/incidents/%E0%A4%A", false],
    ["/apps/x%00y", false],
    ["/apps/%ED%A0%80", false],
    ["/apps/shop-prod", true],
    ["/apps/%25", true],
    ["/apps/caf%C3%A9", true],
    ["/api/drains/0f1e.abc-DEF_123", true],
  ])("%s → %s", (path, expected) => {
    expect(isWellFormedPath(path)).toBe(expected);
  });
});

describe("proxy.ts on a malformed path", () => {
  it.each(BAD.flatMap((bad) => [`/api/rules/${bad}`, `/api/drains/${bad}`, `/api/auth/${bad}`]))(
    "answers %s with 400 JSON, signed in or not",
    async (path) => {
      const response = await proxy(new NextRequest(`http://localhost:3000${path}`));
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        error: { code: "bad_request", message: expect.stringMatching(/percent-encoding/) },
      });
    },
  );

  it.each(BAD.flatMap((bad) => [`/apps/${bad}`, `/rules/${bad}`, `/sign-in/${bad}`]))(
    "renders the 404 page for %s instead of redirecting or failing",
    async (path) => {
      const response = await proxy(new NextRequest(`http://localhost:3000${path}`));
      const rewrite = response.headers.get("x-middleware-rewrite");
      expect(rewrite && new URL(rewrite).pathname).toBe("/_malformed-path");
    },
  );

  it("still answers a well-encoded path as before (anonymous API call → 401)", async () => {
    const response = await proxy(new NextRequest("http://localhost:3000/api/rules/%25"));
    expect(response.status).toBe(401);
  });
});

describe("proxy.ts matcher", () => {
  // compiled exactly as `next build` compiles it
  const require = createRequire(import.meta.url);
  const { getMiddlewareMatchers } = require("next/dist/build/analysis/get-page-static-info.js");
  const matchers: { regexp: string }[] = getMiddlewareMatchers(config.matcher, {});
  const runsOn = (path: string) => matchers.some((m) => new RegExp(m.regexp).test(path));

  it.each<[string, boolean]>([
    ["/api/drains/6f1c2a7e-9b1d-4c3e-8a5f-0d2b4e6a8c1f.secret_Value-1", false],
    ["/api/drains/6f1c2a7e-9b1d-4c3e-8a5f-0d2b4e6a8c1f", false],
    ["/api/health", false],
    ["/_next/static/chunks/app.js", false],
    ["/favicon.ico", false],
    ["/logo.png", false],
    ["/api/drains/%C0%AF", true],
    ["/api/drains/abc.def%FF", true],
    ["/api/health/%FF", true],
    ["/_next/static/%FF", true],
    ["/apps/%FF.png", true],
    ["/apps/shop-prod", true],
    ["/api/rules/%FF", true],
    ["/", true],
  ])("%s → proxy runs: %s", (path, expected) => {
    expect(runsOn(path)).toBe(expected);
  });
});

describe("proxy.ts on a server action from another origin", () => {
  const action = (headers: Record<string, string>) =>
    new NextRequest("http://localhost:3000/sign-in", {
      method: "POST",
      headers: { "next-action": "7f00", host: "localhost:3000", ...headers },
    });

  it.each<[string, Record<string, string>, boolean]>([
    ["another site", { origin: "http://evil.example" }, true],
    ["another port", { origin: "http://localhost:4000" }, true],
    ["an Origin that is not a URL", { origin: "null" }, true],
    ["the console itself", { origin: "http://localhost:3000" }, false],
    [
      "the console behind a proxy",
      { origin: "https://monitor.example.com", "x-forwarded-host": "monitor.example.com" },
      false,
    ],
    ["no Origin (Next lets it through)", {}, false],
  ])("%s → cross-site %s", (_name, headers, expected) => {
    expect(isCrossSiteAction(action(headers))).toBe(expected);
  });

  it("answers 403, not Next's 500, and lets a plain POST without Next-Action through", async () => {
    const refused = await proxy(action({ origin: "http://evil.example" }));
    expect(refused.status).toBe(403);
    expect(await refused.text()).toMatch(/Cross-site request refused/);
    const plain = await proxy(
      new NextRequest("http://localhost:3000/sign-in", {
        method: "POST",
        headers: { origin: "http://evil.example" },
      }),
    );
    expect(plain.status).toBeLessThan(400);
  });
});
