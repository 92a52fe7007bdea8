import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAuditEvents } from "@/lib/audit";
import { manualClock } from "@/lib/clock";
import { users } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { createTestUser, TEST_PASSWORD, testCtx, uniqueSuffix } from "@/lib/testing/factories";
import {
  changeUserRole,
  createFirstAdmin,
  createUser,
  ensureConfiguredAdmin,
  removeUser,
  toUserActor,
  verifyCredentials,
} from "./service";
import { MAX_PAIR_FAILURES, SIGN_IN_WINDOW_SECONDS } from "./throttle";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});

describe("verifyCredentials", () => {
  it("accepts the right password, records the sign-in and audits it", async () => {
    const user = await createTestUser(database.db);
    const ctx = testCtx(database.db);
    const result = await verifyCredentials({
      ctx,
      input: { email: user.email, password: TEST_PASSWORD },
      ip: "10.0.0.1",
    });
    expect(result.ok).toBe(true);
    const [stored] = await database.db.select().from(users).where(eq(users.id, user.id));
    expect(stored?.lastSignInAt).not.toBeNull();
    const audit = await listAuditEvents(database.db, { action: "user.sign_in" });
    expect(audit.some((event) => event.target === user.email)).toBe(true);
  });

  it("refuses a wrong password and an unknown email the same way", async () => {
    const user = await createTestUser(database.db);
    const ctx = testCtx(database.db);
    const wrong = await verifyCredentials({
      ctx,
      input: { email: user.email, password: "nope" },
      ip: "10.0.0.2",
    });
    const unknown = await verifyCredentials({
      ctx,
      input: { email: `ghost-${uniqueSuffix()}@example.com`, password: "nope" },
      ip: "10.0.0.2",
    });
    expect(wrong).toEqual({ ok: false, reason: "invalid" });
    expect(unknown).toEqual({ ok: false, reason: "invalid" });
  });

  it("refuses an email from the address that failed it, until the window passes, and tells how long", async () => {
    const user = await createTestUser(database.db);
    const clock = manualClock("2026-11-24T12:00:00Z");
    const ctx = testCtx(database.db, { clock });
    const attempt = (password: string, ip: string) =>
      verifyCredentials({ ctx, input: { email: user.email, password }, ip });
    for (let i = 0; i < MAX_PAIR_FAILURES; i++) {
      expect(await attempt("guess", "10.1.0.1")).toEqual({ ok: false, reason: "invalid" });
    }
    clock.advance(60_000);
    expect(await attempt(TEST_PASSWORD, "10.1.0.1")).toEqual({
      ok: false,
      reason: "rate_limited",
      retryAfterSeconds: SIGN_IN_WINDOW_SECONDS - 60,
    });
    clock.advance(SIGN_IN_WINDOW_SECONDS * 1000);
    expect(await attempt(TEST_PASSWORD, "10.1.0.1")).toMatchObject({ ok: true });
  });

  it("clears only the pair that signed in: the same address stays refused for another email", async () => {
    const [one, two] = [await createTestUser(database.db), await createTestUser(database.db)];
    const ctx = testCtx(database.db);
    const attempt = (email: string, password: string) =>
      verifyCredentials({ ctx, input: { email, password }, ip: "10.2.0.1", wait: async () => {} });
    for (let i = 0; i < MAX_PAIR_FAILURES - 1; i++) await attempt(one.email, "guess");
    for (let i = 0; i < MAX_PAIR_FAILURES; i++) await attempt(two.email, "guess");
    expect(await attempt(one.email, TEST_PASSWORD)).toMatchObject({ ok: true });
    // one's failures are gone: five new ones are allowed before a refusal
    for (let i = 0; i < MAX_PAIR_FAILURES; i++) {
      expect(await attempt(one.email, "guess")).toEqual({ ok: false, reason: "invalid" });
    }
    expect(await attempt(one.email, TEST_PASSWORD)).toMatchObject({ reason: "rate_limited" });
    expect(await attempt(two.email, TEST_PASSWORD)).toMatchObject({ reason: "rate_limited" });
  });
});

describe("first-run setup and the configured admin", () => {
  it("creates the first admin once, then refuses", async () => {
    const fresh = await createTestDatabase();
    try {
      const ctx = testCtx(fresh.db);
      const input = {
        name: "Ada",
        email: "ada@example.com",
        password: "long enough",
        confirmPassword: "long enough",
      };
      const admin = await createFirstAdmin({ ctx, input });
      expect(admin.role).toBe("admin");
      await expect(
        createFirstAdmin({ ctx, input: { ...input, email: "eve@example.com" } }),
      ).rejects.toMatchObject({
        code: "conflict",
      });
    } finally {
      await fresh.close();
    }
  });

  it("creates the ADMIN_EMAIL admin when missing and leaves it alone after", async () => {
    const email = `boot-${uniqueSuffix()}@example.com`;
    const ctx = testCtx(database.db);
    expect(await ensureConfiguredAdmin({ ctx, admin: { email, password: "long enough" } })).toBe(
      "created",
    );
    expect(await ensureConfiguredAdmin({ ctx, admin: { email, password: "changed!!" } })).toBe(
      "exists",
    );
    const result = await verifyCredentials({
      ctx,
      input: { email, password: "long enough" },
      ip: "10.9.9.9",
    });
    expect(result).toMatchObject({ ok: true, user: { role: "admin" } });
  });
});

describe("user management", () => {
  it("refuses a second user with the same email as a field error", async () => {
    const user = await createTestUser(database.db);
    const ctx = testCtx(database.db);
    const error = await createUser({
      ctx,
      input: { name: "Dup", email: user.email, password: "long enough", role: "viewer" },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).fields?.email?.[0]).toMatch(/already exists/);
  });

  it("changes roles but never demotes or removes the last admin, and never removes oneself", async () => {
    const fresh = await createTestDatabase();
    try {
      const admin = await createTestUser(fresh.db, { role: "admin" });
      const viewer = await createTestUser(fresh.db, { role: "viewer" });
      const ctx = testCtx(fresh.db, { actor: toUserActor(admin) });
      await expect(
        changeUserRole({ ctx, input: { userId: admin.id, role: "viewer" } }),
      ).rejects.toMatchObject({
        code: "conflict",
      });
      await expect(removeUser({ ctx, input: { userId: admin.id } })).rejects.toMatchObject({
        code: "conflict",
      });

      const promoted = await changeUserRole({ ctx, input: { userId: viewer.id, role: "admin" } });
      expect(promoted.role).toBe("admin");
      const asOther = testCtx(fresh.db, { actor: toUserActor({ ...viewer, role: "admin" }) });
      await removeUser({ ctx: asOther, input: { userId: admin.id } });
      const remaining = await fresh.db.select().from(users);
      expect(remaining.map((u) => u.id)).toEqual([viewer.id]);
      const audit = await listAuditEvents(fresh.db);
      expect(audit.map((e) => e.action)).toEqual(
        expect.arrayContaining(["user.role_changed", "user.removed"]),
      );
    } finally {
      await fresh.close();
    }
  });
});
