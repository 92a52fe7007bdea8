import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  ConfigError,
  configVars,
  decodeSecretsKey,
  deriveSecretsKey,
  parseConfig,
  resolveSecretsKey,
} from "./index";

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => p.problem);
    throw error;
  }
  return [];
}

describe("parseConfig", () => {
  it("gives the embedded defaults when nothing is set", () => {
    const config = parseConfig({});
    expect(config.port).toBe(3000);
    expect(config.appUrl).toBe("http://localhost:3000");
    expect(config.databaseUrl).toBeUndefined();
    expect(config.pgliteDir.endsWith(".data/pglite")).toBe(true);
    expect(config.scheduler).toBe("on");
    expect(config.admin).toBeUndefined();
  });

  it("derives APP_URL from PORT and trims a trailing slash from an explicit one", () => {
    expect(parseConfig({ PORT: "4100" }).appUrl).toBe("http://localhost:4100");
    expect(parseConfig({ APP_URL: "https://dm.example.com/" }).appUrl).toBe(
      "https://dm.example.com",
    );
  });

  it("treats empty strings as unset", () => {
    expect(parseConfig({ PORT: "", DATABASE_URL: " " }).port).toBe(3000);
  });

  it.each([
    ["PORT", "abc", /PORT must be a number, got "abc" \(HTTP port.*\)\. Example: PORT=3000/],
    ["PORT", "70000", /PORT must be at most 65535/],
    ["APP_URL", "localhost:3000", /APP_URL must be a URL starting with http:\/\/ or https:\/\//],
    ["SCHEDULER", "sometimes", /SCHEDULER must be "on" or "off", got "sometimes"/],
    [
      "DATABASE_URL",
      "mysql://x",
      /DATABASE_URL must be a URL starting with postgres:\/\/ or postgresql:\/\/, the value given/,
    ],
    ["ADMIN_EMAIL", "not-an-email", /ADMIN_EMAIL must be an email address/],
    ["LOG_LEVEL", "loud", /LOG_LEVEL must be one of debug, info, warn, error/],
  ])("names %s and what it is for when its value %j is wrong", (name, value, pattern) => {
    const env: Record<string, string> = { [name]: value };
    if (name === "ADMIN_EMAIL") env.ADMIN_PASSWORD = "long-enough";
    const problems = problemsOf(env);
    expect(problems.join("\n")).toMatch(pattern);
  });

  it("never repeats a secret's value in its error", () => {
    const problems = problemsOf({ HEROKU_API_KEY: "hk-shrt" });
    expect(problems[0]).toMatch(/HEROKU_API_KEY must be at least 8 characters, the value given/);
    expect(problems[0]).not.toContain("hk-shrt");
  });

  it("requires AUTH_SECRET with DATABASE_URL outside tests", () => {
    const problems = problemsOf({ DATABASE_URL: "postgres://127.0.0.1/db" });
    expect(problems.join()).toMatch(/AUTH_SECRET must be set when DATABASE_URL is/);
    expect(() =>
      parseConfig({
        DATABASE_URL: "postgres://127.0.0.1/db",
        AUTH_SECRET: "x".repeat(32),
        SECRETS_KEY: randomBytes(32).toString("base64"),
        HEROKU_API_KEY: "hk-0123456789",
      }),
    ).not.toThrow();
  });

  it("requires SECRETS_KEY with DATABASE_URL outside tests: every instance decrypts with it", () => {
    const problems = problemsOf({
      DATABASE_URL: "postgres://127.0.0.1/db",
      AUTH_SECRET: "x".repeat(32),
      HEROKU_API_KEY: "hk-0123456789",
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/SECRETS_KEY must be set when DATABASE_URL is/);
    expect(
      problemsOf({ DATABASE_URL: "postgres://127.0.0.1/db", NODE_ENV: "test" }).join(),
    ).not.toMatch(/SECRETS_KEY/);
  });

  it.each([
    ["base64", randomBytes(32).toString("base64")],
    ["base64url", randomBytes(32).toString("base64url")],
    ["hex", randomBytes(32).toString("hex")],
  ])("takes a 32-byte SECRETS_KEY written as %s", (_format, key) => {
    expect(parseConfig({ SECRETS_KEY: key }).secretsKey).toBe(key);
    expect(decodeSecretsKey(key)?.length).toBe(32);
  });

  it.each([
    ["16 bytes", randomBytes(16).toString("base64")],
    ["33 bytes", randomBytes(33).toString("hex")],
    ["a passphrase", "correct horse battery staple, long!!"],
    ["one character", "x"],
  ])("takes a SECRETS_KEY of %s, stretched to a 32-byte key", (_what, key) => {
    expect(decodeSecretsKey(key)).toBeNull();
    const derived = deriveSecretsKey(key);
    expect(derived.length).toBe(32);
    expect(deriveSecretsKey(key)).toEqual(derived);
    expect(deriveSecretsKey(`${key}!`)).not.toEqual(derived);
  });

  it.each([
    ["64 hex characters", randomBytes(32).toString("hex")],
    ["128 hex characters", randomBytes(64).toString("hex")],
    ["base64 of odd length", randomBytes(23).toString("base64")],
    ["base64url", randomBytes(40).toString("base64url")],
    ["a short word", "s3cr3t"],
  ])(
    "accepts AUTH_SECRET, SECRETS_KEY and CRON_SECRET as the secret generator may give them: %s",
    (_what, value) => {
      const config = parseConfig({
        DATABASE_URL: "postgres://127.0.0.1/db",
        HEROKU_API_KEY: "hk-0123456789",
        AUTH_SECRET: value,
        SECRETS_KEY: value,
        CRON_SECRET: value,
      });
      expect(config.authSecret).toBe(value);
      expect(config.cronSecret).toBe(value);
      expect(resolveSecretsKey(config).key.length).toBe(32);
    },
  );

  it("keeps a 32-byte SECRETS_KEY as it is, so credentials it encrypted stay readable", () => {
    const key = randomBytes(32);
    expect(deriveSecretsKey(key.toString("base64"))).toEqual(key);
    expect(deriveSecretsKey(key.toString("hex"))).toEqual(key);
  });

  it("requires HEROKU_API_KEY with DATABASE_URL outside tests, naming DEMO_MODE=on as the way to run the demo", () => {
    const production = {
      DATABASE_URL: "postgres://127.0.0.1/db",
      AUTH_SECRET: "a",
      SECRETS_KEY: "b",
    };
    const problems = problemsOf(production);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^HEROKU_API_KEY must be set when DATABASE_URL is/);
    expect(problems[0]).toContain("DEMO_MODE=on");
    expect(() => parseConfig(production)).toThrow(ConfigError);
    const demo = parseConfig({ ...production, DEMO_MODE: "on" });
    expect(demo.demoMode).toBe(true);
    const watching = parseConfig({ ...production, HEROKU_API_KEY: "hk-0123456789" });
    expect(watching.demoMode).toBe(false);
  });

  it("stays in demo mode by default without DATABASE_URL, and DEMO_MODE decides when given", () => {
    expect(parseConfig({}).demoMode).toBe(true);
    expect(parseConfig({ HEROKU_API_KEY: "hk-0123456789" }).demoMode).toBe(false);
    expect(parseConfig({ HEROKU_API_KEY: "hk-0123456789", DEMO_MODE: "on" }).demoMode).toBe(true);
    expect(problemsOf({ DEMO_MODE: "off" }).join()).toMatch(
      /HEROKU_API_KEY must be set when DEMO_MODE=off/,
    );
    expect(problemsOf({ DEMO_MODE: "maybe" }).join()).toMatch(/DEMO_MODE must be "on" or "off"/);
  });

  it("knows it runs on a Heroku dyno when DYNO is set", () => {
    expect(parseConfig({}).onDyno).toBe(false);
    expect(parseConfig({ DYNO: "web.1" }).onDyno).toBe(true);
  });

  it("wants ADMIN_EMAIL and ADMIN_PASSWORD together", () => {
    expect(problemsOf({ ADMIN_EMAIL: "ops@example.com" }).join()).toMatch(
      /ADMIN_PASSWORD must be set/,
    );
    expect(problemsOf({ ADMIN_PASSWORD: "long-enough" }).join()).toMatch(/ADMIN_EMAIL must be set/);
    expect(
      parseConfig({ ADMIN_EMAIL: "Ops@Example.com", ADMIN_PASSWORD: "long-enough" }).admin,
    ).toEqual({
      email: "ops@example.com",
      password: "long-enough",
    });
  });

  it("wants UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN together", () => {
    expect(
      problemsOf({ UPSTASH_REDIS_REST_URL: "https://eu1-example-12345.upstash.io" }).join(),
    ).toMatch(/UPSTASH_REDIS_REST_TOKEN must be set when UPSTASH_REDIS_REST_URL is/);
    const tokenOnly = problemsOf({ UPSTASH_REDIS_REST_TOKEN: "AX1yAAIjcDE-a-real-token" }).join();
    expect(tokenOnly).toMatch(
      /UPSTASH_REDIS_REST_URL must be set when UPSTASH_REDIS_REST_TOKEN is/,
    );
    expect(tokenOnly).not.toContain("AX1yAAIjcDE-a-real-token");
    expect(parseConfig({}).upstash).toBeUndefined();
  });

  it("checks the cache's Redis URLs without repeating secrets", () => {
    const redis = problemsOf({ REDIS_URL: "http://:hunter2-pass@redis.example.com:6379" }).join();
    expect(redis).toMatch(
      /REDIS_URL must be a URL starting with redis:\/\/ or rediss:\/\/, the value given/,
    );
    expect(redis).not.toContain("hunter2-pass");
    const token = problemsOf({
      UPSTASH_REDIS_REST_URL: "https://eu1-example-12345.upstash.io",
      UPSTASH_REDIS_REST_TOKEN: "short",
    }).join();
    expect(token).toMatch(
      /UPSTASH_REDIS_REST_TOKEN must be at least 8 characters, the value given/,
    );
    expect(token).not.toContain('short"');
    expect(
      problemsOf({
        UPSTASH_REDIS_REST_URL: "redis://x",
        UPSTASH_REDIS_REST_TOKEN: "t".repeat(8),
      }).join(),
    ).toMatch(/UPSTASH_REDIS_REST_URL must be a URL starting with https:\/\/ or http:\/\//);
    expect(parseConfig({ REDIS_URL: "redis://127.0.0.1:6379/2" }).redisUrl).toBe(
      "redis://127.0.0.1:6379/2",
    );
  });

  it("lists every bad variable at once", () => {
    const problems = problemsOf({ PORT: "x", SCHEDULER: "maybe" });
    expect(problems).toHaveLength(2);
  });

  it("describes every variable", () => {
    for (const [name, spec] of Object.entries(configVars)) {
      expect(spec.purpose.length, name).toBeGreaterThan(10);
      expect(spec.example.length, name).toBeGreaterThan(0);
    }
  });
});

describe("resolveSecretsKey", () => {
  const withDataDir = (run: (env: Record<string, string>, dir: string) => void) => {
    const dir = mkdtempSync(join(tmpdir(), "dm-secrets-key-"));
    try {
      run({ PGLITE_DIR: join(dir, "pglite") }, dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it("uses SECRETS_KEY when set, and writes no file", () => {
    withDataDir((env, dir) => {
      const key = randomBytes(32);
      const resolved = resolveSecretsKey(parseConfig({ ...env, SECRETS_KEY: key.toString("hex") }));
      expect(resolved).toEqual({ key, generated: false });
      expect(existsSync(join(dir, "secrets-key"))).toBe(false);
    });
  });

  it("generates a key into the data directory once, then reads the same key back", () => {
    withDataDir((env, dir) => {
      const config = parseConfig(env);
      const first = resolveSecretsKey(config);
      expect(first.generated).toBe(true);
      expect(first.key).toHaveLength(32);
      expect(readFileSync(join(dir, "secrets-key"), "utf8").trim()).toBe(
        first.key.toString("base64"),
      );
      expect(resolveSecretsKey(config)).toEqual({ key: first.key, generated: false });
    });
  });

  it("refuses to replace a damaged key file (what it encrypted would be lost)", () => {
    withDataDir((env, dir) => {
      writeFileSync(join(dir, "secrets-key"), "not a key\n");
      expect(() => resolveSecretsKey(parseConfig(env))).toThrow(/does not hold a 32-byte key/);
      expect(readFileSync(join(dir, "secrets-key"), "utf8")).toBe("not a key\n");
    });
  });
});
