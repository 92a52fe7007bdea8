// Cross-site request forgery guard for cookie-authenticated writes to the REST API. A browser
// attaches the session cookie to a request another site makes (a form post, a no-cors fetch);
// SameSite=Lax alone still lets a top-level cross-site POST through in some browsers and any
// same-site sibling through in all. Browsers send Origin on every non-GET request and
// Sec-Fetch-Site where supported, and a page cannot forge either, nor send a JSON content type
// cross-site without a CORS preflight, which this app never grants. Bearer-token calls carry no
// ambient credential and are not checked.
import { AppError } from "@/lib/errors";

const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** The request's own origin as the server sees it: forwarded host and proto first (a proxy). */
export function requestOrigin(req: Request): string | null {
  const url = new URL(req.url);
  const first = (name: string) => req.headers.get(name)?.split(",")[0]?.trim() || undefined;
  const host = first("x-forwarded-host") ?? first("host") ?? url.host;
  const proto = (first("x-forwarded-proto") ?? url.protocol).replace(/:$/, "");
  return originOf(`${proto}://${host}`);
}

function originOf(value: string): string | null {
  try {
    const origin = new URL(value).origin;
    return origin === "null" ? null : origin;
  } catch {
    return null;
  }
}

function hasBody(headers: Headers): boolean {
  const length = headers.get("content-length");
  return (
    headers.has("content-type") ||
    headers.has("transfer-encoding") ||
    (length !== null && length.trim() !== "0")
  );
}

function isJson(contentType: string | null): boolean {
  const media = contentType?.split(";")[0]?.trim().toLowerCase();
  return media === "application/json";
}

/**
 * Throws unless a cookie-authenticated request may write: reads pass; writes need a same-origin
 * Origin (the request's own origin or `appOrigin`, APP_URL's) or `Sec-Fetch-Site: same-origin`
 * (403 `forbidden` otherwise, a request with neither header included: scripts use bearer tokens),
 * and a body, when there is one, must be JSON (415 `unsupported_media_type`).
 */
export function assertSameOriginWrite(req: Request, appOrigin: string | null): void {
  if (!WRITE_METHODS.has(req.method.toUpperCase())) return;
  const origin = req.headers.get("origin");
  const fetchSite = req.headers.get("sec-fetch-site");
  const claimed = origin === null ? null : originOf(origin.trim());
  const sameOrigin =
    fetchSite === "same-origin" ||
    (claimed !== null &&
      (claimed === requestOrigin(req) || (appOrigin !== null && claimed === originOf(appOrigin))));
  if (!sameOrigin) {
    throw new AppError(
      "forbidden",
      origin === null && fetchSite === null
        ? "A write signed in with a session cookie must come from the console's own pages (no Origin header was sent). Scripts should send Authorization: Bearer <API token> (Settings → API tokens)."
        : "Cross-site request refused: a write signed in with a session cookie must come from the console's own origin. Scripts should send Authorization: Bearer <API token> (Settings → API tokens).",
    );
  }
  if (hasBody(req.headers) && !isJson(req.headers.get("content-type"))) {
    throw new AppError(
      "unsupported_media_type",
      "Send the request body as JSON with Content-Type: application/json.",
    );
  }
}
