// Setting up the push path: a per-app drain secret, and the drain added through the Platform API.
import { and, eq, gt, inArray, isNotNull } from "drizzle-orm";
import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import type { Ctx } from "@/lib/context";
import { apps, drains } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import type { HerokuClient } from "@/lib/heroku/client";
import { DRAIN_TOKEN_GRACE_MS, forgetDrain, newDrainSecret } from "./drain-token";

/**
 * The drain URL with its secret as credentials (`https://drain:<secret>@host/api/drains/<id>`):
 * Logplex sends them as Basic auth (PLATFORM.md §6.1), so no request path or router log line
 * carries the secret, and Heroku hides them in `heroku drains`.
 */
export function drainUrl(appUrl: string, drainId: string, secret: string): string {
  const url = new URL(`${appUrl.replace(/\/+$/, "")}/api/drains/${drainId}`);
  url.username = "drain";
  url.password = secret;
  return url.toString();
}

/** The exact command a user runs to add the drain themselves. */
export const drainAddCommand = (url: string, app: string) => `heroku drains:add ${url} -a ${app}`;

/**
 * Creates (or rotates) the app's drain secret and adds the drain on Heroku; a previous drain of
 * ours is removed once the new one is in place, and its secret keeps working for
 * DRAIN_TOKEN_GRACE_MS so batches Logplex has in flight still land. Returns the drain URL (shown
 * once).
 */
export async function enableDrain({
  ctx,
  client,
  input,
}: {
  ctx: Ctx;
  client: HerokuClient;
  input: { appId: string; appName: string; appUrl: string };
}): Promise<{ url: string }> {
  const { secret, hash } = newDrainSecret();
  const [existing] = await ctx.db.select().from(drains).where(eq(drains.appId, input.appId));
  const now = ctx.clock.now();
  const [row] = existing
    ? await ctx.db
        .update(drains)
        .set({
          tokenHash: hash,
          previousTokenHash: existing.tokenHash,
          previousTokenExpiresAt: new Date(now.getTime() + DRAIN_TOKEN_GRACE_MS),
          rotatedAt: now,
        })
        .where(eq(drains.id, existing.id))
        .returning()
    : await ctx.db
        .insert(drains)
        .values({ appId: input.appId, tokenHash: hash, createdAt: now })
        .returning();
  if (!row) throw new Error("drain not saved");
  forgetDrain(row.id);
  const url = drainUrl(input.appUrl, row.id, secret);
  const added = await client.addLogDrain(input.appName, url);
  // (a rebooted simulator hands out the same ids again: never remove the drain just added)
  if (existing?.herokuDrainId && existing.herokuDrainId !== added.id) {
    await client.removeLogDrain(input.appName, existing.herokuDrainId).catch(() => undefined);
  }
  await ctx.db
    .update(drains)
    .set({ herokuDrainId: added.id, herokuDrainToken: added.token ?? null })
    .where(eq(drains.id, row.id));
  await recordAudit(ctx.db, ctx.actor, {
    action: existing ? "drain.rotated" : "drain.added",
    target: input.appName,
    at: now,
  });
  return { url };
}

/**
 * Demo mode: every demo app sends its logs to this console through a drain. The embedded simulator
 * starts empty on every boot while our drain rows persist, so an app whose drain the simulator no
 * longer has gets a new one (its secret rotated, as from the App page). Returns how many drains
 * were added.
 */
export async function ensureDemoDrains({
  ctx,
  client,
  appUrl,
}: {
  ctx: Ctx;
  client: HerokuClient;
  appUrl: string;
}): Promise<number> {
  const active = await ctx.db
    .select({ id: apps.id, name: apps.name, herokuDrainId: drains.herokuDrainId })
    .from(apps)
    .leftJoin(drains, eq(drains.appId, apps.id))
    .where(eq(apps.status, "active"));
  let added = 0;
  for (const app of active) {
    if (app.herokuDrainId) {
      const onHeroku = await client.listLogDrains(app.name);
      if (onHeroku.some((drain) => drain.id === app.herokuDrainId)) continue;
    }
    await enableDrain({ ctx, client, input: { appId: app.id, appName: app.name, appUrl } });
    added++;
  }
  return added;
}

export const enableDrainSchema = z.object({ app: z.string().min(1, { error: "Name the app." }) });

/** "Use a log drain" from the App page: adds (or rotates) the drain of an app by name. */
export async function enableDrainForApp({
  ctx,
  client,
  input,
  appUrl,
}: {
  ctx: Ctx;
  client: HerokuClient;
  input: z.infer<typeof enableDrainSchema>;
  appUrl: string;
}): Promise<{ url: string; command: string }> {
  const [app] = await ctx.db
    .select()
    .from(apps)
    .where(and(eq(apps.name, input.app), eq(apps.status, "active")));
  if (!app) throw new AppError("not_found", `There is no active app named ${input.app}.`);
  const { url } = await enableDrain({
    ctx,
    client,
    input: { appId: app.id, appName: app.name, appUrl },
  });
  return { url, command: drainAddCommand(url, app.name) };
}

export const revokeOldDrainTokenSchema = z.object({
  app: z.string().min(1, { error: "Name the app." }),
});

/**
 * "Revoke old token now" (a leaked token): the secret a rotation replaced stops working at once,
 * without waiting for its grace period. Immediate in this process; other instances drop their
 * cached row within DRAIN_CACHE_MS.
 */
export async function revokeOldDrainToken({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.infer<typeof revokeOldDrainTokenSchema>;
}): Promise<{ revoked: number }> {
  const now = ctx.clock.now();
  const live = await ctx.db
    .select({ id: drains.id })
    .from(drains)
    .innerJoin(apps, eq(apps.id, drains.appId))
    .where(
      and(
        eq(apps.name, input.app),
        isNotNull(drains.previousTokenHash),
        gt(drains.previousTokenExpiresAt, now),
      ),
    );
  if (live.length === 0) {
    throw new AppError(
      "conflict",
      `The log drain of ${input.app} has no old token left: it has expired or was revoked.`,
    );
  }
  const ids = live.map((row) => row.id);
  await ctx.db.transaction(async (tx) => {
    await tx
      .update(drains)
      .set({ previousTokenHash: null, previousTokenExpiresAt: null })
      .where(inArray(drains.id, ids));
    await recordAudit(tx, ctx.actor, {
      action: "drain.old_token_revoked",
      target: input.app,
      at: now,
    });
  });
  for (const id of ids) forgetDrain(id);
  return { revoked: ids.length };
}
