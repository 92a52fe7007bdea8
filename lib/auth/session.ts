// Reads the Auth.js session cookie from a request without Next's request scope, so proxy.ts and
// every route handler decide the same way (and tests can call handlers directly).
import { decode } from "next-auth/jwt";
import { resolveAuthSecret } from "@/lib/config";
import type { UserRole } from "@/lib/db/schema/auth";

export const SESSION_COOKIES = ["__Secure-authjs.session-token", "authjs.session-token"] as const;
export const SESSION_MAX_AGE_SECONDS = 7 * 24 * 60 * 60;

export type SessionClaims = { userId: string; email: string; name: string; role: UserRole };

function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const index = part.indexOf("=");
    if (index === -1) continue;
    if (part.slice(0, index).trim() === name)
      return decodeURIComponent(part.slice(index + 1).trim());
  }
  return undefined;
}

let secret: string | undefined;
export function authSecret(): string {
  secret ??= resolveAuthSecret().secret;
  return secret;
}

/** The signed-in user's claims from the session cookie, or null (absent, expired, forged). */
export async function readSessionClaims(headers: Headers): Promise<SessionClaims | null> {
  const cookieHeader = headers.get("cookie");
  for (const name of SESSION_COOKIES) {
    const token = readCookie(cookieHeader, name);
    if (!token) continue;
    try {
      const payload = await decode({ token, secret: authSecret(), salt: name });
      if (
        payload &&
        typeof payload.sub === "string" &&
        typeof payload.email === "string" &&
        (payload.role === "admin" || payload.role === "viewer")
      ) {
        return {
          userId: payload.sub,
          email: payload.email,
          name: typeof payload.name === "string" ? payload.name : payload.email,
          role: payload.role,
        };
      }
    } catch {
      // a forged or stale cookie is the same as none
    }
  }
  return null;
}
