import { describe, expect, it } from "vitest";
import { kindOfCode, StoreUnavailableError, storeErrorCode, storeErrorKind } from "./availability";

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
