import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { assertSameOriginWrite, requestOrigin } from "@/lib/http/same-origin";

const APP = "https://mon.example.com";
const JSON_TYPE = { "content-type": "application/json" };

function outcome(method: string, headers: Record<string, string>, url = "http://localhost:3000/x") {
  try {
    assertSameOriginWrite(new Request(url, { method, headers }), APP);
    return "ok";
  } catch (error) {
    return error instanceof AppError ? error.code : "threw";
  }
}

describe("assertSameOriginWrite", () => {
  it.each<[string, string, Record<string, string>, string]>([
    ["a read from anywhere", "GET", { origin: "http://evil.example" }, "ok"],
    ["a same-origin JSON post", "POST", { origin: "http://localhost:3000", ...JSON_TYPE }, "ok"],
    [
      "JSON with a charset",
      "PATCH",
      { origin: "http://localhost:3000", "content-type": "application/json; charset=utf-8" },
      "ok",
    ],
    ["APP_URL's origin", "POST", { origin: APP, ...JSON_TYPE }, "ok"],
    [
      "Sec-Fetch-Site: same-origin without Origin",
      "POST",
      { "sec-fetch-site": "same-origin", ...JSON_TYPE },
      "ok",
    ],
    ["a delete without a body", "DELETE", { origin: "http://localhost:3000" }, "ok"],
    ["a post without a body", "POST", { origin: "http://localhost:3000" }, "ok"],
    ["a cross-site origin", "POST", { origin: "http://evil.example", ...JSON_TYPE }, "forbidden"],
    ["a cross-site delete", "DELETE", { origin: "http://evil.example" }, "forbidden"],
    [
      "another port of the same host",
      "POST",
      { origin: "http://localhost:3001", ...JSON_TYPE },
      "forbidden",
    ],
    ["https against http", "POST", { origin: "https://localhost:3000", ...JSON_TYPE }, "forbidden"],
    [
      "a sibling subdomain of APP_URL",
      "POST",
      { origin: "https://evil.mon.example.com", ...JSON_TYPE },
      "forbidden",
    ],
    [
      "Origin: null (sandboxed frame, data: URL)",
      "POST",
      { origin: "null", ...JSON_TYPE },
      "forbidden",
    ],
    ["an unparsable origin", "POST", { origin: "::::", ...JSON_TYPE }, "forbidden"],
    [
      "Sec-Fetch-Site: same-site",
      "POST",
      { "sec-fetch-site": "same-site", ...JSON_TYPE },
      "forbidden",
    ],
    [
      "Sec-Fetch-Site: cross-site",
      "POST",
      { "sec-fetch-site": "cross-site", ...JSON_TYPE },
      "forbidden",
    ],
    ["neither Origin nor Sec-Fetch-Site (curl with a cookie)", "PUT", JSON_TYPE, "forbidden"],
    [
      "a cross-site text/plain post",
      "POST",
      { origin: "http://evil.example", "content-type": "text/plain" },
      "forbidden",
    ],
    [
      "a same-origin text/plain post",
      "POST",
      { origin: "http://localhost:3000", "content-type": "text/plain" },
      "unsupported_media_type",
    ],
    [
      "a same-origin form post",
      "POST",
      { origin: "http://localhost:3000", "content-type": "application/x-www-form-urlencoded" },
      "unsupported_media_type",
    ],
    [
      "a body without a content type",
      "PATCH",
      { origin: "http://localhost:3000", "content-length": "2" },
      "unsupported_media_type",
    ],
    [
      "a lookalike JSON type",
      "POST",
      { origin: "http://localhost:3000", "content-type": "application/jsonx" },
      "unsupported_media_type",
    ],
  ])("%s → %s", (_name, method, headers, expected) => {
    expect(outcome(method, headers)).toBe(expected);
  });

  it("takes the forwarded host and proto as the request's own origin (behind a proxy)", () => {
    const headers = {
      origin: "https://console.example.org",
      "x-forwarded-host": "console.example.org",
      "x-forwarded-proto": "https",
      ...JSON_TYPE,
    };
    expect(outcome("POST", headers, "http://10.0.0.5:3000/api/rules")).toBe("ok");
  });
});

describe("requestOrigin", () => {
  it.each<[string, Record<string, string>, string | null]>([
    ["http://localhost:3000/a", {}, "http://localhost:3000"],
    ["http://localhost:3000/a", { host: "mon.example.com" }, "http://mon.example.com"],
    [
      "http://localhost:3000/a",
      { "x-forwarded-host": "a.example, b.example", "x-forwarded-proto": "https,http" },
      "https://a.example",
    ],
    ["http://localhost:3000/a", { "x-forwarded-proto": "https" }, "https://localhost:3000"],
  ])("%s with %o → %s", (url, headers, expected) => {
    expect(requestOrigin(new Request(url, { headers }))).toBe(expected);
  });
});
