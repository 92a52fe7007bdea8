// API tokens on real route handlers: `Authorization: Bearer <token>` is the token's user, with
// that user's current role; a bad bearer is 401 even beside a good session cookie.
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { revokeApiToken } from "@/lib/auth/api-tokens";
import { changeUserRole, removeUser, toUserActor } from "@/lib/auth/service";
import { authSecret } from "@/lib/auth/session";
import { installDbHandle } from "@/lib/db/client";
import { withRoute } from "@/lib/http/route";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { createTestApiToken, createTestUser, testCtx } from "@/lib/testing/factories";
import { GET } from "./route";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  installDbHandle(database);
});
afterAll(async () => {
  installDbHandle(undefined);
  await database.close();
});

// No admin-only REST route exists yet: this is one, built with the same wrapper every handler uses.
const adminOnly = withRoute("admin", async ({ actor }) => ({ ok: true, by: actor.email }));

const noParams = { params: Promise.resolve({}) };
const me = (headers: Record<string, string>) =>
  GET(new Request("http://localhost:3000/api/me", { headers }), noParams);
const adminCall = (headers: Record<string, string>) =>
  adminOnly(new Request("http://localhost:3000/api/admin-only", { headers }), noParams);
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function sessionCookie(user: { id: string; email: string; name: string; role: string }) {
  const name = "authjs.session-token";
  const token = await encode({
    token: { sub: user.id, email: user.email, name: user.name, role: user.role },
    secret: authSecret(),
    salt: name,
  });
  return `${name}=${token}`;
}

async function expectUnauthorized(response: Response) {
  expect(response.status).toBe(401);
  const body = await response.json();
  expect(body).toEqual({ error: { code: "unauthorized", message: expect.any(String) } });
  return body;
}

describe("GET /api/me with an API token", () => {
  it("answers 200 with the token's user", async () => {
    const user = await createTestUser(database.db, { role: "viewer" });
    const { token } = await createTestApiToken(database.db, user);
    const response = await me(bearer(token));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      id: user.id,
      email: user.email,
      name: user.name,
      role: "viewer",
    });
  });

  it.each([
    ["not a dm_ token", "not-a-real-token"],
    ["well-formed but unknown", `dm_${"x".repeat(43)}`],
    ["empty", ""],
  ])("answers 401 JSON for a bad token (%s)", async (_case, token) => {
    const body = await expectUnauthorized(await me(bearer(token)));
    expect(body.error.message).toMatch(/token/i);
  });

  it("answers 401 once the token is revoked", async () => {
    const user = await createTestUser(database.db);
    const { token, row } = await createTestApiToken(database.db, user);
    expect((await me(bearer(token))).status).toBe(200);
    await revokeApiToken(testCtx(database.db, { actor: toUserActor(user) }), row.id);
    await expectUnauthorized(await me(bearer(token)));
  });

  it("answers 401 once the token's user is removed", async () => {
    const admin = await createTestUser(database.db, { role: "admin" });
    const user = await createTestUser(database.db);
    const { token } = await createTestApiToken(database.db, user);
    await removeUser({
      ctx: testCtx(database.db, { actor: toUserActor(admin) }),
      input: { userId: user.id },
    });
    await expectUnauthorized(await me(bearer(token)));
  });

  it("does not fall back to a valid session cookie when the bearer token is bad", async () => {
    const user = await createTestUser(database.db);
    const cookie = await sessionCookie(user);
    expect((await me({ cookie })).status).toBe(200);
    await expectUnauthorized(await me({ cookie, ...bearer(`dm_${"y".repeat(43)}`) }));
  });

  it("prefers the token's user over a session cookie of someone else", async () => {
    const cookieUser = await createTestUser(database.db, { role: "admin" });
    const tokenUser = await createTestUser(database.db, { role: "viewer" });
    const { token } = await createTestApiToken(database.db, tokenUser);
    const response = await me({ cookie: await sessionCookie(cookieUser), ...bearer(token) });
    expect(await response.json()).toMatchObject({ id: tokenUser.id, role: "viewer" });
  });
});

describe("an admin-only route with an API token", () => {
  it("answers 200 to an admin's token", async () => {
    const admin = await createTestUser(database.db, { role: "admin" });
    const { token } = await createTestApiToken(database.db, admin);
    const response = await adminCall(bearer(token));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, by: admin.email });
  });

  it("answers 403 JSON to a viewer's token", async () => {
    const viewer = await createTestUser(database.db, { role: "viewer" });
    const { token } = await createTestApiToken(database.db, viewer);
    const response = await adminCall(bearer(token));
    expect(response.status).toBe(403);
    expect((await response.json()).error.code).toBe("forbidden");
  });

  it("answers 401 to a bad token", async () => {
    await expectUnauthorized(await adminCall(bearer("dm_nope")));
  });

  it("takes a demotion into account on the token's next call", async () => {
    const admin = await createTestUser(database.db, { role: "admin" });
    const demoted = await createTestUser(database.db, { role: "admin" });
    const { token } = await createTestApiToken(database.db, demoted);
    expect((await adminCall(bearer(token))).status).toBe(200);
    await changeUserRole({
      ctx: testCtx(database.db, { actor: toUserActor(admin) }),
      input: { userId: demoted.id, role: "viewer" },
    });
    expect((await adminCall(bearer(token))).status).toBe(403);
    expect(await (await me(bearer(token))).json()).toMatchObject({ role: "viewer" });
  });
});
