// Check credentials at rest: AES-256-GCM under SECRETS_KEY (or the key generated into .data/), each
// ciphertext bound to its check's id, so one check's secret cannot be pasted onto another.
import "server-only";
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { resolveSecretsKey } from "@/lib/config";

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A stored secret that cannot be read: tampered with, another check's, or another key's. */
export class SecretUnreadableError extends Error {
  constructor(options?: { cause?: unknown }) {
    super(
      "The stored credentials cannot be decrypted (SECRETS_KEY changed, or the value was altered); enter the URL again.",
      options,
    );
    this.name = "SecretUnreadableError";
  }
}

export type SecretBox = {
  /** `v1:<iv>:<tag>:<ciphertext>`, base64url parts; `context` (the check id) is authenticated. */
  encrypt(plain: string, context: string): string;
  decrypt(sealed: string, context: string): string;
};

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error("A secrets key is 32 bytes (AES-256).");
  return {
    encrypt(plain, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(context, "utf8"));
      const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
      const parts = [iv, cipher.getAuthTag(), body].map((part) => part.toString("base64url"));
      return [VERSION, ...parts].join(":");
    },
    decrypt(sealed, context) {
      const [version, iv, tag, body, ...rest] = sealed.split(":");
      if (version !== VERSION || !iv || !tag || body === undefined || rest.length > 0) {
        throw new SecretUnreadableError();
      }
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"), {
          authTagLength: TAG_BYTES,
        });
        decipher.setAAD(Buffer.from(context, "utf8"));
        decipher.setAuthTag(Buffer.from(tag, "base64url"));
        return Buffer.concat([
          decipher.update(Buffer.from(body, "base64url")),
          decipher.final(),
        ]).toString("utf8");
      } catch (cause) {
        throw new SecretUnreadableError({ cause });
      }
    },
  };
}

let keyedBox: SecretBox | undefined;

/**
 * The process's box, keyed by SECRETS_KEY or the generated key. The key is read on first use, so
 * work that never touches a secret (web checks, an empty run) never reads or creates a key file.
 */
export const processSecretBox: SecretBox = {
  encrypt(plain, context) {
    keyedBox ??= createSecretBox(resolveSecretsKey().key);
    return keyedBox.encrypt(plain, context);
  },
  decrypt(sealed, context) {
    keyedBox ??= createSecretBox(resolveSecretsKey().key);
    return keyedBox.decrypt(sealed, context);
  },
};
