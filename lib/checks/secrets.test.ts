import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createSecretBox, SecretUnreadableError } from "./secrets";

const box = createSecretBox(randomBytes(32));
const URL = "redis://:p4ss-w0rd@redis.example.com:6379/0";

describe("createSecretBox", () => {
  it("round-trips a URL, and never writes it in clear", () => {
    const sealed = box.encrypt(URL, "check-1");
    expect(sealed).toMatch(/^v1:[\w-]+:[\w-]+:[\w-]+$/);
    expect(sealed).not.toContain("p4ss-w0rd");
    expect(box.decrypt(sealed, "check-1")).toBe(URL);
  });

  it("seals the same value differently each time (a fresh IV)", () => {
    expect(box.encrypt(URL, "check-1")).not.toBe(box.encrypt(URL, "check-1"));
  });

  it.each([
    ["a flipped ciphertext byte", (s: string) => flip(s, 3)],
    ["a flipped tag byte", (s: string) => flip(s, 2)],
    ["a flipped IV byte", (s: string) => flip(s, 1)],
    ["a truncated value", (s: string) => s.slice(0, -4)],
    ["another version", (s: string) => s.replace(/^v1:/, "v2:")],
    ["a missing part", (s: string) => s.split(":").slice(0, 3).join(":")],
    ["an extra part", (s: string) => `${s}:AA`],
    ["garbage", () => "not a sealed value"],
  ])("refuses %s", (_name, tamper) => {
    const sealed = box.encrypt(URL, "check-1");
    expect(() => box.decrypt(tamper(sealed), "check-1")).toThrow(SecretUnreadableError);
  });

  it("refuses another check's secret (the id is authenticated) and another key's", () => {
    const sealed = box.encrypt(URL, "check-1");
    expect(() => box.decrypt(sealed, "check-2")).toThrow(SecretUnreadableError);
    expect(() => createSecretBox(randomBytes(32)).decrypt(sealed, "check-1")).toThrow(
      /cannot be decrypted/,
    );
  });

  it("wants a 32-byte key", () => {
    expect(() => createSecretBox(randomBytes(16))).toThrow(/32 bytes/);
  });
});

/** Flips one bit of the decoded part `index` (1 IV, 2 tag, 3 ciphertext). */
function flip(sealed: string, index: number): string {
  const parts = sealed.split(":");
  const bytes = Buffer.from(parts[index] ?? "", "base64url");
  bytes[0] = (bytes[0] ?? 0) ^ 1;
  parts[index] = bytes.toString("base64url");
  return parts.join(":");
}
