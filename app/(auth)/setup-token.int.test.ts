// A Deploy-button install (Postgres, no ADMIN_EMAIL/ADMIN_PASSWORD) gives its first admin only to
// whoever holds the setup token from the release log; the embedded install keeps the open setup.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countUsers, createFirstAdmin } from "@/lib/auth/service";
import { isSetupToken, setupTokenFor, setupTokenRequired } from "@/lib/auth/setup-token";
import { parseConfig, resetConfigForTests, resolveAuthSecret } from "@/lib/config";
import { installDbHandle } from "@/lib/db/client";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { testCtx, uniqueSuffix } from "@/lib/testing/factories";
import { serviceUrl } from "@/lib/testing/services";
import { setupAction } from "./actions";

const run = promisify(execFile);

function account(extra: Record<string, string> = {}) {
  return {
    name: "Ada",
    email: `ada-${uniqueSuffix()}@example.com`,
    password: "long enough",
    confirmPassword: "long enough",
    ...extra,
  };
}

describe("the setup token", () => {
  const secret = randomBytes(24).toString("base64");

  it("is the same for every instance with one AUTH_SECRET, and differs between secrets", () => {
    expect(setupTokenFor(secret)).toBe(setupTokenFor(secret));
    expect(setupTokenFor(secret)).toMatch(/^[\w-]{32}$/);
    expect(setupTokenFor(`${secret}x`)).not.toBe(setupTokenFor(secret));
    expect(isSetupToken(` ${setupTokenFor(secret)}\n`, secret)).toBe(true);
    expect(isSetupToken(setupTokenFor(`${secret}x`), secret)).toBe(false);
    expect(isSetupToken("", secret)).toBe(false);
  });

  it("is demanded on Postgres without ADMIN_EMAIL, and nowhere else", () => {
    const postgres = { DATABASE_URL: "postgres://u:p@127.0.0.1/db", NODE_ENV: "test" };
    expect(setupTokenRequired(parseConfig(postgres))).toBe(true);
    expect(
      setupTokenRequired(
        parseConfig({ ...postgres, ADMIN_EMAIL: "ops@example.com", ADMIN_PASSWORD: "long enough" }),
      ),
    ).toBe(false);
    expect(setupTokenRequired(parseConfig({}))).toBe(false);
  });
});

describe("createFirstAdmin with a setup token", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  it("refuses a missing or wrong token, creates the admin with the right one, then refuses even that", async () => {
    const ctx = testCtx(database.db);
    const authSecret = randomBytes(32).toString("hex");
    const token = { authSecret };
    await expect(createFirstAdmin({ ctx, input: account(), token })).rejects.toMatchObject({
      code: "forbidden",
      fields: { setupToken: ["Paste the setup token from the release log."] },
    });
    await expect(
      createFirstAdmin({
        ctx,
        input: account({ setupToken: setupTokenFor("another secret") }),
        token,
      }),
    ).rejects.toMatchObject({ code: "forbidden" });
    expect(await countUsers(ctx)).toBe(0);

    const admin = await createFirstAdmin({
      ctx,
      input: account({ setupToken: setupTokenFor(authSecret) }),
      token,
    });
    expect(admin.role).toBe("admin");
    await expect(
      createFirstAdmin({
        ctx,
        input: account({ setupToken: setupTokenFor(authSecret) }),
        token,
      }),
    ).rejects.toMatchObject({ code: "conflict" });
    expect(await countUsers(ctx)).toBe(1);
  });

  it("needs no token in the embedded install", async () => {
    const fresh = await createTestDatabase();
    try {
      const admin = await createFirstAdmin({ ctx: testCtx(fresh.db), input: account() });
      expect(admin.role).toBe("admin");
    } finally {
      await fresh.close();
    }
  });
});

describe("the setup action on a Postgres install without ADMIN_EMAIL", () => {
  let database: TestDatabase;
  let before: string | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
    installDbHandle(database);
    before = process.env.DATABASE_URL;
    // config decides from DATABASE_URL; the handle installed above is the database the action uses
    process.env.DATABASE_URL = database.url ?? "postgres://unused@127.0.0.1:5432/unused";
    resetConfigForTests();
  });
  afterAll(async () => {
    if (before === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = before;
    resetConfigForTests();
    installDbHandle(undefined);
    await database.close();
  });

  function form(values: Record<string, string>): FormData {
    const data = new FormData();
    for (const [name, value] of Object.entries(values)) data.set(name, value);
    return data;
  }

  it.each([
    ["without a token", {}, "Paste the setup token from the release log."],
    [
      "with a wrong token",
      { setupToken: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" },
      "This is not the setup token. Copy it from the release log again.",
    ],
  ])("refuses the first admin %s and creates no user", async (_what, extra, message) => {
    const result = await setupAction(null, form(account(extra)));
    expect(result).toMatchObject({ ok: false, fieldErrors: { setupToken: [message] } });
    expect(await countUsers({ db: database.db })).toBe(0);
  });
});

describe("the release command (scripts/migrate.ts)", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  // on PGlite the script would open its own embedded directory, not this test's database
  it.runIf(Boolean(serviceUrl("postgres")))(
    "prints the setup token while no user exists, and not once one does",
    async () => {
      const authSecret = randomBytes(33).toString("base64");
      const env: NodeJS.ProcessEnv = {
        NODE_ENV: "production",
        PATH: process.env.PATH,
        DATABASE_URL: database.url,
        AUTH_SECRET: authSecret,
        SECRETS_KEY: randomBytes(32).toString("hex"),
        DEMO_MODE: "on",
        APP_URL: "https://dyno-monitor-1a2b3c.herokuapp.com",
      };
      const migrate = () =>
        run(
          process.execPath,
          ["--conditions=react-server", "--import", "tsx", "scripts/migrate.ts"],
          {
            env,
            timeout: 120_000,
          },
        );
      const first = await migrate();
      expect(first.stdout).toContain(
        `Setup token: ${setupTokenFor(authSecret)} (open https://dyno-monitor-1a2b3c.herokuapp.com/setup and paste it)`,
      );
      expect(setupTokenFor(authSecret)).toBe(
        setupTokenFor(resolveAuthSecret(parseConfig(env)).secret),
      );
      await createFirstAdmin({
        ctx: testCtx(database.db),
        input: account({ setupToken: setupTokenFor(authSecret) }),
        token: { authSecret },
      });
      const second = await migrate();
      expect(second.stdout).not.toContain("Setup token");
    },
    240_000,
  );
});
