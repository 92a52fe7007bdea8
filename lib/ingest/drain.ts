// The push path: Heroku's HTTPS log drain (PLATFORM.md §6). The URL carries our own per-app secret
// as credentials (drain-token.ts checks it). A batch is stored with its Logplex-Frame-Id, so a
// retried batch is stored once; concurrent batches share one atomic write (drain-writer.ts).
import type { Ctx } from "@/lib/context";
import type { Drain } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { parseDrainBody } from "@/lib/logs/parse-drain-body";
import { classifyLines } from "./classify";
import { drainCredentials, findDrainByCredentials } from "./drain-token";
import { submitDrainBatch } from "./drain-writer";
import { dynoSizes } from "./store";

export { newDrainSecret } from "./drain-token";

export const MAX_DRAIN_BODY_BYTES = 10 * 1024 * 1024;

// Heroku posts a batch every few hundred milliseconds per app: the dyno sizes are read once a
// minute, not once a batch (the drain row's cache is in drain-token.ts).
const SIZES_CACHE_MS = 60_000;
const sizesCache = new Map<string, { sizes: Map<string, string>; until: number }>();

async function dynoSizesOf(db: Ctx["db"], appId: string): Promise<Map<string, string>> {
  const cached = sizesCache.get(appId);
  if (cached && cached.until > performance.now()) return cached.sizes;
  const sizes = await dynoSizes(db, appId);
  sizesCache.set(appId, { sizes, until: performance.now() + SIZES_CACHE_MS });
  return sizes;
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

/** Handles one POST from Heroku's Logplex to /api/drains/<drain id> (or the older <id>.<secret>). */
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
    drain = await findDrainByCredentials(
      ctx,
      drainCredentials(token, request.headers.get("authorization")),
    );
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
        repairedLines: parsed.repairedLines,
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
