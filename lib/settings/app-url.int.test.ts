import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig, resetConfigForTests } from "@/lib/config";
import { installDbHandle } from "@/lib/db/client";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import {
  describeAppUrl,
  forgetLearnedAppUrl,
  rememberAppUrl,
  requestOrigin,
  resolveAppUrl,
} from "./app-url";
import { getAppUrlStatus, learnAppUrlFromRequest } from "./queries";

describe("requestOrigin", () => {
  it.each([
    ["Host, no proxy", { host: "dm.example.com" }, 0, "http://dm.example.com"],
    ["Host with a port", { host: "127.0.0.1:3450" }, 0, "http://127.0.0.1:3450"],
    [
      "Heroku's router (1 hop) sets the protocol",
      { host: "dyno-monitor-1a2b3c.herokuapp.com", "x-forwarded-proto": "https" },
      1,
      "https://dyno-monitor-1a2b3c.herokuapp.com",
    ],
    [
      "a client's own X-Forwarded-Proto without a trusted proxy",
      { host: "dm.example.com", "x-forwarded-proto": "https" },
      0,
      "http://dm.example.com",
    ],
    [
      "the value the trusted proxy appended, not the client's",
      { host: "dm.example.com", "x-forwarded-proto": "http, https" },
      1,
      "https://dm.example.com",
    ],
    [
      "a client's X-Forwarded-Host (Heroku passes it through)",
      { host: "dm.example.com", "x-forwarded-host": "evil.example", "x-forwarded-proto": "https" },
      1,
      "https://dm.example.com",
    ],
    ["an IPv6 host", { host: "[::1]:3450" }, 0, "http://[::1]:3450"],
    ["no Host", {}, 1, null],
    ["a Host with a path", { host: "dm.example.com/evil" }, 0, null],
    ["a Host with a user", { host: "me@dm.example.com" }, 0, null],
    ["an odd protocol", { host: "dm.example.com", "x-forwarded-proto": "gopher" }, 1, null],
  ])("%s", (_what, headers, hops, expected) => {
    expect(
      requestOrigin({
        headers: new Headers(headers as Record<string, string>),
        requestProtocol: "http",
        trustedProxyHops: hops,
      }),
    ).toBe(expected);
  });
});

describe("the learned APP_URL", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  const unset = parseConfig({ NODE_ENV: "test", DATABASE_URL: "postgres://u@127.0.0.1/db" });

  it("is the default until a request is seen, then the first request's origin for good", async () => {
    await forgetLearnedAppUrl(database.db);
    expect(await resolveAppUrl(database.db, unset)).toEqual({
      url: "http://localhost:3000",
      source: "default",
    });
    const first = new Date("2026-12-03T21:00:00Z");
    const stored = await rememberAppUrl(
      database.db,
      "https://dyno-monitor-1a2b3c.herokuapp.com",
      first,
    );
    expect(stored.url).toBe("https://dyno-monitor-1a2b3c.herokuapp.com");
    // a later request from another host (another instance, a custom domain) changes nothing
    const later = await rememberAppUrl(database.db, "https://other.example", new Date());
    expect(later.url).toBe("https://dyno-monitor-1a2b3c.herokuapp.com");
    const status = await resolveAppUrl(database.db, unset);
    expect(status).toEqual({
      url: "https://dyno-monitor-1a2b3c.herokuapp.com",
      source: "first-request",
      learnedAt: first,
    });
    expect(describeAppUrl(status)).toBe(
      "APP_URL is not set: using https://dyno-monitor-1a2b3c.herokuapp.com taken from the first request on 2026-12-03; set APP_URL to fix it",
    );
  });

  it("gives way to APP_URL when it is set", async () => {
    await rememberAppUrl(database.db, "https://first.example", new Date());
    const config = parseConfig({ NODE_ENV: "test", APP_URL: "https://dm.example.com/" });
    const status = await resolveAppUrl(database.db, config);
    expect(status).toEqual({ url: "https://dm.example.com", source: "APP_URL" });
    expect(describeAppUrl(status)).toBe("https://dm.example.com");
  });
});

describe("learnAppUrlFromRequest (what the layouts call on each page view)", () => {
  let database: TestDatabase;
  let before: string | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
    installDbHandle(database);
    before = process.env.DATABASE_URL;
    // a shared database and no APP_URL, as a Deploy button app starts
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

  it("stores the first page view's origin, which later views from elsewhere do not change", async () => {
    await learnAppUrlFromRequest(
      new Headers({ host: "dyno-monitor-1a2b3c.herokuapp.com", "x-forwarded-proto": "https" }),
    );
    await learnAppUrlFromRequest(new Headers({ host: "evil.example" }));
    const status = await getAppUrlStatus();
    expect(status).toMatchObject({ source: "first-request" });
    // TRUSTED_PROXY_HOPS is 0 here: the client-sent X-Forwarded-Proto does not count
    expect(status.url).toBe("http://dyno-monitor-1a2b3c.herokuapp.com");
  });
});
