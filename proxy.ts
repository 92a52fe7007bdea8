// The request gate (Next 16's middleware): redirects signed-out visitors to sign-in and answers
// anonymous API calls with 401 JSON. A convenience only: every page, action and handler checks
// auth itself (lib/auth/guards.ts).
import { type NextRequest, NextResponse } from "next/server";
import { readSessionClaims } from "@/lib/auth/session";

const PUBLIC_PAGES = ["/sign-in", "/setup"];
const SELF_AUTHENTICATING_API = ["/api/auth/", "/api/health", "/api/cron/", "/api/drains/"];

function startsWithAny(pathname: string, prefixes: string[]): boolean {
  return prefixes.some(
    (prefix) => pathname === prefix.replace(/\/$/, "") || pathname.startsWith(prefix),
  );
}

export async function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  if (startsWithAny(pathname, PUBLIC_PAGES) || startsWithAny(pathname, SELF_AUTHENTICATING_API)) {
    return NextResponse.next();
  }
  const isApi = pathname === "/api" || pathname.startsWith("/api/");
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
  matcher: [
    "/((?!_next/static|_next/image|api/drains/|api/health|favicon.ico|robots.txt|.*\\.(?:png|svg|ico|txt)$).*)",
  ],
};
