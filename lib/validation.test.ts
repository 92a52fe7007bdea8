import { describe, expect, it } from "vitest";
import { formNumber, numberError, queryInt, text, textProblem } from "./validation";

describe("textProblem", () => {
  it.each([
    ["plain text", "R14 on web", null],
    ["accents and emoji", "Zürich 🚀 Ω", null],
    ["an empty string", "", null],
    ["NUL", "a\u0000b", /NUL character \(U\+0000\)/],
    ["escape", "a\u001bb", /control character \(U\+001B\)/],
    ["DEL", "a\u007fb", /control character \(U\+007F\)/],
    ["a C1 control", "a\u0085b", /control character \(U\+0085\)/],
    ["a line feed", "a\nb", /line break \(U\+000A\)/],
    ["a carriage return", "a\rb", /line break \(U\+000D\)/],
    ["a tab", "a\tb", /control character \(U\+0009\)/],
    ["a lone high surrogate", "a\ud800b", /lone UTF-16 surrogate/],
    ["a lone low surrogate", "\udc00", /lone UTF-16 surrogate/],
    ["a reversed pair", "\udc00\ud800", /lone UTF-16 surrogate/],
  ])("single-line: %s", (_what, value, expected) => {
    const problem = textProblem(value);
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toMatch(expected);
  });

  it.each([
    ["a line feed", "a\nb", null],
    ["CRLF", "a\r\nb", null],
    ["a tab", "a\tb", null],
    ["NUL", "a\n\u0000", /NUL/],
    ["a form feed", "a\fb", /U\+000C/],
    ["a lone surrogate", "a\n\ud83d", /surrogate/],
  ])("multi-line: %s", (_what, value, expected) => {
    const problem = textProblem(value, { multiline: true });
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toMatch(expected);
  });
});

describe("text", () => {
  it("refuses what cannot be stored, with the reason, and keeps chained checks", () => {
    const name = text({ error: "Name it." }).trim().min(1, { error: "Name it." }).max(5);
    expect(name.parse("  abc ")).toBe("abc");
    expect(name.safeParse("a\u0000").error?.issues.map((i) => i.message)).toEqual([
      "Contains a NUL character (U+0000), which cannot be stored: remove it.",
    ]);
    expect(name.safeParse("abcdef\u0000").error?.issues).toHaveLength(1);
    expect(name.safeParse(3).error?.issues[0]?.message).toBe("Name it.");
    expect(name.safeParse("abcdefg").success).toBe(false);
    expect(text({ multiline: true }).parse("a\nb")).toBe("a\nb");
  });
});

describe("queryInt", () => {
  const limit = queryInt("limit", { min: 1, max: 1000 });
  it.each([
    ["1", 1],
    ["1000", 1000],
    ["007", 7],
  ])("reads %j as %d", (value, expected) => {
    expect(limit.parse(value)).toBe(expected);
  });
  it.each([
    "",
    " 3 ",
    "3 ",
    "0x3",
    "3e0",
    "3.0",
    "-1",
    "+3",
    "Infinity",
    "NaN",
    "0",
    "1001",
    "1".repeat(40),
  ])("refuses %j", (value) => {
    const issues = limit.safeParse(value).error?.issues ?? [];
    expect(issues.length).toBeGreaterThan(0);
    expect(issues[0]?.message).toMatch(/^limit /);
  });
  it("refuses a number that is not text (the query string is always text)", () => {
    expect(limit.safeParse(3).success).toBe(false);
  });
});

describe("formNumber", () => {
  it.each([
    ["3", 3],
    [" 3 ", 3],
    ["-0.5", -0.5],
    [".5", 0.5],
    ["1e3", 1000],
    ["", undefined],
    ["   ", undefined],
    [3, 3],
    [null, null],
    [undefined, undefined],
  ])("reads %j as %j", (value, expected) => {
    expect(formNumber(value)).toBe(expected);
  });
  it.each(["abc", "0x3", "3,5", "1_000", "Infinity", "3px", "--3"])(
    "reads %j as NaN (refused by the field's schema)",
    (value) => {
      expect(formNumber(value)).toBeNaN();
    },
  );
});

describe("numberError", () => {
  it("tells text apart from other wrong values", () => {
    const message = numberError("Least count");
    expect(message({ input: "3" })).toMatch(/JSON number/);
    expect(message({ input: true })).toBe("Least count must be a number");
    expect(message({ input: Number.NaN })).toBe("Least count must be a number");
  });
});
