// The production wiring of service contexts: the process's database, cache and the real clock.
import "server-only";
import { getCache } from "@/lib/cache";
import { systemClock } from "@/lib/clock";
import { type Actor, type Ctx, systemActor } from "@/lib/context";
import { getDb } from "@/lib/db/client";

export function appCtx(actor: Actor = systemActor("system")): Ctx {
  return { db: getDb(), cache: getCache(), clock: systemClock, actor };
}
