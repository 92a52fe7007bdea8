import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAuditEvents } from "@/lib/audit";
import { manualClock } from "@/lib/clock";
import { apiTokens, users } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { createTestApiToken, createTestUser, testCtx } from "@/lib/testing/factories";
import {
  actorFromBearer,
  createApiToken,
  hashApiToken,
  isBearerHeader,
  LAST_USED_RESOLUTION_MS,
  listApiTokens,
  revokeApiToken,
} from "./api-tokens";
import { createApiTokenSchema } from "./schemas";
import { changeUserRole, removeUser, toUserActor } from "./service";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});

const bearer = (token: string) => `Bearer ${token}`;

async function storedToken(id: string) {
  const [row] = await database.db.select().from(apiTokens).where(eq(apiTokens.id, id));
  return row;
}

describe("createApiToken", () => {
  it("returns the plain token once and stores only its sha256, with a display prefix", async () => {
    const user = await createTestUser(database.db);
    const { token, row } = await createTestApiToken(database.db, user, { name: "deploy script" });
    expect(token).toMatch(/^dm_[A-Za-z0-9_-]{43}$/);
    expect(row).toMatchObject({ name: "deploy script", userId: user.id, ownerEmail: user.email });
    expect(row.prefix).toBe(token.slice(0, 10));
    expect(row).not.toHaveProperty("tokenHash");

    const stored = await storedToken(row.id);
    expect(stored?.tokenHash).toBe(hashApiToken(token));
    expect(stored?.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.values(stored ?? {})).not.toContain(token);

    const audit = await listAuditEvents(database.db, { action: "api_token.created" });
    const event = audit.find((e) => e.target === "deploy script" && e.actorId === user.id);
    expect(event).toBeDefined();
    expect(JSON.stringify(event)).not.toContain(token);
  });

  it("gives every token a different value", async () => {
    const user = await createTestUser(database.db);
    const first = await createTestApiToken(database.db, user);
    const second = await createTestApiToken(database.db, user);
    expect(first.token).not.toBe(second.token);
  });

  it("refuses a system actor: tokens belong to a user", async () => {
    await expect(createApiToken(testCtx(database.db), { name: "cron" })).rejects.toMatchObject({
      code: "forbidden",
    });
  });

  it.each([
    ["", false],
    ["   ", false],
    ["deploy", true],
    ["x".repeat(80), true],
    ["x".repeat(81), false],
  ])("accepts the name %j: %s", (name, ok) => {
    const parsed = createApiTokenSchema.safeParse({ name });
    expect(parsed.success).toBe(ok);
    if (!parsed.success) expect(parsed.error.issues[0]?.message).toMatch(/name|80 characters/i);
  });
});

describe("actorFromBearer", () => {
  it("resolves a token to its user, with the role stored now", async () => {
    const user = await createTestUser(database.db, { role: "admin" });
    const { token } = await createTestApiToken(database.db, user);
    expect(await actorFromBearer(database.db, bearer(token))).toEqual(toUserActor(user));
    expect(await actorFromBearer(database.db, `bearer   ${token}  `)).toMatchObject({
      id: user.id,
    });
  });

  it.each([
    [null],
    [""],
    ["Bearer"],
    ["Bearer "],
    ["Basic dXNlcjpwYXNz"],
    ["Bearer not-a-real-token"],
    [`Bearer dm_${"A".repeat(43)}`],
    [`Bearer dm_${"A".repeat(43)} extra`],
  ])("answers null for %j", async (header) => {
    expect(await actorFromBearer(database.db, header)).toBeNull();
  });

  it("answers null once the token is revoked", async () => {
    const user = await createTestUser(database.db);
    const { token, row } = await createTestApiToken(database.db, user);
    await revokeApiToken(testCtx(database.db, { actor: toUserActor(user) }), row.id);
    expect(await actorFromBearer(database.db, bearer(token))).toBeNull();
  });

  it("takes a role change into account on the next call", async () => {
    const admin = await createTestUser(database.db, { role: "admin" });
    const other = await createTestUser(database.db, { role: "admin" });
    const { token } = await createTestApiToken(database.db, other);
    expect(await actorFromBearer(database.db, bearer(token))).toMatchObject({ role: "admin" });
    await changeUserRole({
      ctx: testCtx(database.db, { actor: toUserActor(admin) }),
      input: { userId: other.id, role: "viewer" },
    });
    expect(await actorFromBearer(database.db, bearer(token))).toMatchObject({ role: "viewer" });
  });

  it("answers null once the user is removed", async () => {
    const admin = await createTestUser(database.db, { role: "admin" });
    const user = await createTestUser(database.db);
    const { token } = await createTestApiToken(database.db, user);
    await removeUser({
      ctx: testCtx(database.db, { actor: toUserActor(admin) }),
      input: { userId: user.id },
    });
    expect(await actorFromBearer(database.db, bearer(token))).toBeNull();
  });

  it("records lastUsedAt at most once a minute", async () => {
    const user = await createTestUser(database.db);
    const clock = manualClock("2026-03-02T10:00:00Z");
    const { token, row } = await createTestApiToken(database.db, user, { clock });
    expect((await storedToken(row.id))?.lastUsedAt).toBeNull();

    const first = new Date("2026-03-02T10:05:00Z");
    await actorFromBearer(database.db, bearer(token), first);
    expect((await storedToken(row.id))?.lastUsedAt).toEqual(first);

    await actorFromBearer(
      database.db,
      bearer(token),
      new Date(first.getTime() + LAST_USED_RESOLUTION_MS - 1000),
    );
    expect((await storedToken(row.id))?.lastUsedAt).toEqual(first);

    const later = new Date(first.getTime() + LAST_USED_RESOLUTION_MS + 1000);
    await actorFromBearer(database.db, bearer(token), later);
    expect((await storedToken(row.id))?.lastUsedAt).toEqual(later);
  });
});

describe("isBearerHeader", () => {
  it.each([
    [null, false],
    ["", false],
    ["Basic abc", false],
    ["Bearer", true],
    ["bearer x", true],
    ["Bearer dm_abc", true],
  ])("%j → %s", (header, expected) => {
    expect(isBearerHeader(header)).toBe(expected);
  });
});

describe("listApiTokens and revokeApiToken", () => {
  it("lists a viewer's own tokens only, and every token with its owner for an admin", async () => {
    const admin = await createTestUser(database.db, { role: "admin" });
    const viewer = await createTestUser(database.db, { role: "viewer" });
    const another = await createTestUser(database.db, { role: "viewer" });
    const mine = await createTestApiToken(database.db, viewer);
    const theirs = await createTestApiToken(database.db, another);

    const own = await listApiTokens({ db: database.db, actor: toUserActor(viewer) });
    expect(own.map((t) => t.id)).toEqual([mine.row.id]);
    expect(own[0]).not.toHaveProperty("tokenHash");

    const all = await listApiTokens({ db: database.db, actor: toUserActor(admin) });
    expect(all.find((t) => t.id === theirs.row.id)).toMatchObject({ ownerEmail: another.email });
    expect(all.find((t) => t.id === mine.row.id)).toMatchObject({ ownerEmail: viewer.email });
  });

  it("lets the owner revoke, audits it, and keeps the first revocation time", async () => {
    const user = await createTestUser(database.db);
    const clock = manualClock("2026-03-02T12:00:00Z");
    const ctx = testCtx(database.db, { actor: toUserActor(user), clock });
    const { row } = await createTestApiToken(database.db, user, { name: "old laptop" });
    const revoked = await revokeApiToken(ctx, row.id);
    expect(revoked.revokedAt).toEqual(clock.now());
    clock.advance(60_000);
    const again = await revokeApiToken(ctx, row.id);
    expect(again.revokedAt).toEqual(revoked.revokedAt);

    const audit = await listAuditEvents(database.db, { action: "api_token.revoked" });
    expect(audit.filter((e) => e.target === "old laptop" && e.actorId === user.id)).toHaveLength(1);
  });

  it("lets an admin revoke someone else's token, and hides it from another viewer", async () => {
    const admin = await createTestUser(database.db, { role: "admin" });
    const owner = await createTestUser(database.db, { role: "viewer" });
    const stranger = await createTestUser(database.db, { role: "viewer" });
    const { row } = await createTestApiToken(database.db, owner);

    const refused = revokeApiToken(testCtx(database.db, { actor: toUserActor(stranger) }), row.id);
    await expect(refused).rejects.toBeInstanceOf(AppError);
    await expect(refused).rejects.toMatchObject({ code: "not_found" });
    expect((await storedToken(row.id))?.revokedAt).toBeNull();

    await revokeApiToken(testCtx(database.db, { actor: toUserActor(admin) }), row.id);
    expect((await storedToken(row.id))?.revokedAt).not.toBeNull();
  });

  it("answers not found for an unknown id", async () => {
    const user = await createTestUser(database.db);
    await expect(
      revokeApiToken(
        testCtx(database.db, { actor: toUserActor(user) }),
        "00000000-0000-4000-8000-000000000000",
      ),
    ).rejects.toMatchObject({ code: "not_found" });
  });
});

it("keeps tokens of a removed user out of the table (cascade)", async () => {
  const user = await createTestUser(database.db);
  const { row } = await createTestApiToken(database.db, user);
  await database.db.delete(users).where(eq(users.id, user.id));
  expect(await storedToken(row.id)).toBeUndefined();
});
