// Finds every route under app/: pages and route handlers, with sample URLs for dynamic segments.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";

export type RouteFile = { file: string; kind: "page" | "handler"; urlPath: string; source: string };

const SAMPLE_SEGMENTS: Record<string, string> = {
  app: "shop-prod",
  type: "web",
  job: "tick",
  id: "00000000-0000-4000-8000-000000000000",
  token: "not-a-token",
  nextauth: "session",
};

function sampleFor(segment: string): string {
  const name = segment.replace(/^\[+\.{0,3}|\]+$/g, "");
  return SAMPLE_SEGMENTS[name] ?? "sample";
}

export function listAppRoutes(appDir = join(process.cwd(), "app")): RouteFile[] {
  const routes: RouteFile[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!entry.name.startsWith("_")) walk(path);
        continue;
      }
      const kind =
        entry.name === "page.tsx" ? "page" : entry.name === "route.ts" ? "handler" : null;
      if (!kind) continue;
      const segments = relative(appDir, dir)
        .split(sep)
        .filter((s) => s && !(s.startsWith("(") && s.endsWith(")")))
        .map((s) => (s.startsWith("[") ? sampleFor(s) : s));
      routes.push({
        file: relative(process.cwd(), path),
        kind,
        urlPath: `/${segments.join("/")}`,
        source: readFileSync(path, "utf8"),
      });
    }
  };
  walk(appDir);
  return routes.sort((a, b) => a.file.localeCompare(b.file));
}

export function listActionFiles(
  appDir = join(process.cwd(), "app"),
): { file: string; source: string }[] {
  const files: { file: string; source: string }[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|tsx)$/.test(entry.name)) {
        const source = readFileSync(path, "utf8");
        if (/^\s*["']use server["']/m.test(source))
          files.push({ file: relative(process.cwd(), path), source });
      }
    }
  };
  walk(appDir);
  return files;
}
