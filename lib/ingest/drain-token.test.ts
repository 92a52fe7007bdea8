import { describe, expect, it } from "vitest";
import type { Drain } from "@/lib/db/schema";
import { shownDrainUrl } from "@/lib/heroku/simulator/serialize";
import {
  DRAIN_TOKEN_GRACE_MS,
  drainAccepts,
  drainCredentials,
  hashDrainSecret,
  newDrainSecret,
} from "./drain-token";
import { drainUrl } from "./drains-service";

const ID = "3c2b1a0f-9e8d-4c7b-8a5f-4e3d2c1b0a9f";
const basic = (userAndPassword: string) =>
  `Basic ${Buffer.from(userAndPassword).toString("base64")}`;

describe("drainCredentials", () => {
  it.each<[string, string | undefined, string | null, { id: string; secret: string } | null]>([
    ["URL credentials as Basic auth", ID, basic("drain:s3cret"), { id: ID, secret: "s3cret" }],
    ["a password holding colons", ID, basic("drain:a:b:c"), { id: ID, secret: "a:b:c" }],
    ["any user name", ID, basic("heroku:s3cret"), { id: ID, secret: "s3cret" }],
    ["the scheme in any case", ID, `bAsIc   ${basic("drain:x").slice(6)}`, { id: ID, secret: "x" }],
    ["the older path form", `${ID}.s3cret`, null, { id: ID, secret: "s3cret" }],
    [
      "the path form over a header",
      `${ID}.s3cret`,
      basic("drain:other"),
      { id: ID, secret: "s3cret" },
    ],
    ["no Authorization", ID, null, null],
    ["an empty Authorization", ID, "", null],
    ["a Bearer token", ID, "Bearer s3cret", null],
    ["Basic without a value", ID, "Basic ", null],
    ["Basic with garbage", ID, "Basic %%%not-base64%%%", null],
    ["Basic without a colon", ID, basic("drain"), null],
    ["Basic with an empty password", ID, basic("drain:"), null],
    ["a secret far too long", ID, basic(`drain:${"x".repeat(300)}`), null],
    ["an empty path secret", `${ID}.`, null, null],
    ["no token", undefined, basic("drain:s3cret"), null],
    ["an empty token", "", basic("drain:s3cret"), null],
    ["an id that is no UUID", "not-a-token", basic("drain:s3cret"), null],
    ["an upper-case id", ID.toUpperCase(), basic("drain:s3cret"), null],
    ["an id with a trailing slash", `${ID}/`, basic("drain:s3cret"), null],
    ["a decoded lone surrogate", `${ID}.\ud800`, null, { id: ID, secret: "\ud800" }],
    ["a NUL in the id", `${ID}\u0000`, basic("drain:s3cret"), null],
  ])("%s", (_case, token, authorization, expected) => {
    expect(drainCredentials(token, authorization)).toEqual(expected);
  });
});

describe("drainAccepts", () => {
  const now = new Date("2025-03-04T10:00:00Z");
  const drain = (previous?: { secret: string; expiresAt: Date }): Drain =>
    ({
      id: ID,
      tokenHash: hashDrainSecret("current"),
      previousTokenHash: previous ? hashDrainSecret(previous.secret) : null,
      previousTokenExpiresAt: previous?.expiresAt ?? null,
    }) as Drain;
  const later = (ms: number) => new Date(now.getTime() + ms);

  it.each<[string, Drain | null, string, boolean]>([
    ["the current secret", drain(), "current", true],
    ["a wrong secret", drain(), "wrong", false],
    ["no drain", null, "current", false],
    ["the old secret within its grace", drain({ secret: "old", expiresAt: later(1) }), "old", true],
    ["the old secret at its expiry", drain({ secret: "old", expiresAt: now }), "old", false],
    ["the old secret after it", drain({ secret: "old", expiresAt: later(-1) }), "old", false],
    [
      "the current one during a grace",
      drain({ secret: "old", expiresAt: later(1) }),
      "current",
      true,
    ],
    ["a stored hash that is no hash", { ...drain(), tokenHash: "x" }, "x", false],
  ])("%s", (_case, row, secret, accepted) => {
    expect(drainAccepts(row, secret, now)).toBe(accepted);
  });

  it("gives a rotated-out secret ten minutes", () => {
    expect(DRAIN_TOKEN_GRACE_MS).toBe(10 * 60_000);
  });
});

describe("drain URLs", () => {
  it.each([
    ["https://monitor.example.com", "https://drain:SECRET@monitor.example.com/api/drains/ID"],
    ["https://monitor.example.com/", "https://drain:SECRET@monitor.example.com/api/drains/ID"],
    ["http://127.0.0.1:9/console", "http://drain:SECRET@127.0.0.1:9/console/api/drains/ID"],
  ])("%s carries the secret as credentials, the id alone in the path", (appUrl, expected) => {
    expect(drainUrl(appUrl, "ID", "SECRET")).toBe(expected);
  });

  it("uses secrets that need no escaping in a URL", () => {
    const { secret, hash } = newDrainSecret();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(hash).toBe(hashDrainSecret(secret));
    expect(new URL(drainUrl("https://m.example.com", ID, secret)).password).toBe(secret);
  });

  it.each([
    [
      "https://drain:s3cret@m.example.com/api/drains/x",
      "https://drain:***@m.example.com/api/drains/x",
    ],
    ["https://s3cret@m.example.com/api/drains/x", "https://***@m.example.com/api/drains/x"],
    ["https://m.example.com/api/drains/x", "https://m.example.com/api/drains/x"],
    ["syslog+tls://logs.example.com:12345", "syslog+tls://logs.example.com:12345"],
    ["not a url", "not a url"],
  ])("the simulator shows %s as %s", (url, shown) => {
    expect(shownDrainUrl(url)).toBe(shown);
  });
});
