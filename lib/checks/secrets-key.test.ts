import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseConfig, resolveSecretsKey } from "@/lib/config";
import fixture from "./__fixtures__/secrets-key-v1.json";
import { createSecretBox, SecretUnreadableError } from "./secrets";

/** The box a process builds from this SECRETS_KEY, through config as production does. */
function boxFor(secretsKey: string) {
  return createSecretBox(resolveSecretsKey(parseConfig({ SECRETS_KEY: secretsKey })).key);
}

describe("SECRETS_KEY from any source", () => {
  it("still decrypts a credential stored by the code that required a 32-byte key", () => {
    expect(boxFor(fixture.secretsKey).decrypt(fixture.sealed, fixture.context)).toBe(fixture.plain);
  });

  it("reads that credential with the same key written as hex too", () => {
    const hex = Buffer.from(fixture.secretsKey, "base64").toString("hex");
    expect(boxFor(hex).decrypt(fixture.sealed, fixture.context)).toBe(fixture.plain);
  });

  it.each([
    ["64 hex characters", randomBytes(32).toString("hex")],
    ["128 hex characters", randomBytes(64).toString("hex")],
    ["base64 of odd length", randomBytes(25).toString("base64")],
    ["base64url of 40 bytes", randomBytes(40).toString("base64url")],
    ["a passphrase", "correct horse battery staple"],
  ])("round-trips with a generator-shaped key: %s", (_what, key) => {
    const sealed = boxFor(key).encrypt(fixture.plain, "check-7");
    // a new process with the same setting reads it
    expect(boxFor(key).decrypt(sealed, "check-7")).toBe(fixture.plain);
    expect(() => boxFor(`${key}x`).decrypt(sealed, "check-7")).toThrow(SecretUnreadableError);
  });

  it("cannot read the stored credential with another key", () => {
    expect(() => boxFor("another-secret").decrypt(fixture.sealed, fixture.context)).toThrow(
      SecretUnreadableError,
    );
  });
});
