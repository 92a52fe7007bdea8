// The request gate (Next 16's middleware): refuses paths that are not valid percent-encoding or
// hold a NUL (Next's router, or Postgres, would answer them 500), redirects signed-out visitors to sign-in and answers
// anonymous API calls with 401 JSON. The sign-in gate is a convenience only: every page, action
// and handler checks auth itself (lib/auth/guards.ts).
import { type NextRequest, NextResponse } from "next/server";
import { readSessionClaims } from "@/lib/auth/session";

const PUBLIC_PAGES = ["/sign-in", "/setup"];
const SELF_AUTHENTICATING_API = ["/api/auth/", "/api/health", "/api/cron/", "/api/drains/"];

function startsWithAny(pathname: string, prefixes: string[]): boolean {
  return prefixes.some(
    (prefix) => pathname === prefix.replace(/\/$/, "") || pathname.startsWith(prefix),
  );
}

/**
 * Whether every %-escape in the path decodes as UTF-8 (Next's router throws on one that does not)
 * to something other than a NUL (which no route takes, and Postgres refuses in text: a 500).
 */
export function isWellFormedPath(pathname: string): boolean {
  try {
    return !decodeURIComponent(pathname).includes("\0");
  } catch {
    return false;
  }
}

function isApiPath(pathname: string): boolean {
  return pathname === "/api" || pathname.startsWith("/api/");
}

/** 400 JSON for the API; for pages, the console's own 404 page (no route matches a private path). */
function malformedPath(request: NextRequest): NextResponse {
  if (isApiPath(request.nextUrl.pathname)) {
    return NextResponse.json(
      {
        error: {
          code: "bad_request",
          message:
            "The request path is not valid percent-encoding (a % must start a UTF-8 escape).",
        },
      },
      { status: 400 },
    );
  }
  return NextResponse.rewrite(new URL("/_malformed-path", request.url));
}

/**
 * A server action (a POST with a `Next-Action` header) sent from another origin. Next refuses it
 * too, comparing the Origin's host with X-Forwarded-Host or Host, but answers 500; this answers
 * 403 first, with the same comparison. Without an Origin Next lets it through (old browsers), and
 * so does this.
 */
export function isCrossSiteAction(request: NextRequest): boolean {
  if (request.method !== "POST" || !request.headers.has("next-action")) return false;
  const origin = request.headers.get("origin");
  if (origin === null) return false;
  const host =
    request.headers.get("x-forwarded-host")?.split(",")[0]?.trim() ||
    request.headers.get("host") ||
    request.nextUrl.host;
  try {
    return new URL(origin).host !== host;
  } catch {
    return true;
  }
}

export async function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  if (!isWellFormedPath(pathname)) return malformedPath(request);
  if (isCrossSiteAction(request)) {
    return new NextResponse(
      "Cross-site request refused: forms post from the console's own pages.",
      {
        status: 403,
        headers: { "content-type": "text/plain; charset=utf-8" },
      },
    );
  }
  if (startsWithAny(pathname, PUBLIC_PAGES) || startsWithAny(pathname, SELF_AUTHENTICATING_API)) {
    return NextResponse.next();
  }
  const isApi = isApiPath(pathname);
  // API tokens are checked by the handler itself.
  if (isApi && /^Bearer\s/i.test(request.headers.get("authorization") ?? ""))
    return NextResponse.next();
  if (await readSessionClaims(request.headers)) return NextResponse.next();
  if (isApi) {
    return NextResponse.json(
      {
        error: {
          code: "unauthorized",
          message: "Sign in or send a valid bearer token to use this endpoint.",
        },
      },
      { status: 401 },
    );
  }
  const signIn = new URL("/sign-in", request.url);
  if (pathname !== "/") signIn.searchParams.set("callbackUrl", `${pathname}${search}`);
  return NextResponse.redirect(signIn);
}

export const config = {
  // Heroku's drain posts (100 KB batches, many a second) and health probes never pass through the
  // proxy: they authenticate themselves, and running the proxy costs each request a body copy.
  // Nor do static files. Each skip holds only for a path without "%" (drain tokens never have
  // one), so a malformed escape anywhere still reaches the check above.
  matcher: [
    "/((?!(?:_next/static|_next/image|api/drains/|api/health|favicon\\.ico|robots\\.txt|[^%]*\\.(?:png|svg|ico|txt)$)[^%]*$).*)",
  ],
};
