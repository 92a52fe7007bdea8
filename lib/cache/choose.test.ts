import { describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import { chooseCache } from "./choose";

const upstash = {
  UPSTASH_REDIS_REST_URL: "https://eu1-example-12345.upstash.io/",
  UPSTASH_REDIS_REST_TOKEN: "AX1yAAIjcDE1234example",
};
const redis = { REDIS_URL: "rediss://:secret@ec2-1-2-3-4.compute-1.amazonaws.com:6380" };
const postgres = { DATABASE_URL: "postgres://postgres@127.0.0.1:5432/dm" };

describe("chooseCache", () => {
  it.each([
    ["nothing set", {}, "memory"],
    ["DATABASE_URL", postgres, "postgres"],
    ["REDIS_URL", redis, "redis"],
    ["REDIS_URL and DATABASE_URL", { ...redis, ...postgres }, "redis"],
    ["Upstash", upstash, "upstash"],
    ["Upstash and DATABASE_URL", { ...upstash, ...postgres }, "upstash"],
    ["Upstash, REDIS_URL and DATABASE_URL", { ...upstash, ...redis, ...postgres }, "upstash"],
    [
      "empty Upstash variables",
      { UPSTASH_REDIS_REST_URL: "", UPSTASH_REDIS_REST_TOKEN: " " },
      "memory",
    ],
  ])("with %s picks %s", (_label, env, kind) => {
    expect(chooseCache(parseConfig({ NODE_ENV: "test", ...env })).kind).toBe(kind);
  });

  it("hands Upstash its URL without a trailing slash, and its token", () => {
    expect(chooseCache(parseConfig(upstash))).toEqual({
      kind: "upstash",
      url: "https://eu1-example-12345.upstash.io",
      token: "AX1yAAIjcDE1234example",
    });
  });

  it("hands Redis the whole REDIS_URL", () => {
    expect(chooseCache(parseConfig(redis))).toEqual({ kind: "redis", url: redis.REDIS_URL });
  });

  it("says REDIS_URL is ignored when Upstash wins over it, without either secret", () => {
    const choice = chooseCache(parseConfig({ ...upstash, ...redis }));
    expect(choice.kind === "upstash" && choice.notice).toMatch(
      /both UPSTASH_REDIS_REST_URL and REDIS_URL are set; using Upstash, REDIS_URL is ignored/,
    );
    expect(JSON.stringify(choice.kind === "upstash" && choice.notice)).not.toMatch(
      /secret|AX1yAAIjcDE1234example/,
    );
  });

  it("takes a plain config object, no environment needed", () => {
    expect(
      chooseCache({ upstash: undefined, redisUrl: undefined, databaseUrl: "postgres://x/y" }),
    ).toEqual({ kind: "postgres" });
  });
});
