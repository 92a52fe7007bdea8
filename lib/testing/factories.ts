// Test data with unique names, so tests never depend on each other or on seed data.
import { randomBytes } from "node:crypto";
import { type ApiTokenSummary, createApiToken } from "@/lib/auth/api-tokens";
import { hashPassword } from "@/lib/auth/password";
import { toUserActor } from "@/lib/auth/service";
import { createMemoryCache } from "@/lib/cache/memory";
import { type Clock, systemClock } from "@/lib/clock";
import { type Actor, type Ctx, systemActor } from "@/lib/context";
import type { Executor } from "@/lib/db/client";
import { type Rule, rules, type User, type UserRole, users } from "@/lib/db/schema";

export const uniqueSuffix = () => randomBytes(4).toString("hex");

export function testCtx(db: Executor, options: { clock?: Clock; actor?: Actor } = {}): Ctx {
  const clock = options.clock ?? systemClock;
  return {
    db,
    cache: createMemoryCache(clock),
    clock,
    actor: options.actor ?? systemActor("test"),
  };
}

let cachedHash: Promise<string> | undefined;

/** A user whose password is "correct horse battery" (hashed once per file: scrypt is slow on purpose). */
export async function createTestUser(
  db: Executor,
  overrides: Partial<{ email: string; name: string; role: UserRole }> = {},
): Promise<User> {
  cachedHash ??= hashPassword(TEST_PASSWORD);
  const suffix = uniqueSuffix();
  const [user] = await db
    .insert(users)
    .values({
      email: overrides.email ?? `user-${suffix}@example.com`,
      name: overrides.name ?? `User ${suffix}`,
      role: overrides.role ?? "viewer",
      passwordHash: await cachedHash,
    })
    .returning();
  if (!user) throw new Error("user not created");
  return user;
}

export const TEST_PASSWORD = "correct horse battery";

/** An API token of `user`, created through the service; `token` is the plain bearer value. */
export async function createTestApiToken(
  db: Executor,
  user: User,
  overrides: Partial<{ name: string; clock: Clock }> = {},
): Promise<{ token: string; row: ApiTokenSummary }> {
  const ctx = testCtx(db, { actor: toUserActor(user), clock: overrides.clock });
  return createApiToken(ctx, { name: overrides.name ?? `script ${uniqueSuffix()}` });
}

/** A rule row: R14 at least 3 times in 300 s on the app's web dynos, email only; `values` override. */
export async function createTestRule(
  db: Executor,
  appId: string,
  values: Partial<Rule> = {},
): Promise<Rule> {
  const [rule] = await db
    .insert(rules)
    .values({
      name: `R14 on web ${uniqueSuffix()}`,
      kind: "error_code",
      appId,
      dynoType: "web",
      params: { code: "R14", leastCount: 3, windowSeconds: 300 },
      channels: ["email"],
      recipients: [],
      action: "none",
      ...values,
    })
    .returning();
  if (!rule) throw new Error("no rule");
  return rule;
}
