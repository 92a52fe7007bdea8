// Guards for every entry point: pages and server actions (requireUser/requireAdmin, cookie only),
// route handlers (requireApiActor: API token or session), cron routes (requireCronSecret).
// proxy.ts is a convenience only.
import "server-only";
import { timingSafeEqual } from "node:crypto";
import { headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import { getConfig } from "@/lib/config";
import type { UserActor } from "@/lib/context";
import { getDb } from "@/lib/db/client";
import { forbidden as forbiddenError, unauthorized } from "@/lib/errors";
import { actorFromBearer, isBearerHeader } from "./api-tokens";
import { getUserById, toUserActor } from "./service";
import { readSessionClaims } from "./session";

/** The session's user as stored now: a removed user or a changed role takes effect at once. */
async function actorFromHeaders(requestHeaders: Headers): Promise<UserActor | null> {
  const claims = await readSessionClaims(requestHeaders);
  if (!claims) return null;
  const user = await getUserById({ db: getDb() }, claims.userId);
  return user ? toUserActor(user) : null;
}

/** Pages and server actions: the signed-in user, or a redirect to the sign-in page. */
export const requireUser = cache(async (): Promise<UserActor> => {
  const actor = await actorFromHeaders(await headers());
  if (!actor) redirect("/sign-in");
  return actor;
});

/** Pages and server actions reserved to admins: viewers get the 403 page. */
export async function requireAdmin(): Promise<UserActor> {
  const actor = await requireUser();
  if (actor.role !== "admin") forbidden();
  return actor;
}

/**
 * Route handlers: the user behind `Authorization: Bearer <API token>`, else the session's user;
 * 401 when neither. A bearer header that is not a valid token is a 401 even with a good cookie, so
 * a script never runs as whoever happens to share its cookie jar. Viewers get 403 where admin is
 * required.
 */
export async function requireApiActor(
  req: Request,
  options: { role?: "admin" | "viewer" } = {},
): Promise<UserActor> {
  const authorization = req.headers.get("authorization");
  let actor: UserActor | null;
  if (isBearerHeader(authorization)) {
    actor = await actorFromBearer(getDb(), authorization);
    if (!actor) {
      throw unauthorized(
        "The bearer token is unknown or revoked, or its user was removed; create a new one under Settings → API tokens.",
      );
    }
  } else {
    actor = await actorFromHeaders(req.headers);
    if (!actor) throw unauthorized();
  }
  if (options.role === "admin" && actor.role !== "admin") {
    throw forbiddenError("This needs the admin role; your account is a viewer.");
  }
  return actor;
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Cron routes: `Authorization: Bearer <CRON_SECRET>`, as Vercel Cron sends it. */
export function requireCronSecret(req: Request): void {
  const secret = getConfig().cronSecret;
  if (!secret) {
    throw unauthorized(
      "CRON_SECRET is not set on the server, so the cron endpoints refuse every call.",
    );
  }
  const header = req.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(.+)$/i.exec(header);
  if (!match?.[1] || !safeEqual(match[1].trim(), secret)) {
    throw unauthorized("Send Authorization: Bearer <CRON_SECRET> to call the cron endpoints.");
  }
}
