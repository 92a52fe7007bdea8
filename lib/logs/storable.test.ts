import { describe, expect, it } from "vitest";
import { storableText, truncateText } from "./storable";

describe("storableText", () => {
  it.each([
    ["plain text", "at=info status=200", "at=info status=200"],
    ["an empty string", "", ""],
    ["NUL", "a\u0000b\u0000", "a\uFFFDb\uFFFD"],
    ["a lone high surrogate", "a\uD800b", "a\uFFFDb"],
    ["a lone low surrogate at the end", "ab\uDC00", "ab\uFFFD"],
    ["a pair (kept)", "🚀 ok", "🚀 ok"],
    ["a pair reversed", "\uDE80\uD83D", "\uFFFD\uFFFD"],
    ["U+FFFD sent as such (kept)", "a\uFFFDb", "a\uFFFDb"],
    ["other control characters (kept)", "a\u0001\u001fb\u007f", "a\u0001\u001fb\u007f"],
  ])("makes %s storable", (_name, text, storable) => {
    expect(storableText(text)).toBe(storable);
  });

  it("returns the very same string when nothing needed replacing", () => {
    const text = "2025-03-04T09:41:12.337781+00:00 app[web.1]: Größe 🚀";
    expect(Object.is(storableText(text), text)).toBe(true);
  });
});

describe("truncateText", () => {
  it.each([
    ["short text", "abc", 5, "abc"],
    ["text at the limit", "abcde", 5, "abcde"],
    ["ASCII", "abcdef", 5, "abcde"],
    ["a cut inside a pair", "abcd🚀", 5, "abcd"],
    ["a cut after a pair", "abc🚀d", 5, "abc🚀"],
  ])("cuts %s", (_name, text, max, cut) => {
    expect(truncateText(text, max)).toBe(cut);
    expect(truncateText(text, max).isWellFormed()).toBe(true);
  });
});
