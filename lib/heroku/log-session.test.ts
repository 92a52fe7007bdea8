import { describe, expect, it } from "vitest";
import { createLineSplitter, createSseParser } from "./log-session";

describe("createLineSplitter", () => {
  it("joins lines split across chunks and strips CR", () => {
    const lines: string[] = [];
    const splitter = createLineSplitter((line) => lines.push(line));
    splitter.push("2025-03-04T09:30:00.1+00:00 heroku[web.1]: Resta");
    splitter.push("rting\r\nsecond line\nthi");
    splitter.push("rd");
    splitter.end();
    expect(lines).toEqual([
      "2025-03-04T09:30:00.1+00:00 heroku[web.1]: Restarting",
      "second line",
      "third",
    ]);
  });
});

describe("createSseParser", () => {
  it.each([
    ["one frame", ["id: 1", "data: line one", ""], ["line one"]],
    ["no space after colon", ["id:2", "data:line two", ""], ["line two"]],
    ["comments and retry ignored", [": keep-alive", "retry: 1000", "data: x", ""], ["x"]],
    ["multi-line data", ["data: a", "data: b", ""], ["a\nb"]],
    ["event without data", ["id: 3", ""], []],
  ])("%s", (_name, input, expected) => {
    const out: string[] = [];
    const parser = createSseParser((data) => out.push(data));
    for (const line of input) parser.line(line);
    parser.end();
    expect(out).toEqual(expected);
  });
});
