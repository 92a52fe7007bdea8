import { describe, expect, it } from "vitest";
import type { z } from "zod";
import {
  checkFieldErrors,
  checkInputSchema,
  checkUpdateSchema,
  parseStatusRanges,
  statusExpected,
} from "./schema";

describe("parseStatusRanges", () => {
  it.each([
    ["200-399", [[200, 399]]],
    ["200", [[200, 200]]],
    [
      "200,204, 301-302",
      [
        [200, 200],
        [204, 204],
        [301, 302],
      ],
    ],
    [" 404 ", [[404, 404]]],
    ["", null],
    ["2xx", null],
    ["399-200", null],
    ["99", null],
    ["600", null],
    ["200-", null],
    ["200,,204", null],
  ])("%j → %j", (value, ranges) => {
    expect(parseStatusRanges(value)).toEqual(ranges);
  });

  it.each([
    [200, true],
    [399, true],
    [400, false],
    [199, false],
  ])("status %i within 200-399: %s", (status, expected) => {
    expect(statusExpected(status, [[200, 399]])).toBe(expected);
  });
});

function fieldsOf(value: unknown, schema: z.ZodType = checkInputSchema) {
  const parsed = schema.safeParse(value);
  return parsed.success ? {} : checkFieldErrors(parsed.error);
}

describe("checkInputSchema", () => {
  it("fills the defaults of a web check", () => {
    expect(
      checkInputSchema.parse({ name: "Shop", kind: "web", url: "https://shop.example.com" }),
    ).toEqual({
      name: "Shop",
      kind: "web",
      app: null,
      enabled: true,
      intervalSeconds: 60,
      timeoutMs: 10_000,
      url: "https://shop.example.com",
      config: { method: "GET", expectedStatus: "200-399", bodyText: null, followRedirects: false },
    });
  });

  it.each([
    [{ kind: "web", url: "ftp://x" }, "url", /http:\/\/ or https:\/\//],
    [{ kind: "web", url: "https://user:pw@x.example" }, "url", /no user or password/],
    [
      { kind: "web", url: "https://x.example", intervalSeconds: 5 },
      "intervalSeconds",
      /at least 10/,
    ],
    [
      { kind: "web", url: "https://x.example", intervalSeconds: 86_401 },
      "intervalSeconds",
      /at most 86400/,
    ],
    [{ kind: "web", url: "https://x.example", timeoutMs: 99 }, "timeoutMs", /at least 100/],
    [{ kind: "web", url: "https://x.example", timeoutMs: 60_001 }, "timeoutMs", /at most 60000/],
    [
      { kind: "web", url: "https://x.example", intervalSeconds: 10, timeoutMs: 10_000 },
      "timeoutMs",
      /shorter than the interval/,
    ],
    [
      { kind: "web", url: "https://x.example", config: { expectedStatus: "2xx" } },
      "config.expectedStatus",
      /200-399/,
    ],
    [
      { kind: "web", url: "https://x.example", config: { method: "HEAD", bodyText: "ok" } },
      "config.bodyText",
      /HEAD/,
    ],
    [
      { kind: "web", url: "https://x.example", config: { method: "TRACE" } },
      "config.method",
      /GET, HEAD or POST/,
    ],
    [{ kind: "redis" }, "url", /redis:\/\/:password@host/],
    [{ kind: "redis", url: "http://x" }, "url", /redis:\/\/ or rediss:\/\//],
    [{ kind: "redis", url: "redis://:•••@host:6379/0" }, "url", /masked hint/],
    [
      { kind: "redis", url: "redis://h", config: { listThreshold: 5 } },
      "config.listName",
      /Name the list/,
    ],
    [
      { kind: "redis", url: "redis://h", config: { listName: "q", listThreshold: -1 } },
      "config.listThreshold",
      /at least 0/,
    ],
    [{ kind: "postgres", url: "mysql://x" }, "url", /postgres:\/\/ or postgresql:\/\//],
    [
      { kind: "postgres", url: "postgres://h/db", config: { table: "drop table x;" } },
      "config.table",
      /public.orders/,
    ],
    [{ kind: "mongo", url: "x" }, "kind", /web, redis, postgres/],
    // the API takes JSON numbers and booleans: nothing is coerced
    [
      { kind: "web", url: "https://x.example", intervalSeconds: "60" },
      "intervalSeconds",
      /JSON number/,
    ],
    [
      { kind: "web", url: "https://x.example", intervalSeconds: true },
      "intervalSeconds",
      /a number/,
    ],
    [{ kind: "web", url: "https://x.example", timeoutMs: [500] }, "timeoutMs", /a number/],
    [{ kind: "web", url: "https://x.example", enabled: "true" }, "enabled", /true or false/],
    [
      { kind: "redis", url: "redis://h", config: { listName: "q", listThreshold: "100" } },
      "config.listThreshold",
      /JSON number/,
    ],
    [
      { kind: "web", url: "https://x.example", config: { followRedirects: 1 } },
      "config.followRedirects",
      /true or false/,
    ],
    // text that cannot be stored as typed
    [{ kind: "web", url: "https://x.example", name: "a\u0000b" }, "name", /NUL/],
    [{ kind: "web", url: "https://x.example", name: "a\ud800" }, "name", /surrogate/],
    [{ kind: "web", url: "https://x.example", app: "shop\nprod" }, "app", /line break/],
    [{ kind: "web", url: "https://x.example/\u0007" }, "url", /U\+0007/],
    [
      { kind: "redis", url: "redis://h", config: { listName: "q\u0000" } },
      "config.listName",
      /NUL/,
    ],
    [{ kind: "postgres", url: "postgres://h/\u0000" }, "url", /NUL/],
  ])("refuses %j on %s", (body, field, message) => {
    const fields = fieldsOf({ name: "A check", ...body });
    expect(fields[field]?.join(" ")).toMatch(message);
  });

  it("takes a Redis list and threshold, and a Postgres table", () => {
    expect(
      checkInputSchema.parse({
        name: "Queue",
        kind: "redis",
        url: "redis://:pw@127.0.0.1:6379/0",
        config: { listName: "jobs", listThreshold: 100 },
      }).config,
    ).toEqual({ listName: "jobs", listThreshold: 100 });
    expect(
      checkInputSchema.parse({
        name: "DB",
        kind: "postgres",
        url: "postgresql://u:pw@db/shop",
        config: { table: "public.orders" },
      }).config,
    ).toEqual({ table: "public.orders" });
  });

  it("lets an update leave a Redis/Postgres URL out (the stored one stays), never a web URL", () => {
    expect(fieldsOf({ name: "Q", kind: "redis" }, checkUpdateSchema)).toEqual({});
    expect(Object.keys(fieldsOf({ name: "W", kind: "web" }, checkUpdateSchema))).toEqual(["url"]);
  });
});
