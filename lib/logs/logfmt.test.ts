import { describe, expect, it } from "vitest";
import { parseLogfmt } from "./logfmt";

describe("parseLogfmt", () => {
  it.each([
    ["at=info method=GET", { at: "info", method: "GET" }],
    ["dyno= connect= service=12ms", { dyno: "", connect: "", service: "12ms" }],
    ['fwd="1.2.3.4, 9.8.7.6" x=1', { fwd: "1.2.3.4, 9.8.7.6", x: "1" }],
    ['desc="say \\"hi\\"" a=b', { desc: 'say "hi"', a: "b" }],
    ['path="C:\\\\dir\\\\" next=1', { path: "C:\\dir\\", next: "1" }],
    ['q="a\\nb"', { q: "a\\nb" }],
    ['empty="" bare other=2', { empty: "", bare: null, other: "2" }],
    [
      "sample#memory_total=398.13MB sample#load-avg-1m=0.1",
      { "sample#memory_total": "398.13MB", "sample#load-avg-1m": "0.1" },
    ],
    ['a="unterminated value', { a: "unterminated value" }],
    ['a="x"glued b=2', { a: "x", b: "2" }],
    ["   a=1    b=2   ", { a: "1", b: "2" }],
    ["=novalue a=1", { a: "1" }],
    ["a=1 a=2", { a: "2" }],
    ["", {}],
  ])("reads %s", (text, expected) => {
    expect(parseLogfmt(text)).toEqual(expected);
  });

  it("reads a slice of a longer string", () => {
    const text = "prefix: a=1 b=2 suffix";
    expect(parseLogfmt(text, 8, 15)).toEqual({ a: "1", b: "2" });
  });
});
