// User accounts: sign-in checks, first-run setup, and the admin's user management.
import { asc, count, eq, sql } from "drizzle-orm";
import { recordAudit } from "@/lib/audit";
import type { Ctx, UserActor } from "@/lib/context";
import { systemActor } from "@/lib/context";
import { type User, type UserRole, users } from "@/lib/db/schema";
import { AppError, notFound } from "@/lib/errors";
import { burnPasswordCheck, hashPassword, verifyPassword } from "./password";
import { beginSignInAttempt, recordSignInFailure, recordSignInSuccess } from "./rate-limit";
import type {
  ChangeRoleInput,
  CreateUserInput,
  RemoveUserInput,
  SetupInput,
  SignInInput,
} from "./schemas";
import { isSetupToken } from "./setup-token";

// Serialises first-run setup and admin-count checks across instances.
const USERS_LOCK_ID = 7_412_032;

export type PublicUser = Pick<
  User,
  "id" | "email" | "name" | "role" | "createdAt" | "lastSignInAt"
>;

const publicColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  role: users.role,
  createdAt: users.createdAt,
  lastSignInAt: users.lastSignInAt,
};

export function toUserActor(user: Pick<User, "id" | "email" | "name" | "role">): UserActor {
  return { type: "user", id: user.id, email: user.email, name: user.name, role: user.role };
}

export async function countUsers(ctx: Pick<Ctx, "db">): Promise<number> {
  const [row] = await ctx.db.select({ n: count() }).from(users);
  return Number(row?.n ?? 0);
}

export async function listUsers(ctx: Pick<Ctx, "db">): Promise<PublicUser[]> {
  return ctx.db.select(publicColumns).from(users).orderBy(asc(users.email));
}

export async function getUserById(ctx: Pick<Ctx, "db">, id: string): Promise<PublicUser | null> {
  const [row] = await ctx.db.select(publicColumns).from(users).where(eq(users.id, id));
  return row ?? null;
}

export type SignInResult =
  | { ok: true; user: PublicUser }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "rate_limited"; retryAfterSeconds: number };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Checks an email and password under the sign-in throttling rules (./throttle): the pair of this
 * email and `ip` may be refused; a busy address or a much-attacked email only waits first.
 * `wait` is how the delay is spent (tests record it instead of sleeping).
 */
export async function verifyCredentials({
  ctx,
  input,
  ip,
  wait = sleep,
}: {
  ctx: Ctx;
  input: SignInInput;
  ip: string;
  wait?: (ms: number) => Promise<void>;
}): Promise<SignInResult> {
  const decision = await beginSignInAttempt(ctx.cache, input.email, ip);
  if (!decision.allow) {
    return { ok: false, reason: "rate_limited", retryAfterSeconds: decision.retryAfterSeconds };
  }
  if (decision.delayMs > 0) await wait(decision.delayMs);

  const [user] = await ctx.db.select().from(users).where(eq(users.email, input.email));
  let valid = false;
  if (user) valid = await verifyPassword(input.password, user.passwordHash);
  else await burnPasswordCheck(input.password);
  if (!user || !valid) {
    await recordSignInFailure(ctx.cache, input.email, ip);
    await recordAudit(ctx.db, systemActor("sign-in"), {
      action: "user.sign_in_failed",
      target: input.email,
      detail: { ip },
      at: ctx.clock.now(),
    });
    return { ok: false, reason: "invalid" };
  }
  await recordSignInSuccess(ctx.cache, input.email, ip);
  const now = ctx.clock.now();
  await ctx.db.update(users).set({ lastSignInAt: now }).where(eq(users.id, user.id));
  await recordAudit(ctx.db, toUserActor(user), {
    action: "user.sign_in",
    target: user.email,
    detail: { ip },
    at: now,
  });
  const { passwordHash: _hash, updatedAt: _updated, ...rest } = user;
  return { ok: true, user: { ...rest, lastSignInAt: now } };
}

function duplicateEmail(error: unknown): boolean {
  const text = `${(error as Error)?.message ?? ""} ${String((error as { cause?: unknown })?.cause ?? "")}`;
  return /users_email_key|duplicate key/i.test(text);
}

async function insertUser(
  ctx: Pick<Ctx, "db">,
  input: { email: string; name: string; password: string; role: UserRole },
): Promise<PublicUser> {
  try {
    const [row] = await ctx.db
      .insert(users)
      .values({
        email: input.email.toLowerCase(),
        name: input.name,
        role: input.role,
        passwordHash: await hashPassword(input.password),
      })
      .returning(publicColumns);
    if (!row) throw new AppError("internal", "The user was not created.");
    return row;
  } catch (error) {
    if (duplicateEmail(error)) {
      throw new AppError("validation", "A user with this email already exists.", {
        fields: { email: ["A user with this email already exists."] },
      });
    }
    throw error;
  }
}

/**
 * First-run setup: creates the first admin, and refuses once any user exists. With `token` (a
 * Postgres install without ADMIN_EMAIL), only for the setup token derived from that AUTH_SECRET.
 */
export async function createFirstAdmin({
  ctx,
  input,
  token,
}: {
  ctx: Ctx;
  input: SetupInput;
  /** Set when this install demands the setup token: the AUTH_SECRET it derives from. */
  token?: { authSecret: string };
}): Promise<PublicUser> {
  return ctx.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${USERS_LOCK_ID})`);
    if ((await countUsers({ db: tx })) > 0) {
      throw new AppError("conflict", "Setup is already done: sign in instead.");
    }
    if (token && !isSetupToken(input.setupToken ?? "", token.authSecret)) {
      throw new AppError("forbidden", "The setup token is wrong.", {
        fields: {
          setupToken: [
            input.setupToken
              ? "This is not the setup token. Copy it from the release log again."
              : "Paste the setup token from the release log.",
          ],
        },
      });
    }
    const { setupToken: _token, ...account } = input;
    const user = await insertUser({ db: tx }, { ...account, role: "admin" });
    await recordAudit(tx, toUserActor(user), {
      action: "user.setup",
      target: user.email,
      at: ctx.clock.now(),
    });
    return user;
  });
}

/** Start-up: creates the admin from ADMIN_EMAIL/ADMIN_PASSWORD when no user has that email. */
export async function ensureConfiguredAdmin({
  ctx,
  admin,
}: {
  ctx: Ctx;
  admin: { email: string; password: string };
}): Promise<"created" | "exists"> {
  return ctx.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${USERS_LOCK_ID})`);
    const [existing] = await tx
      .select({ id: users.id })
      .from(users)
      .where(eq(users.email, admin.email));
    if (existing) return "exists";
    const user = await insertUser(
      { db: tx },
      {
        email: admin.email,
        name: admin.email.split("@")[0] ?? "admin",
        password: admin.password,
        role: "admin",
      },
    );
    await recordAudit(tx, ctx.actor, {
      action: "user.created",
      target: user.email,
      detail: { role: "admin", from: "ADMIN_EMAIL" },
      at: ctx.clock.now(),
    });
    return "created";
  });
}

export async function createUser({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: CreateUserInput;
}): Promise<PublicUser> {
  return ctx.db.transaction(async (tx) => {
    const user = await insertUser({ db: tx }, input);
    await recordAudit(tx, ctx.actor, {
      action: "user.created",
      target: user.email,
      detail: { role: user.role },
      at: ctx.clock.now(),
    });
    return user;
  });
}

async function adminCount(tx: Ctx["db"]): Promise<number> {
  const [row] = await tx.select({ n: count() }).from(users).where(eq(users.role, "admin"));
  return Number(row?.n ?? 0);
}

export async function changeUserRole({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: ChangeRoleInput;
}): Promise<PublicUser> {
  return ctx.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${USERS_LOCK_ID})`);
    const user = await getUserById({ db: tx }, input.userId);
    if (!user) throw notFound("The user");
    if (user.role === input.role) return user;
    if (user.role === "admin" && (await adminCount(tx)) <= 1) {
      throw new AppError("conflict", "This is the last admin: make another user admin first.", {
        fields: { role: ["The last admin cannot become a viewer."] },
      });
    }
    const [updated] = await tx
      .update(users)
      .set({ role: input.role, updatedAt: ctx.clock.now() })
      .where(eq(users.id, user.id))
      .returning(publicColumns);
    await recordAudit(tx, ctx.actor, {
      action: "user.role_changed",
      target: user.email,
      detail: { from: user.role, to: input.role },
      at: ctx.clock.now(),
    });
    return updated ?? user;
  });
}

export async function removeUser({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: RemoveUserInput;
}): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${USERS_LOCK_ID})`);
    const user = await getUserById({ db: tx }, input.userId);
    if (!user) throw notFound("The user");
    if (ctx.actor.type === "user" && ctx.actor.id === user.id) {
      throw new AppError("conflict", "You cannot remove yourself; ask another admin.");
    }
    if (user.role === "admin" && (await adminCount(tx)) <= 1) {
      throw new AppError("conflict", "This is the last admin and cannot be removed.");
    }
    await tx.delete(users).where(eq(users.id, user.id));
    await recordAudit(tx, ctx.actor, {
      action: "user.removed",
      target: user.email,
      detail: { role: user.role },
      at: ctx.clock.now(),
    });
  });
}
