// Who may post to a drain: the secret Logplex presents (the URL's credentials, sent as Basic auth,
// or the path's `<drain id>.<secret>` of drains added before) against the drain row, compared in
// constant time. Owns the cache of drain rows; never logs or returns a secret.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Ctx } from "@/lib/context";
import { type Drain, drains } from "@/lib/db/schema";

/** A rotated-out secret keeps working this long, so batches in flight while Heroku swaps drains land. */
export const DRAIN_TOKEN_GRACE_MS = 10 * 60_000;
/**
 * A cached drain row is trusted this long without a read. A secret it refuses re-reads the row at
 * once (at most once per DRAIN_REREAD_MS per drain), so a new token works everywhere at once; a
 * revocation or a removed drain reaches other instances within DRAIN_CACHE_MS.
 */
export const DRAIN_CACHE_MS = 5_000;
export const DRAIN_REREAD_MS = 1_000;
const MAX_CACHED_DRAINS = 10_000;
const MAX_SECRET_CHARS = 256;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const BASIC = /^basic[ \t]+([A-Za-z0-9+/]+={0,2})[ \t]*$/i;

export const hashDrainSecret = (secret: string) =>
  createHash("sha256").update(secret).digest("hex");

export function newDrainSecret(): { secret: string; hash: string } {
  const secret = randomBytes(24).toString("base64url");
  return { secret, hash: hashDrainSecret(secret) };
}

export type DrainCredentials = { id: string; secret: string };

/** The password of `Authorization: Basic base64(user:password)`; the user name is not checked. */
function basicPassword(header: string | null | undefined): string | null {
  const encoded = typeof header === "string" ? BASIC.exec(header)?.[1] : undefined;
  if (!encoded) return null;
  const decoded = Buffer.from(encoded, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon === -1 ? null : decoded.slice(colon + 1);
}

/**
 * The drain id and secret of a request to /api/drains/<token>: `<id>` with the secret in
 * Authorization (PLATFORM.md §6.1: Logplex turns URL credentials into Basic auth), or the older
 * `<id>.<secret>` path. Null when anything is missing or malformed; never throws.
 */
export function drainCredentials(
  token: string | undefined,
  authorization: string | null | undefined,
): DrainCredentials | null {
  if (typeof token !== "string") return null;
  const dot = token.indexOf(".");
  const id = dot === -1 ? token : token.slice(0, dot);
  if (!UUID.test(id)) return null;
  const secret = dot === -1 ? basicPassword(authorization) : token.slice(dot + 1);
  if (!secret || secret.length > MAX_SECRET_CHARS) return null;
  return { id, secret };
}

/** Whether this secret opens the drain at `now`: its token, or the previous one within its grace. */
export function drainAccepts(drain: Drain | null, secret: string, now: Date): boolean {
  if (!drain) return false;
  const given = Buffer.from(hashDrainSecret(secret), "hex");
  const same = (stored: string) => {
    const expected = Buffer.from(stored, "hex");
    return expected.length === given.length && timingSafeEqual(given, expected);
  };
  const inGrace =
    drain.previousTokenHash !== null &&
    drain.previousTokenExpiresAt !== null &&
    drain.previousTokenExpiresAt.getTime() > now.getTime();
  return same(drain.tokenHash) || (inGrace && same(drain.previousTokenHash ?? ""));
}

// Heroku posts a batch every few hundred milliseconds per app, so rows are cached. Next bundles each
// route, server actions and instrumentation separately: the cache lives on globalThis so a
// rotation anywhere in this process forgets the row the drain route holds.
type CachedDrain = {
  drain: Drain | null;
  /** performance.now() when the read that produced `drain` started */
  readAt: number;
  /** the read in flight or waiting for its turn: callers that can use it share it */
  pending?: { at: number; row: Promise<Drain | null> };
};
const cacheKey = Symbol.for("dyno-monitor.drain-cache");
type GlobalWithDrains = typeof globalThis & { [cacheKey]?: Map<string, CachedDrain> };

function drainCache(): Map<string, CachedDrain> {
  const store = globalThis as GlobalWithDrains;
  store[cacheKey] ??= new Map();
  return store[cacheKey];
}

function cachedDrain(id: string): CachedDrain {
  const cache = drainCache();
  let entry = cache.get(id);
  if (!entry) {
    // a flood of made-up ids must not grow the cache without bound: drop the oldest entry
    if (cache.size >= MAX_CACHED_DRAINS) cache.delete(cache.keys().next().value ?? "");
    entry = { drain: null, readAt: Number.NEGATIVE_INFINITY };
    cache.set(id, entry);
  }
  return entry;
}

/**
 * The drain row as read by a query that starts no earlier than `since` and at least `gap` ms
 * after the previous one; concurrent callers share one query.
 */
function readDrain(db: Ctx["db"], id: string, since: number, gap: number): Promise<Drain | null> {
  const entry = cachedDrain(id);
  if (entry.pending && entry.pending.at >= since) return entry.pending.row;
  const previous = Math.max(entry.readAt, entry.pending?.at ?? Number.NEGATIVE_INFINITY);
  const at = Math.max(performance.now(), since, previous + gap);
  const row = (async () => {
    const wait = at - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const [found] = await db.select().from(drains).where(eq(drains.id, id));
    if (entry.readAt <= at) {
      entry.drain = found ?? null;
      entry.readAt = at;
    }
    return found ?? null;
  })();
  entry.pending = { at, row };
  // a failed read (store unreachable) is not shared with later callers: they try again
  row.catch(() => {
    if (entry.pending?.row === row) entry.pending = undefined;
  });
  return row;
}

/**
 * The drain these credentials open, or null. A secret the cached row refuses is checked again
 * against a fresh read (a rotation on another instance); an unknown id stays refused while cached.
 */
export async function findDrainByCredentials(
  ctx: Pick<Ctx, "db" | "clock">,
  credentials: DrainCredentials | null,
): Promise<Drain | null> {
  if (!credentials) return null;
  const { id, secret } = credentials;
  const arrived = performance.now();
  const cached = drainCache().get(id);
  const drain =
    cached && arrived - cached.readAt < DRAIN_CACHE_MS
      ? cached.drain
      : await readDrain(ctx.db, id, arrived - DRAIN_CACHE_MS, 0);
  if (drainAccepts(drain, secret, ctx.clock.now())) return drain;
  if (!drain) return null;
  const fresh = await readDrain(ctx.db, id, arrived, DRAIN_REREAD_MS);
  return drainAccepts(fresh, secret, ctx.clock.now()) ? fresh : null;
}

/** Drops a drain's cached row (its token changed or it was removed). */
export function forgetDrain(id: string): void {
  drainCache().delete(id);
}
