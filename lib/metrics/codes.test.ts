import { describe, expect, it } from "vitest";
import { codeInfo } from "./codes";

describe("codeInfo", () => {
  it.each([
    ["R14", "Memory quota exceeded (swap in use)", "#r14-memory-quota-exceeded"],
    ["H12", "Request timeout", "#h12-request-timeout"],
    ["H10", "App crashed", "#h10-app-crashed"],
    ["L10", "Drain buffer overflow (log lines dropped)", "#l10-drain-buffer-overflow"],
    ["crashed", "Dyno crashed", ""],
    ["H77", "Router error", ""],
    ["R42", "Runtime error", ""],
    ["Zzz", "Zzz", ""],
  ])("%s → %s", (code, description, anchor) => {
    const info = codeInfo(code);
    expect(info.description).toBe(description);
    expect(info.href).toBe(`https://devcenter.heroku.com/articles/error-codes${anchor}`);
  });
});
