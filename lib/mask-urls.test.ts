import { describe, expect, it } from "vitest";
import { maskUrl, maskUrls } from "./mask-urls";

describe("maskUrl", () => {
  it.each([
    ["redis://:hunter2@host:6379/0", "redis://•••@host:6379/•••"],
    [
      "rediss://default:pw@ec2-1-2-3-4.compute-1.amazonaws.com:6380",
      "rediss://•••@ec2-1-2-3-4.compute-1.amazonaws.com:6380",
    ],
    ["postgres://app:pw@db.example.com:5432/shop", "postgres://•••@db.example.com:5432/•••"],
    [
      "postgres://db.example.com/shop?sslmode=require&password=hunter2",
      "postgres://db.example.com/•••?sslmode=•••&password=•••",
    ],
    ["https://hooks.slack.com/services/T0/B0/xoxSECRET", "https://hooks.slack.com/•••"],
    ["https://example.com/?token=abc123", "https://example.com/?token=•••"],
    ["https://example.com/hook?token=abc&flag&=x", "https://example.com/•••?token=•••&•••&•••"],
    ["https://example.com/h?a=1&empty=", "https://example.com/•••?a=•••&empty="],
    ["https://example.com/h#access_token=abc", "https://example.com/•••#•••"],
    ["https://example.com", "https://example.com"],
    ["https://example.com/", "https://example.com/"],
    ["http://127.0.0.1:4000/h", "http://127.0.0.1:4000/•••"],
    // a password with an unescaped slash or @ is still userinfo, not a path
    ["redis://:pa/ss@word@host:6379", "redis://•••@host:6379"],
    [" https://example.com/x ", "https://example.com/•••"],
    ["not a url hunter2", "•••"],
    ["hooks.slack.com/services/T/B/X", "•••"],
    ["", "•••"],
  ])("masks %j as %j", (url, hint) => {
    expect(maskUrl(url)).toBe(hint);
  });
});

describe("maskUrls", () => {
  it.each([
    ["no URL at all: 500 Internal Server Error", "no URL at all: 500 Internal Server Error"],
    [
      "bad request to https://hooks.example.com/hook?token=abc123",
      "bad request to https://hooks.example.com/•••?token=•••",
    ],
    [
      'invalid_payload {"url":"https://hooks.slack.com/services/T/B/X"}',
      'invalid_payload {"url":"https://hooks.slack.com/•••"}',
    ],
    [
      '{"url":"https:\\/\\/hooks.slack.com\\/services\\/T\\/B\\/X?token=abc"}',
      '{"url":"https:\\/\\/hooks.slack.com\\/•••?token=•••"}',
    ],
    [
      "connect ECONNREFUSED redis://default:hunter2@10.0.0.1:6379 (twice: redis://:x@h/1)",
      "connect ECONNREFUSED redis://•••@10.0.0.1:6379 (twice: redis://•••@h/•••)",
    ],
    ["see <https://example.com/a/b>.", "see <https://example.com/•••>."],
    ["HTTPS://EXAMPLE.COM/Secret", "HTTPS://EXAMPLE.COM/•••"],
  ])("masks %j", (text, masked) => {
    expect(maskUrls(text)).toBe(masked);
  });

  const WEBHOOK =
    "https://hooks.example.com/services/T0001/B0001/xoxSECRETpath?token=t0ps3cret&v=2";

  it.each([
    // the receiver echoes the request line: path and query without scheme and host
    [
      "bad request to /services/T0001/B0001/xoxSECRETpath?token=t0ps3cret&v=2",
      "bad request to •••",
    ],
    ["no route for /services/T0001/B0001/xoxSECRETpath", "no route for •••"],
    ["unknown query ?token=t0ps3cret&v=2", "unknown query •••"],
    ["token t0ps3cret is revoked", "token ••• is revoked"],
    ["channel xoxSECRETpath is archived", "channel ••• is archived"],
    ["token t0ps%33cret is revoked", "token t0ps%33cret is revoked"],
    ["token=t0ps3cret", "token=•••"],
    [
      "rejected: https://hooks.example.com/services/T0001",
      "rejected: https://hooks.example.com/•••",
    ],
    // short values (v=2) are not masked on their own: they would mask ordinary text
    ["v2 of 2 failed", "v2 of 2 failed"],
  ])("masks the parts of a known URL in %j", (text, masked) => {
    expect(maskUrls(text, [WEBHOOK])).toBe(masked);
  });

  it("masks a known value however the receiver encoded it", () => {
    const url = "https://example.com/h?sig=a%2Fb%2Bc%3D%3D";
    expect(maskUrls("bad signature a/b+c==", [url])).toBe("bad signature •••");
    expect(maskUrls("bad signature a%2Fb%2Bc%3D%3D", [url])).toBe("bad signature •••");
  });

  it("never shows a known URL that does not parse", () => {
    expect(maskUrls("cannot reach not-a-url-secret", ["not-a-url-secret"])).toBe(
      "cannot reach •••",
    );
  });
});
