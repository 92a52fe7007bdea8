import { describe, expect, it } from "vitest";
import {
  isDriverSocketRace,
  kindOfCode,
  StoreUnavailableError,
  storeErrorCode,
  storeErrorKind,
} from "./availability";

const coded = (code: string, message = "failed", cause?: unknown) =>
  Object.assign(new Error(message, { cause }), { code });

describe("kindOfCode", () => {
  it.each([
    ["ECONNREFUSED", "unreachable"],
    ["ECONNRESET", "unreachable"],
    ["CONNECTION_CLOSED", "unreachable"],
    ["CONNECT_TIMEOUT", "unreachable"],
    ["08006", "unreachable"], // connection failure
    ["57P01", "unreachable"], // admin shutdown (a failover)
    ["57P03", "unreachable"], // cannot connect now (starting)
    ["53300", "unreachable"], // too many connections
    ["40P01", "transient"], // deadlock
    ["40001", "transient"], // serialization failure
    ["53100", "transient"], // disk full
    ["57014", "transient"], // statement timeout
    ["22P05", "data"], // NUL in jsonb
    ["22P02", "data"], // lone surrogate in jsonb
    ["23503", "data"], // foreign key
    ["42P01", "data"], // undefined table
    ["XX000", "data"],
    ["DM409", "data"],
  ])("%s is %s", (code, kind) => {
    expect(kindOfCode(code)).toBe(kind);
  });
});

describe("storeErrorKind", () => {
  it.each([
    [
      "drizzle's wrapper around a refused connection",
      coded("X", "Failed query", coded("ECONNREFUSED")),
      "unreachable",
    ],
    [
      "a data error wrapped twice",
      new Error("outer", { cause: coded("Y", "q", coded("22P05")) }),
      "data",
    ],
    [
      "a connect that failed on every address",
      new AggregateError([coded("ECONNREFUSED")]),
      "unreachable",
    ],
    ["our own deadline", new StoreUnavailableError("late"), "unreachable"],
    [
      "a deadline behind an AppError-like wrapper",
      new Error("x", { cause: new StoreUnavailableError("late") }),
      "unreachable",
    ],
    ["an error with no code", new Error("?"), "data"],
    ["something that is not an error", "boom", "data"],
  ])("%s", (_, error, kind) => {
    expect(storeErrorKind(error)).toBe(kind);
  });

  it("names the innermost code, never the message (drizzle's holds the query's parameters)", () => {
    const error = coded("X", "Failed query: insert … params: secret", coded("22P05"));
    expect(storeErrorCode(error)).toBe("22P05");
    expect(storeErrorCode(new Error("none"))).toBeUndefined();
  });
});

describe("isDriverSocketRace", () => {
  const withStack = (error: Error, stack: string) => Object.assign(error, { stack });
  const driverStack =
    "TypeError: Cannot read properties of null (reading 'write')\n" +
    "    at nextWrite (/app/node_modules/postgres/cjs/src/connection.js:255:22)\n" +
    "    at process.processImmediate (node:internal/timers:483:21)";
  it.each([
    [
      "the driver's null socket write",
      withStack(new TypeError("Cannot read properties of null (reading 'write')"), driverStack),
      true,
    ],
    [
      "the same message from our own code",
      withStack(
        new TypeError("Cannot read properties of null (reading 'write')"),
        "TypeError: …\n    at run (/app/lib/jobs/tick.ts:10:5)",
      ),
      false,
    ],
    [
      "another TypeError inside the driver",
      withStack(new TypeError("x is not a function"), driverStack),
      false,
    ],
    ["not a TypeError", withStack(new Error("reading 'write'"), driverStack), false],
    ["not an error", "reading 'write'", false],
  ])("%s → %s", (_name, error, expected) => {
    expect(isDriverSocketRace(error)).toBe(expected);
  });
});
