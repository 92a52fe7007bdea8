// API tokens for scripts: `Authorization: Bearer dm_…` on any REST route. The plain token is shown
// once at creation; only its sha256 is stored. A token acts as its user with the user's current
// role, so a demotion or removal takes effect on the next call.
import { createHash, randomBytes } from "node:crypto";
import { and, desc, eq, isNull, lt, or } from "drizzle-orm";
import { recordAudit } from "@/lib/audit";
import type { Ctx, UserActor } from "@/lib/context";
import type { Executor } from "@/lib/db/client";
import { type ApiToken, apiTokens, users } from "@/lib/db/schema";
import { AppError, forbidden, notFound } from "@/lib/errors";
import type { CreateApiTokenInput } from "./schemas";
import { toUserActor } from "./service";

export const API_TOKEN_PREFIX = "dm_";
/** Characters kept in clear to recognise a token in the list: "dm_" and 7 more. */
export const API_TOKEN_DISPLAY_LENGTH = 10;
/** lastUsedAt is written at most this often per token, so busy scripts do not write on every call. */
export const LAST_USED_RESOLUTION_MS = 60_000;

// "dm_" + 32 random bytes in base64url (43 characters), nothing else.
const TOKEN_SHAPE = /^dm_[A-Za-z0-9_-]{43}$/;
const BEARER = /^Bearer\s+(\S+)\s*$/i;

export type ApiTokenSummary = Pick<
  ApiToken,
  "id" | "userId" | "name" | "prefix" | "createdAt" | "lastUsedAt" | "revokedAt"
> & { ownerEmail: string };

const summaryColumns = {
  id: apiTokens.id,
  userId: apiTokens.userId,
  name: apiTokens.name,
  prefix: apiTokens.prefix,
  createdAt: apiTokens.createdAt,
  lastUsedAt: apiTokens.lastUsedAt,
  revokedAt: apiTokens.revokedAt,
  ownerEmail: users.email,
};

export function hashApiToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Whether an Authorization header claims to be a bearer token (then no cookie fallback). */
export function isBearerHeader(header: string | null): boolean {
  return header !== null && /^Bearer(\s|$)/i.test(header.trim());
}

function userActorOf(ctx: Pick<Ctx, "actor">): UserActor {
  if (ctx.actor.type !== "user") throw forbidden("API tokens belong to a signed-in user.");
  return ctx.actor;
}

/** Creates a token for the acting user. The plain `token` is returned here and never again. */
export async function createApiToken(
  ctx: Ctx,
  input: CreateApiTokenInput,
): Promise<{ token: string; row: ApiTokenSummary }> {
  const actor = userActorOf(ctx);
  const token = `${API_TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
  const prefix = token.slice(0, API_TOKEN_DISPLAY_LENGTH);
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(apiTokens)
      .values({
        userId: actor.id,
        name: input.name,
        tokenHash: hashApiToken(token),
        prefix,
        createdAt: now,
      })
      .returning();
    if (!row) throw new AppError("internal", "The API token was not created.");
    await recordAudit(tx, actor, {
      action: "api_token.created",
      target: input.name,
      detail: { tokenId: row.id, prefix, owner: actor.email },
      at: now,
    });
    const { tokenHash: _hash, ...rest } = row;
    return { token, row: { ...rest, ownerEmail: actor.email } };
  });
}

/** The acting user's tokens; an admin sees every user's, each with its owner's email. */
export async function listApiTokens(ctx: Pick<Ctx, "db" | "actor">): Promise<ApiTokenSummary[]> {
  const actor = userActorOf(ctx);
  return ctx.db
    .select(summaryColumns)
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(actor.role === "admin" ? undefined : eq(apiTokens.userId, actor.id))
    .orderBy(desc(apiTokens.createdAt), desc(apiTokens.id));
}

/** Revokes a token: its owner or an admin. Revoking twice keeps the first time. */
export async function revokeApiToken(ctx: Ctx, id: string): Promise<ApiTokenSummary> {
  const actor = userActorOf(ctx);
  return ctx.db.transaction(async (tx) => {
    const [token] = await tx
      .select(summaryColumns)
      .from(apiTokens)
      .innerJoin(users, eq(users.id, apiTokens.userId))
      .where(eq(apiTokens.id, id));
    // Someone else's token is "not found" to a viewer, so ids reveal nothing.
    if (!token || (token.userId !== actor.id && actor.role !== "admin")) {
      throw notFound("The API token");
    }
    if (token.revokedAt) return token;
    const now = ctx.clock.now();
    await tx.update(apiTokens).set({ revokedAt: now }).where(eq(apiTokens.id, id));
    await recordAudit(tx, actor, {
      action: "api_token.revoked",
      target: token.name,
      detail: { tokenId: token.id, prefix: token.prefix, owner: token.ownerEmail },
      at: now,
    });
    return { ...token, revokedAt: now };
  });
}

/**
 * The user behind `Authorization: Bearer <token>`, with the role stored now, or null for a header
 * that is not a bearer token, an unknown or revoked token, or a removed user.
 */
export async function actorFromBearer(
  db: Executor,
  header: string | null,
  now: Date = new Date(),
): Promise<UserActor | null> {
  const token = header ? BEARER.exec(header.trim())?.[1] : undefined;
  if (!token || !TOKEN_SHAPE.test(token)) return null;
  const [found] = await db
    .select({
      tokenId: apiTokens.id,
      id: users.id,
      email: users.email,
      name: users.name,
      role: users.role,
    })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(and(eq(apiTokens.tokenHash, hashApiToken(token)), isNull(apiTokens.revokedAt)));
  if (!found) return null;
  const staleBefore = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
  await db
    .update(apiTokens)
    .set({ lastUsedAt: now })
    .where(
      and(
        eq(apiTokens.id, found.tokenId),
        or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, staleBefore)),
      ),
    );
  return toUserActor(found);
}
