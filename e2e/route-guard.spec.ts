import { readdirSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { expect, test } from "@playwright/test";

// Over real HTTP, through proxy.ts and its matcher: every page under app/ sends an anonymous
// visitor to sign-in, every route handler answers 401 JSON (except the public ones).
const PUBLIC = new Set(["/sign-in", "/setup", "/api/health", "/api/auth/session"]);

function routes(
  dir = join(process.cwd(), "app"),
  found: { path: string; kind: "page" | "api" }[] = [],
) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) routes(full, found);
    else if (entry.name === "page.tsx" || entry.name === "route.ts") {
      const segments = relative(join(process.cwd(), "app"), dir)
        .split(sep)
        .filter((s) => s && !/^\(.*\)$/.test(s))
        .map((s) => (s.startsWith("[") ? (s.includes("nextauth") ? "session" : "sample") : s));
      found.push({
        path: `/${segments.join("/")}`,
        kind: entry.name === "page.tsx" ? "page" : "api",
      });
    }
  }
  return found;
}

test("every page and route handler refuses an anonymous request", async ({ request }) => {
  const all = routes().filter((r) => !PUBLIC.has(r.path));
  expect(all.length).toBeGreaterThan(8);
  for (const route of all) {
    // the drain intake only takes POST (Heroku's Logplex); everything else answers GET
    const response = route.path.startsWith("/api/drains/")
      ? await request.post(route.path, {
          data: "",
          headers: { "Content-Type": "application/logplex-1" },
        })
      : await request.get(route.path, { maxRedirects: 0 });
    if (route.kind === "page") {
      expect(response.status(), route.path).toBe(307);
      expect(new URL(response.headers().location ?? "", "http://x").pathname, route.path).toBe(
        "/sign-in",
      );
    } else {
      expect(response.status(), route.path).toBe(401);
      expect((await response.json()).error.code, route.path).toBe("unauthorized");
    }
  }
});
