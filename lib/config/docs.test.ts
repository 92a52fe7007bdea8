import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { configVars } from "./index";

const read = (file: string) => readFileSync(join(process.cwd(), file), "utf8");

describe("settings documentation", () => {
  it.each(Object.keys(configVars))("lists %s in README's table and in .env.example", (name) => {
    expect(read("README.md")).toMatch(new RegExp(`\\|\\s*\`${name}\`\\s*\\|`));
    expect(read(".env.example")).toMatch(new RegExp(`^#? ?${name}=`, "m"));
  });
});
