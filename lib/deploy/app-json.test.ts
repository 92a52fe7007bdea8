// app.json is what Heroku's Deploy button reads. Checked against our own copy of Heroku's allowed
// fields (fixtures/app-json-fields.json): a typo in a key is silently ignored by Heroku, and an env
// var without a description leaves the deploy form unexplained.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { configVars } from "@/lib/config";
import { listAppRoutes } from "@/lib/testing/routes";
import fields from "./fixtures/app-json-fields.json";

type Json = Record<string, unknown>;

const root = process.cwd();
const appJson = JSON.parse(readFileSync(join(root, "app.json"), "utf8")) as Json;

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Every way `doc` breaks the fixture's rules or ours; empty when it is fine. */
function appJsonProblems(doc: Json): string[] {
  const problems: string[] = [];
  const unknown = (where: string, value: Json, allowed: string[]) => {
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) problems.push(`${where}: unknown key ${JSON.stringify(key)}`);
    }
  };
  unknown("app.json", doc, fields.topLevel);
  for (const key of ["name", "description", "repository", "logo", "success_url"]) {
    if (typeof doc[key] !== "string" || doc[key] === "") problems.push(`${key} is missing`);
  }
  if (typeof doc.name === "string" && doc.name.length > fields.nameMaxLength) {
    problems.push(`name is longer than ${fields.nameMaxLength} characters`);
  }
  if (!Array.isArray(doc.keywords) || !doc.keywords.every((k) => typeof k === "string")) {
    problems.push("keywords must be a list of strings");
  }

  if (!isObject(doc.env)) problems.push("env is missing");
  else {
    for (const [name, spec] of Object.entries(doc.env)) {
      if (!isObject(spec)) {
        problems.push(`env.${name} must be an object`);
        continue;
      }
      unknown(`env.${name}`, spec, fields.env);
      if (typeof spec.description !== "string" || spec.description.trim() === "") {
        problems.push(`env.${name} has no description`);
      }
      if ("value" in spec && typeof spec.value !== "string") {
        problems.push(`env.${name}.value must be a string`);
      }
      if ("required" in spec && typeof spec.required !== "boolean") {
        problems.push(`env.${name}.required must be true or false`);
      }
      if ("generator" in spec && !fields.envGenerators.includes(String(spec.generator))) {
        problems.push(`env.${name}.generator must be one of ${fields.envGenerators.join(", ")}`);
      }
      if (!(name in configVars)) problems.push(`env.${name} is not a setting lib/config knows`);
    }
  }

  if (!isObject(doc.formation)) problems.push("formation is missing");
  else {
    for (const [type, spec] of Object.entries(doc.formation)) {
      if (!isObject(spec)) {
        problems.push(`formation.${type} must be an object`);
        continue;
      }
      unknown(`formation.${type}`, spec, fields.formation);
      if (!Number.isInteger(spec.quantity) || (spec.quantity as number) < 0) {
        problems.push(`formation.${type}.quantity must be a whole number`);
      }
    }
  }

  if (!Array.isArray(doc.addons)) problems.push("addons is missing");
  else {
    for (const [index, addon] of doc.addons.entries()) {
      if (typeof addon === "string") continue;
      if (!isObject(addon) || typeof addon.plan !== "string") {
        problems.push(`addons[${index}] must be a plan name or { plan, as }`);
        continue;
      }
      unknown(`addons[${index}]`, addon, fields.addonObject);
    }
  }
  if (isObject(doc.scripts)) unknown("scripts", doc.scripts, fields.scripts);
  return problems;
}

describe("app.json", () => {
  it("uses only fields the Deploy button knows, and describes every variable", () => {
    expect(appJsonProblems(appJson)).toEqual([]);
  });

  it.each([
    [
      "an unknown top-level key",
      (doc: Json) => ({ ...doc, sucess_url: "/" }),
      /unknown key "sucess_url"/,
    ],
    [
      "an env var without a description",
      (doc: Json) => ({
        ...doc,
        env: { ...(doc.env as Json), AUTH_SECRET: { generator: "secret" } },
      }),
      /env.AUTH_SECRET has no description/,
    ],
    [
      "an unknown key in an env var",
      (doc: Json) => ({
        ...doc,
        env: { ...(doc.env as Json), LOG_LEVEL: { description: "x", default: "info" } },
      }),
      /env.LOG_LEVEL: unknown key "default"/,
    ],
    [
      "an env var lib/config does not read",
      (doc: Json) => ({ ...doc, env: { ...(doc.env as Json), NODE_ENV: { description: "x" } } }),
      /env.NODE_ENV is not a setting lib\/config knows/,
    ],
    [
      "an unknown formation key",
      (doc: Json) => ({ ...doc, formation: { web: { quantity: 1, dyno: "basic" } } }),
      /formation.web: unknown key "dyno"/,
    ],
    [
      "a missing description",
      (doc: Json) => ({ ...doc, description: undefined }),
      /description is missing/,
    ],
  ])("is refused with %s", (_what, mutate, problem) => {
    expect(appJsonProblems(mutate(appJson)).join("\n")).toMatch(problem);
  });

  it("generates the three secrets and requires the first admin's credentials", () => {
    const env = appJson.env as Record<string, Json>;
    for (const name of ["AUTH_SECRET", "SECRETS_KEY", "CRON_SECRET"]) {
      expect(env[name]?.generator).toBe("secret");
    }
    expect(env.ADMIN_EMAIL?.required).toBe(true);
    expect(env.ADMIN_PASSWORD?.required).toBe(true);
  });

  it("provisions Heroku Postgres on its smallest plan", () => {
    expect(appJson.addons).toContain("heroku-postgresql:essential-0");
  });

  it("opens a page the app has after the deploy", () => {
    const pages = listAppRoutes()
      .filter((route) => route.kind === "page")
      .map((route) => route.urlPath);
    expect(pages).toContain(appJson.success_url);
  });

  it("shows a logo that is in public/", () => {
    const logo = new URL(String(appJson.logo));
    const file = logo.pathname.split("/").slice(4).join("/"); // /<owner>/<repo>/<branch>/<path>
    expect(file).toMatch(/^public\//);
    expect(existsSync(join(root, file))).toBe(true);
  });

  it("scales only process types the Procfile defines", () => {
    const procfile = join(root, "Procfile");
    if (!existsSync(procfile)) return; // the Procfile arrives with the runtime work (issue 13)
    const types = readFileSync(procfile, "utf8")
      .split("\n")
      .map((line) => /^([a-z][\w-]*):/.exec(line.trim())?.[1])
      .filter(Boolean);
    for (const type of Object.keys(appJson.formation as Json)) expect(types).toContain(type);
  });
});
