// Bundles the TypeScript entry scripts into dist/ (gitignored) so the production runtime needs no
// TypeScript tooling: `npm run build` calls it after `next build`, and on Heroku that happens in the
// build phase, before devDependencies are pruned. Plain JavaScript; esbuild (a devDependency) is
// only loaded to build, and the outputs import `dependencies` only.
//   node scripts/build-entries.mjs              build every entry
//   node scripts/build-entries.mjs --if-stale   locally: build when dist/ is missing or older than
//                                               the sources; on a platform: only check it exists
//   node scripts/build-entries.mjs --after-next-build   (`npm run build`) also records that .next/
//                                               is of these sources, so `npm start` does not rebuild
// Run an output with `node --conditions=react-server dist/<name>.mjs` (as tsx ran the scripts).
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

/** Each entry: scripts/<name>.ts → dist/<name>.mjs. */
export const ENTRIES = ["boot", "migrate", "worker"];

const root = fileURLToPath(new URL("..", import.meta.url));
const DIST = join(root, "dist");
const STAMP = join(DIST, ".sources.sha256");
/** scripts/start.mjs compares it with the sources to decide whether to build. */
export const BUILD_STAMP = join(root, ".next", "dyno-monitor-build.sha256");

const SOURCES = ["app", "components", "lib", "public", "drizzle"];
const FILES = [
  "package.json",
  "package-lock.json",
  "next.config.ts",
  "tsconfig.json",
  "postcss.config.mjs",
  "proxy.ts",
  "instrumentation.ts",
  "scripts/load-env.ts",
  "scripts/build-entries.mjs",
];

function walk(dir, out) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    // test helpers never reach the build (lint keeps production code from importing them)
    if (entry.isDirectory()) {
      if (relative(root, path) !== join("lib", "testing")) walk(path, out);
    } else if (!/\.(test|int\.test|fault\.test|deploy\.test)\.tsx?$/.test(entry.name)) {
      out.push(path);
    }
  }
}

/** A hash of every file `npm run build` reads, so a changed source triggers a rebuild. */
export function sourceFingerprint() {
  const files = [];
  for (const dir of SOURCES) walk(join(root, dir), files);
  const entries = ENTRIES.map((name) => join("scripts", `${name}.ts`));
  for (const file of [...FILES, ...entries]) {
    if (existsSync(join(root, file))) files.push(join(root, file));
  }
  const hash = createHash("sha256");
  for (const file of files.sort()) {
    hash.update(relative(root, file));
    hash.update(readFileSync(file));
  }
  return hash.digest("hex");
}

// Packages stay external (resolved from node_modules at run time) except `server-only`: bundled
// with the react-server condition it is an empty module, so dist/boot.mjs also loads in the web
// server's process, which must not run under that condition (React would pick its server build).
const externalPackages = {
  name: "external-packages",
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path === "server-only" || args.path.startsWith("@/")) return undefined;
      return { path: args.path, external: true };
    });
  },
};

/** Builds every entry into dist/ and records the sources it was built from. */
export async function buildEntries() {
  const { build } = await import("esbuild");
  const fingerprint = sourceFingerprint();
  rmSync(DIST, { recursive: true, force: true });
  await build({
    absWorkingDir: root,
    entryPoints: Object.fromEntries(ENTRIES.map((name) => [name, `scripts/${name}.ts`])),
    outdir: "dist",
    outExtension: { ".js": ".mjs" },
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    conditions: ["react-server"],
    plugins: [externalPackages],
    sourcemap: "linked",
    logLevel: "warning",
    // the scripts are CommonJS-minded (__dirname, require): give the ES modules the same names;
    // each output sits in dist/, one level below the root, as its source sits in scripts/
    banner: {
      js: [
        'import { createRequire as __dmCreateRequire } from "node:module";',
        'import { fileURLToPath as __dmFileURLToPath } from "node:url";',
        "const require = __dmCreateRequire(import.meta.url);",
        "const __filename = __dmFileURLToPath(import.meta.url);",
        'const __dirname = __dmFileURLToPath(new URL(".", import.meta.url));',
      ].join("\n"),
    },
  });
  writeFileSync(STAMP, `${fingerprint}\n`);
  return fingerprint;
}

/** Whether dist/ holds every entry. */
export function entriesBuilt() {
  return ENTRIES.every((name) => existsSync(join(DIST, `${name}.mjs`)));
}

/** Whether this runs on a platform, where nothing is built at run time. Read before lib/config. */
export function onPlatform() {
  return Boolean(process.env.DYNO) || process.env.NODE_ENV === "production";
}

async function ifStale() {
  if (onPlatform()) {
    if (entriesBuilt()) return;
    process.stderr.write(
      "No build found (dist/ is missing). Run `npm run build` first: on a platform the build " +
        "phase runs it, and nothing is built at run time there (DYNO or NODE_ENV=production is set).\n",
    );
    process.exit(1);
  }
  const current = existsSync(STAMP) && readFileSync(STAMP, "utf8").trim() === sourceFingerprint();
  if (entriesBuilt() && current) return;
  await buildEntries();
}

async function afterNextBuild() {
  const fingerprint = await buildEntries();
  if (existsSync(join(root, ".next", "BUILD_ID"))) writeFileSync(BUILD_STAMP, `${fingerprint}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const run = args.includes("--if-stale")
    ? ifStale()
    : args.includes("--after-next-build")
      ? afterNextBuild()
      : buildEntries();
  run.catch((error) => {
    process.stderr.write(`${error?.stack ?? error}\n`);
    process.exit(1);
  });
}
