// lib/audit records who or what changed things, for the Activity page. Callers write the audit
// row in the same transaction as the change it describes.
import { and, desc, eq, lt } from "drizzle-orm";
import { type Actor, actorLabel } from "@/lib/context";
import type { Executor } from "@/lib/db/client";
import { type AuditEvent, auditEvents } from "@/lib/db/schema";

export type AuditInput = {
  action: string;
  target?: string;
  detail?: Record<string, unknown>;
  at?: Date;
};

export async function recordAudit(db: Executor, actor: Actor, input: AuditInput): Promise<void> {
  await db.insert(auditEvents).values({
    at: input.at,
    actorType: actor.type,
    actorId: actor.type === "user" ? actor.id : null,
    actorLabel: actorLabel(actor),
    action: input.action,
    target: input.target ?? null,
    detail: input.detail ?? null,
  });
}

export async function listAuditEvents(
  db: Executor,
  options: { action?: string; limit?: number; before?: Date } = {},
): Promise<AuditEvent[]> {
  const conditions = [
    options.action ? eq(auditEvents.action, options.action) : undefined,
    options.before ? lt(auditEvents.at, options.before) : undefined,
  ].filter((c) => c !== undefined);
  return db
    .select()
    .from(auditEvents)
    .where(and(...conditions))
    .orderBy(desc(auditEvents.at))
    .limit(Math.min(options.limit ?? 100, 500));
}
