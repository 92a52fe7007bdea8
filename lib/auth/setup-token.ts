// The one-time setup token: on a Postgres install with no ADMIN_EMAIL/ADMIN_PASSWORD (a Deploy
// button app), /setup creates the first admin only for someone who read the release log, not for
// whoever finds the URL first. It is an HMAC of AUTH_SECRET, so every instance computes the same
// token with nothing stored, and it stops mattering once a user exists (setup then refuses).
import { createHmac, timingSafeEqual } from "node:crypto";
import type { Config } from "@/lib/config";

const PURPOSE = "dyno-monitor first-admin setup token v1";

/** Whether /setup asks for the token: a shared database, and no admin from the environment. */
export function setupTokenRequired(config: Pick<Config, "databaseUrl" | "admin">): boolean {
  return Boolean(config.databaseUrl) && !config.admin;
}

/** The token for this AUTH_SECRET (base64url, 32 characters). */
export function setupTokenFor(authSecret: string): string {
  return createHmac("sha256", authSecret).update(PURPOSE).digest("base64url").slice(0, 32);
}

/** Compares in constant time (both sides hashed to one length first). */
export function isSetupToken(given: string, authSecret: string): boolean {
  const digest = (value: string) => createHmac("sha256", PURPOSE).update(value).digest();
  const expected = setupTokenFor(authSecret);
  return timingSafeEqual(digest(given.trim()), digest(expected));
}
