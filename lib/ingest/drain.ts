// The push path: Heroku's HTTPS log drain (PLATFORM.md §6). The URL carries our own per-app token
// `<drain id>.<secret>`; the secret is stored hashed and compared in constant time. A batch is
// stored with its Logplex-Frame-Id, so a retried batch is stored once; concurrent batches share
// one atomic write (drain-writer.ts).
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Ctx } from "@/lib/context";
import { type Drain, drains } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { parseDrainBody } from "@/lib/logs/parse-drain-body";
import { classifyLines } from "./classify";
import { submitDrainBatch } from "./drain-writer";
import { dynoSizes } from "./store";

export const MAX_DRAIN_BODY_BYTES = 10 * 1024 * 1024;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const hashSecret = (secret: string) => createHash("sha256").update(secret).digest("hex");

export function newDrainSecret(): { secret: string; hash: string } {
  const secret = randomBytes(24).toString("base64url");
  return { secret, hash: hashSecret(secret) };
}

// Heroku posts a batch every few hundred milliseconds per app: the drain row and the dyno sizes are
// read once a few seconds, not once a batch. Rotating a token forgets the cached row at once in
// this process; other instances see the new token within DRAIN_CACHE_MS.
const DRAIN_CACHE_MS = 5_000;
const SIZES_CACHE_MS = 60_000;
const drainCache = new Map<string, { drain: Drain; until: number }>();
const sizesCache = new Map<string, { sizes: Map<string, string>; until: number }>();

async function drainById(db: Ctx["db"], id: string): Promise<Drain | null> {
  const cached = drainCache.get(id);
  if (cached && cached.until > performance.now()) return cached.drain;
  const [drain] = await db.select().from(drains).where(eq(drains.id, id));
  if (!drain) {
    drainCache.delete(id);
    return null;
  }
  drainCache.set(id, { drain, until: performance.now() + DRAIN_CACHE_MS });
  return drain;
}

/** Drops a drain's cached row (its token changed or it was removed). */
export function forgetDrain(id: string): void {
  drainCache.delete(id);
}

async function dynoSizesOf(db: Ctx["db"], appId: string): Promise<Map<string, string>> {
  const cached = sizesCache.get(appId);
  if (cached && cached.until > performance.now()) return cached.sizes;
  const sizes = await dynoSizes(db, appId);
  sizesCache.set(appId, { sizes, until: performance.now() + SIZES_CACHE_MS });
  return sizes;
}

/** The drain whose token this is, or null; the secret comparison takes constant time. */
export async function findDrainByToken(
  db: Ctx["db"],
  token: string | undefined,
): Promise<Drain | null> {
  if (typeof token !== "string") return null;
  const dot = token.indexOf(".");
  const id = dot === -1 ? "" : token.slice(0, dot);
  if (!UUID.test(id)) return null;
  const drain = await drainById(db, id);
  if (!drain) return null;
  const given = Buffer.from(hashSecret(token.slice(dot + 1)), "hex");
  const stored = Buffer.from(drain.tokenHash, "hex");
  return given.length === stored.length && timingSafeEqual(given, stored) ? drain : null;
}

export type DrainBatchResult = {
  duplicate: boolean;
  lines: number;
  badFrames: number;
  frameCountMismatch: boolean;
};

async function readBody(request: Request): Promise<Uint8Array> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_DRAIN_BODY_BYTES) {
    throw new AppError("payload_too_large", "Drain batches are limited to 10 MB.");
  }
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_DRAIN_BODY_BYTES) {
      await reader.cancel();
      throw new AppError("payload_too_large", "Drain batches are limited to 10 MB.");
    }
    parts.push(value);
  }
  return Buffer.concat(parts);
}

/** Handles one POST from Heroku's Logplex to /api/drains/<token>. */
export async function receiveDrainRequest({
  ctx,
  token,
  request,
}: {
  ctx: Ctx;
  token: string | undefined;
  request: Request;
}): Promise<DrainBatchResult> {
  let drain: Drain | null;
  try {
    drain = await findDrainByToken(ctx.db, token);
  } catch (cause) {
    throw new AppError("unavailable", "The log store is unavailable; Heroku will retry.", {
      cause,
    });
  }
  if (!drain) throw new AppError("unauthorized", "Unknown drain token.");
  const contentType = (request.headers.get("content-type") ?? "")
    .split(";")[0]
    ?.trim()
    .toLowerCase();
  if (contentType !== "application/logplex-1") {
    throw new AppError(
      "unsupported_media_type",
      "A log drain sends Content-Type: application/logplex-1.",
    );
  }
  const body = await readBody(request);
  const frameId = request.headers.get("logplex-frame-id")?.slice(0, 100) || null;
  const declaredCount = Number.parseInt(request.headers.get("logplex-msg-count") ?? "", 10);
  const parsed = parseDrainBody(body);
  try {
    const classified = classifyLines({
      appId: drain.appId,
      lines: parsed.lines,
      sizes: await dynoSizesOf(ctx.db, drain.appId),
    });
    const outcome = await submitDrainBatch(
      ctx.db,
      {
        drainId: drain.id,
        frameId,
        receivedAt: ctx.clock.now(),
        lines: parsed.lines.length,
        badFrames: parsed.badFrames,
        classified,
      },
      request.signal,
    );
    if (outcome.duplicate) {
      return { duplicate: true, lines: 0, badFrames: 0, frameCountMismatch: false };
    }
    return {
      duplicate: false,
      lines: parsed.lines.length,
      badFrames: parsed.badFrames,
      frameCountMismatch: Number.isFinite(declaredCount) && declaredCount !== parsed.frames,
    };
  } catch (cause) {
    throw new AppError(
      "unavailable",
      "The log store could not take this batch; Heroku will retry.",
      { cause },
    );
  }
}
