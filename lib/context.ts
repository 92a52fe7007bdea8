import type { Cache } from "@/lib/cache/types";
import type { Clock } from "@/lib/clock";
import type { Executor } from "@/lib/db/client";
import type { UserRole } from "@/lib/db/schema/auth";

export type UserActor = { type: "user"; id: string; email: string; name: string; role: UserRole };
export type SystemActor = { type: "system"; label: string };
export type Actor = UserActor | SystemActor;

/** What every service receives: its store, cache, clock and who is acting (STYLE.md habit 8). */
export type Ctx = {
  db: Executor;
  cache: Cache;
  clock: Clock;
  actor: Actor;
};

export const systemActor = (label: string): SystemActor => ({ type: "system", label });

export function actorLabel(actor: Actor): string {
  return actor.type === "user" ? actor.email : actor.label;
}
