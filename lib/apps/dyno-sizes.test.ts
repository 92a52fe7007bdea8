import { describe, expect, it } from "vitest";
import { dynoType, memoryQuotaMb } from "./dyno-sizes";

describe("memoryQuotaMb", () => {
  it.each([
    ["Standard-1X", 512],
    ["standard-1X", 512],
    ["Standard-2X", 1024],
    ["Performance-M", 2560],
    ["Performance-L", 14336],
    ["Basic", 512],
    ["Eco", 512],
    ["Shield-M", 2560],
    ["2X", 1024],
    ["dyno-2c-4gb", 4096],
    ["dyno-1c-0.5gb", 512],
    ["Mystery-9X", null],
    ["", null],
    [null, null],
  ])("%s → %s MB", (size, expected) => {
    expect(memoryQuotaMb(size)).toBe(expected);
  });
});

describe("dynoType", () => {
  it.each([
    ["web.1", "web"],
    ["worker.12", "worker"],
    ["run.4821", "run"],
    ["web-7d9f8c6b5-x2k4q", "web"],
    ["clock", "clock"],
  ])("%s → %s", (name, expected) => {
    expect(dynoType(name)).toBe(expected);
  });
});
