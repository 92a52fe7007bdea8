// Every planted secret must be absent from the JSON line, whatever shape carries it; the context
// around it (what failed, which drain, which query) must stay readable.
import { DrizzleQueryError } from "drizzle-orm/errors";
import { describe, expect, it } from "vitest";
import { formatLine, guardConsole, redact, redactString } from "@/lib/log";

const DRAIN_SECRET = "Zq8vK2mN4pR6tW1yB3cD5fG7hJ9kL0xA";
const DRAIN_ID = "6f1c2a7e-9b1d-4c3e-8a5f-0d2b4e6a8c1f";
const HASH = "scrypt$32768$8$1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g";
const HASH_SECRET_PART = "aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g";
const API_TOKEN = "dm_Xk3Lp9Qr2Ws8Tv4Yz6Ab1Cd5Ef7Gh0Ij2Kl4Mn6Op8Qr";
const WEBHOOK_SECRET = "whsec_9f8e7d6c5b4a3928170615243342516070819aa";
const DB_PASSWORD = "pg-pass-77f3e1";
const REDIS_PASSWORD = "redis-pass-19ab2c";
const BASIC = Buffer.from(`drain:${DRAIN_SECRET}`).toString("base64");
const BEARER = "hk-3c9d1e7f5a2b4c6d8e0f";

const line = (message: string, fields?: Record<string, unknown>) =>
  formatLine("error", message, fields, new Date("2026-01-01T00:00:00Z"));

describe("redactString", () => {
  it.each<[string, string, string]>([
    ["old drain path", `/api/drains/${DRAIN_ID}.${DRAIN_SECRET}`, `/api/drains/${DRAIN_ID}.***`],
    [
      "old drain path in a full URL with a query",
      `POST https://mon.example.com/api/drains/${DRAIN_ID}.${DRAIN_SECRET}?x=1 failed`,
      `POST https://mon.example.com/api/drains/${DRAIN_ID}.***?x=1 failed`,
    ],
    [
      "drain path with an encoded dot",
      `/api/drains/${DRAIN_ID}%2E${DRAIN_SECRET}`,
      `/api/drains/${DRAIN_ID}.***`,
    ],
    [
      "new drain URL with the secret as credentials",
      `https://drain:${DRAIN_SECRET}@mon.example.com/api/drains/${DRAIN_ID}`,
      `https://drain:***@mon.example.com/api/drains/${DRAIN_ID}`,
    ],
    ["drain path without a secret stays", `/api/drains/${DRAIN_ID}`, `/api/drains/${DRAIN_ID}`],
    [
      "database URL",
      `postgres://app:${DB_PASSWORD}@db.example.com:5432/shop`,
      "postgres://app:***@db.example.com:5432/shop",
    ],
    [
      "Redis URL with an empty user",
      `redis://:${REDIS_PASSWORD}@cache.example.com:6379/0`,
      "redis://:***@cache.example.com:6379/0",
    ],
    ["scrypt hash", `hash was ${HASH}, end`, "hash was scrypt$***, end"],
    ["API token", `token ${API_TOKEN} rejected`, "token dm_*** rejected"],
    ["API token's display prefix stays", "token dm_Xk3Lp9Q revoked", "token dm_Xk3Lp9Q revoked"],
    ["webhook secret", `signed with ${WEBHOOK_SECRET}`, "signed with whsec_***"],
    ["bearer value", `Authorization: Bearer ${BEARER}`, "Authorization: Bearer ***"],
    ["basic value", `authorization: basic ${BASIC}`, "authorization: basic ***"],
    [
      "a placeholder in a help text stays",
      "Send Authorization: Bearer <CRON_SECRET> to call the cron endpoints.",
      "Send Authorization: Bearer <CRON_SECRET> to call the cron endpoints.",
    ],
    [
      "drizzle's failed query keeps the SQL, drops the parameters",
      `Failed query: insert into "users" ("email", "password_hash") values ($1, $2)\nparams: a@example.com,${HASH}`,
      'Failed query: insert into "users" ("email", "password_hash") values ($1, $2) params: ***',
    ],
    [
      "a failed query flattened onto one line",
      `write failed: Failed query: select 1 where $1 params: ${DRAIN_SECRET}`,
      "write failed: Failed query: select 1 where $1 params: ***",
    ],
  ])("%s", (_name, input, expected) => {
    expect(redactString(input)).toBe(expected);
  });
});

describe("a log line", () => {
  const queryError = new DrizzleQueryError(
    'insert into "users" ("email", "password_hash") values ($1, $2)',
    ["ada@example.com", HASH],
    Object.assign(new Error('duplicate key value violates unique constraint "users_email_key"'), {
      code: "23505",
      detail: `Key (password_hash)=(${HASH}) already exists.`,
      // PGlite's errors carry the query and its parameters as own fields
      query: 'insert into "users" ("email", "password_hash") values ($1, $2)',
      params: ["ada@example.com", HASH],
    }),
  );

  it.each<[string, string, Record<string, unknown> | undefined, string[]]>([
    [
      "route error with an old drain path",
      "unhandled error in route handler",
      {
        path: `/api/drains/${DRAIN_ID}.${DRAIN_SECRET}`,
        method: "POST",
        error: new Error("connect ECONNREFUSED"),
      },
      [DRAIN_SECRET],
    ],
    [
      "drizzle query error with a password hash among its parameters",
      "unhandled error in server action",
      { error: queryError },
      [HASH, HASH_SECRET_PART, "ada@example.com"],
    ],
    [
      "postgres-js error fields (debug mode makes them enumerable), nested",
      "job failed",
      {
        job: "deliver-outbox",
        detail: { query: "update x set y = $1", parameters: [WEBHOOK_SECRET, API_TOKEN] },
      },
      [WEBHOOK_SECRET, API_TOKEN, "whsec_", API_TOKEN.slice(3)],
    ],
    [
      "values under secret-looking keys",
      "config",
      {
        passwordHash: "plain-not-a-pattern-1",
        tokenHash: "plain-not-a-pattern-2",
        apiKey: "plain-not-a-pattern-3",
        headers: { Authorization: "plain-not-a-pattern-4", Cookie: "plain-not-a-pattern-5" },
        credentials: { user: "u", pass: "plain-not-a-pattern-6" },
        secretsKey: "plain-not-a-pattern-7",
      },
      [1, 2, 3, 4, 5, 6, 7].map((n) => `plain-not-a-pattern-${n}`),
    ],
    [
      "check credentials in a URL inside an error cause",
      "run-checks: could not record a result",
      {
        check: "c1",
        error: new Error("check failed", {
          cause: new Error(`connect to redis://:${REDIS_PASSWORD}@cache:6379 refused`),
        }),
      },
      [REDIS_PASSWORD],
    ],
    [
      "Auth.js's error shape: cause { err }",
      "auth error",
      { error: new Error("CallbackRouteError", { cause: { err: queryError, provider: "x" } }) },
      [HASH, HASH_SECRET_PART],
    ],
    [
      "secrets in the message itself",
      `drain https://drain:${DRAIN_SECRET}@mon.example.com sent Bearer ${BEARER}`,
      undefined,
      [DRAIN_SECRET, BEARER],
    ],
  ])("%s carries none of the planted values", (_name, message, fields, planted) => {
    const out = line(message, fields);
    for (const value of planted) expect(out).not.toContain(value);
    expect(() => JSON.parse(out)).not.toThrow();
  });

  it("keeps what helps: the SQL text, the SQLSTATE and the drain id", () => {
    const parsed = JSON.parse(
      line("unhandled error in route handler", {
        path: `/api/drains/${DRAIN_ID}.${DRAIN_SECRET}`,
        error: queryError,
      }),
    );
    expect(parsed.path).toBe(`/api/drains/${DRAIN_ID}.***`);
    expect(parsed.error.message).toContain('insert into "users"');
    expect(parsed.error.cause).toEqual({
      name: "Error",
      message: 'duplicate key value violates unique constraint "users_email_key"',
      code: "23505",
    });
  });

  it("drops parameter lists instead of masking them", () => {
    expect(redact({ a: 1, params: [1, 2], nested: { parameters: ["x"] } })).toEqual({
      a: 1,
      nested: {},
    });
  });
});

describe("guardConsole", () => {
  function guarded() {
    const lines: string[] = [];
    const sink = (line: string) => lines.push(line);
    const target = { log: sink, info: sink, warn: sink, error: sink, debug: sink, trace: sink };
    guardConsole(target as unknown as Console);
    return { target: target as unknown as Console, lines };
  }
  const pgliteError = () =>
    Object.assign(new Error("invalid input syntax for type uuid"), {
      code: "22P02",
      query: "select * from users where password_hash = $1",
      params: [HASH],
    });

  it("prints a library's error (as Next prints a page's) without its parameters", () => {
    const { target, lines } = guarded();
    const error = new DrizzleQueryError(
      "select * from users where password_hash = $1",
      [HASH],
      pgliteError(),
    );
    target.error(error);
    target.error("⨯", error, { digest: "123" });
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).not.toContain(HASH_SECRET_PART);
      expect(line).toContain("Failed query: select * from users where password_hash = $1");
      expect(line).toContain("invalid input syntax for type uuid");
    }
  });

  it("redacts strings and objects printed with format specifiers", () => {
    const { target, lines } = guarded();
    target.warn("POST %s failed: %o", `/api/drains/${DRAIN_ID}.${DRAIN_SECRET}`, {
      authorization: `Bearer ${BEARER}`,
      url: `redis://:${REDIS_PASSWORD}@cache:6379`,
    });
    target.log(`token ${API_TOKEN} and ${WEBHOOK_SECRET}`);
    const out = lines.join("\n");
    for (const planted of [DRAIN_SECRET, BEARER, REDIS_PASSWORD, API_TOKEN, WEBHOOK_SECRET]) {
      expect(out).not.toContain(planted);
    }
    expect(out).toContain(`/api/drains/${DRAIN_ID}.***`);
  });
});
