// withRoute's safety nets: bad input never answers 5xx, and the error line it logs for a real 500
// carries no drain secret from the path.
import { afterEach, describe, expect, it, vi } from "vitest";
import { dataExceptionState, withRoute } from "@/lib/http/route";

const SECRET = "s3cr3t-drain-token-value-0123456789";

afterEach(() => {
  vi.restoreAllMocks();
});

function postgresError(code: string, message: string) {
  return Object.assign(new Error(message), { code });
}

describe("dataExceptionState", () => {
  it.each<[string, unknown, string | null]>([
    [
      "a NUL byte",
      postgresError("22021", 'invalid byte sequence for encoding "UTF8": 0x00'),
      "22021",
    ],
    [
      "bad uuid text, wrapped by drizzle",
      new Error("Failed query", {
        cause: postgresError("22P02", "invalid input syntax for type uuid"),
      }),
      "22P02",
    ],
    ["a unique violation (not a data exception)", postgresError("23505", "duplicate key"), null],
    ["a connection refusal", postgresError("ECONNREFUSED", "connect"), null],
    ["not an error", "22P02", null],
  ])("%s → %s", (_name, error, expected) => {
    expect(dataExceptionState(error)).toBe(expected);
  });
});

describe("withRoute", () => {
  const call = (handler: () => Promise<unknown>, params?: Promise<Record<string, string>>) =>
    withRoute("public", handler)(
      new Request(`http://localhost:3000/api/drains/abc.${SECRET}`, { method: "POST" }),
      { params: params ?? Promise.resolve({}) },
    );

  it("answers a database data exception with 400 JSON, not 500", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const response = await call(async () => {
      throw new Error("Failed query: insert …", {
        cause: postgresError("22021", 'invalid byte sequence for encoding "UTF8": 0x00'),
      });
    });
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe("bad_request");
  });

  it("answers params that cannot be read with 400 JSON", async () => {
    const response = await call(
      async () => ({ ok: true }),
      Promise.reject(new URIError("URI malformed")),
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: { code: "bad_request", message: expect.stringMatching(/percent-encoding/) },
    });
  });

  it("logs a real 500 with the drain secret cut from the path", async () => {
    const lines: string[] = [];
    vi.spyOn(console, "error").mockImplementation((line: string) => lines.push(line));
    const response = await call(async () => {
      throw new Error("connect ECONNREFUSED 127.0.0.1:5432");
    });
    expect(response.status).toBe(500);
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(SECRET);
    expect(JSON.parse(lines[0] ?? "{}")).toMatchObject({
      msg: "unhandled error in route handler",
      path: "/api/drains/abc.***",
    });
  });
});
