// Requests to route handlers as the console's own pages send them: the Auth.js session cookie,
// the page's Origin on writes (lib/http/same-origin.ts refuses cookie writes without it) and a
// JSON body. Handlers are called directly, so the origin is the URL's.
import { encode } from "next-auth/jwt";
import { authSecret } from "@/lib/auth/session";

export const TEST_ORIGIN = "http://localhost:3000";
const SESSION_COOKIE = "authjs.session-token";

/** A real session cookie for `user`, signed as Auth.js signs it. */
export async function sessionCookie(user: {
  id: string;
  email: string;
  name: string;
  role: string;
}): Promise<string> {
  const token = await encode({
    token: { sub: user.id, email: user.email, name: user.name, role: user.role },
    secret: authSecret(),
    salt: SESSION_COOKIE,
  });
  return `${SESSION_COOKIE}=${token}`;
}

export type ConsoleCall = {
  method?: string;
  cookie?: string | null;
  /** Serialised as JSON with Content-Type: application/json. */
  body?: unknown;
  /** A body sent as is, still labelled JSON (malformed-JSON tests). */
  raw?: string;
  /** Extra or overriding headers (an evil Origin, another content type). */
  headers?: Record<string, string>;
};

/** A request to `path` as the console's page would make it (same origin, cookie, JSON). */
export function consoleRequest(
  path: string,
  { method = "GET", cookie, body, raw, headers: extra }: ConsoleCall = {},
): Request {
  const headers: Record<string, string> = {};
  if (cookie) headers.cookie = cookie;
  if (method !== "GET" && method !== "HEAD") headers.origin = TEST_ORIGIN;
  if (body !== undefined || raw !== undefined) headers["content-type"] = "application/json";
  return new Request(`${TEST_ORIGIN}${path}`, {
    method,
    headers: { ...headers, ...extra },
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
}
