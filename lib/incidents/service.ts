// What people do to incidents: acknowledge one (no more reminders), silence a target (no notices,
// no restarts until a time), end a silence, and put a held or failed email back in line. Each
// change, its timeline entry and its audit row commit together.
import { and, eq, gt, isNull } from "drizzle-orm";
import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import { actorLabel, type Ctx } from "@/lib/context";
import type { Executor } from "@/lib/db/client";
import {
  apps,
  type Incident,
  incidentEvents,
  incidents,
  notifications,
  rules,
  type Silence,
  silences,
} from "@/lib/db/schema";
import { AppError, type FieldErrors, notFound } from "@/lib/errors";
import { retryNotification } from "@/lib/notify/outbox";
import { formNumber, text } from "@/lib/validation";

/** Form posts send "" for an unset field: treat it as absent. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === "" || value === null ? undefined : value), schema.optional());

export const SILENCE_MIN_MINUTES = 5;
export const SILENCE_MAX_MINUTES = 10_080;

export const acknowledgeIncidentSchema = z.object({
  incidentId: z.uuid({ error: "Unknown incident." }),
});
export type AcknowledgeIncidentInput = z.infer<typeof acknowledgeIncidentSchema>;

export const silenceInputSchema = z.object({
  incidentId: optional(z.uuid({ error: "Unknown incident." })),
  appId: optional(z.uuid({ error: "Unknown app." })),
  dynoType: optional(
    text({ error: "A dyno type is a process name such as web." }).regex(/^[a-z0-9_-]{1,50}$/i, {
      error: "A dyno type is a process name such as web.",
    }),
  ),
  ruleId: optional(z.uuid({ error: "Unknown rule." })),
  // the silence form posts text; its number is read here, explicitly (no API takes silences)
  minutes: z.preprocess(
    formNumber,
    z
      .number({ error: "Choose how long to silence for." })
      .int({ error: "Silence for a whole number of minutes." })
      .min(SILENCE_MIN_MINUTES, { error: "Silence for at least 5 minutes." })
      .max(SILENCE_MAX_MINUTES, { error: "Silence for at most 7 days (10080 minutes)." }),
  ),
  reason: text({ error: "Say why, e.g. “deploying a fix”, so others know.", multiline: true })
    .min(1, { error: "Say why, e.g. “deploying a fix”, so others know." })
    .max(500, { error: "Keep the reason under 500 characters." }),
});
export type SilenceInput = z.input<typeof silenceInputSchema>;

export const endSilenceSchema = z.object({ silenceId: z.uuid({ error: "Unknown silence." }) });
export type EndSilenceInput = z.infer<typeof endSilenceSchema>;

export const retryNotificationSchema = z.object({
  notificationId: z.uuid({ error: "Unknown notification." }),
});
export type RetryNotificationInput = z.infer<typeof retryNotificationSchema>;

function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const fields: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const key = issue.path.length ? issue.path.join(".") : "_";
    fields[key] ??= [];
    fields[key].push(issue.message);
  }
  throw new AppError("validation", "Some fields need attention.", { fields });
}

async function addTimeline(
  db: Executor,
  entry: { incidentId: string; at: Date; kind: string; message: string; detail?: object },
) {
  await db.insert(incidentEvents).values({
    incidentId: entry.incidentId,
    at: entry.at,
    kind: entry.kind,
    message: entry.message,
    detail: (entry.detail as Record<string, unknown>) ?? null,
  });
}

const targetLabel = (incident: Pick<Incident, "appName" | "dynoType" | "dyno" | "ruleName">) =>
  `${[incident.appName, incident.dyno ?? incident.dynoType].filter(Boolean).join(" ")} · ${incident.ruleName}`;

/** Stops reminders (and repeated restarts) of a firing incident; the resolved notice still goes. */
export async function acknowledgeIncident(ctx: Ctx, id: string): Promise<Incident> {
  const { incidentId } = parse(acknowledgeIncidentSchema, { incidentId: id });
  const now = ctx.clock.now();
  const by = actorLabel(ctx.actor);
  return ctx.db.transaction(async (tx) => {
    const [updated] = await tx
      .update(incidents)
      .set({ acknowledgedAt: now, acknowledgedBy: by })
      .where(
        and(
          eq(incidents.id, incidentId),
          eq(incidents.state, "firing"),
          isNull(incidents.acknowledgedAt),
        ),
      )
      .returning();
    if (!updated) {
      const [current] = await tx.select().from(incidents).where(eq(incidents.id, incidentId));
      if (!current) throw notFound("The incident");
      if (current.acknowledgedAt) {
        throw new AppError(
          "conflict",
          `${current.acknowledgedBy ?? "Someone"} acknowledged this incident already.`,
        );
      }
      throw new AppError(
        "conflict",
        current.state === "pending"
          ? "This incident is still pending: it can be acknowledged once it fires."
          : "This incident is resolved: there is nothing left to acknowledge.",
      );
    }
    await addTimeline(tx, {
      incidentId,
      at: now,
      kind: "acknowledged",
      message: `Acknowledged by ${by}: no more reminders while it fires.`,
      detail: { by },
    });
    await recordAudit(tx, ctx.actor, {
      action: "incident.acknowledged",
      target: targetLabel(updated),
      detail: { incidentId },
      at: now,
    });
    return updated;
  });
}

function describeDuration(minutes: number): string {
  if (minutes % 1440 === 0) return `${minutes / 1440} d`;
  if (minutes % 60 === 0) return `${minutes / 60} h`;
  return `${minutes} min`;
}

/**
 * Mutes notices and restarts for a target until now + `minutes`. From an incident, the target is
 * that incident's app, dyno type and rule; otherwise whatever is given (absent: every one).
 */
export async function silenceTarget(ctx: Ctx, input: SilenceInput): Promise<Silence> {
  const parsed = parse(silenceInputSchema, input);
  const now = ctx.clock.now();
  const until = new Date(now.getTime() + parsed.minutes * 60_000);
  return ctx.db.transaction(async (tx) => {
    let incident: Incident | undefined;
    let target: { appId: string | null; dynoType: string | null; ruleId: string | null };
    if (parsed.incidentId) {
      [incident] = await tx.select().from(incidents).where(eq(incidents.id, parsed.incidentId));
      if (!incident) throw notFound("The incident");
      target = { appId: incident.appId, dynoType: incident.dynoType, ruleId: incident.ruleId };
    } else {
      target = {
        appId: parsed.appId ?? null,
        dynoType: parsed.dynoType ?? null,
        ruleId: parsed.ruleId ?? null,
      };
      if (target.appId) {
        const [app] = await tx.select({ id: apps.id }).from(apps).where(eq(apps.id, target.appId));
        if (!app) {
          throw new AppError("validation", "That app is not watched.", {
            fields: { appId: ["That app is not watched."] },
          });
        }
      }
      if (target.ruleId) {
        const [rule] = await tx
          .select({ id: rules.id })
          .from(rules)
          .where(eq(rules.id, target.ruleId));
        if (!rule) {
          throw new AppError("validation", "That rule does not exist.", {
            fields: { ruleId: ["That rule does not exist."] },
          });
        }
      }
    }
    const by = actorLabel(ctx.actor);
    const [silence] = await tx
      .insert(silences)
      .values({ ...target, until, reason: parsed.reason, createdBy: by, createdAt: now })
      .returning();
    if (!silence) throw new AppError("internal", "The silence was not saved.");
    const length = describeDuration(parsed.minutes);
    if (incident) {
      await addTimeline(tx, {
        incidentId: incident.id,
        at: now,
        kind: "silenced",
        message: `Silenced for ${length} by ${by}: ${parsed.reason}`,
        detail: { silenceId: silence.id, until: until.toISOString(), by },
      });
    }
    await recordAudit(tx, ctx.actor, {
      action: "silence.created",
      target: incident ? targetLabel(incident) : await describeScope(tx, target),
      detail: {
        for: length,
        until: until.toISOString(),
        reason: parsed.reason,
        ...(incident ? { incidentId: incident.id } : {}),
      },
      at: now,
    });
    return silence;
  });
}

async function describeScope(
  db: Executor,
  target: { appId: string | null; dynoType: string | null; ruleId: string | null },
): Promise<string> {
  const [app] = target.appId
    ? await db.select({ name: apps.name }).from(apps).where(eq(apps.id, target.appId))
    : [];
  const [rule] = target.ruleId
    ? await db.select({ name: rules.name }).from(rules).where(eq(rules.id, target.ruleId))
    : [];
  return [
    app?.name ?? "every app",
    target.dynoType ?? "every dyno type",
    rule?.name ?? "every rule",
  ].join(" · ");
}

/** Ends a silence now; it stays listed as history. */
export async function endSilence(ctx: Ctx, id: string): Promise<Silence> {
  const { silenceId } = parse(endSilenceSchema, { silenceId: id });
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const [ended] = await tx
      .update(silences)
      .set({ until: now })
      .where(and(eq(silences.id, silenceId), gt(silences.until, now)))
      .returning();
    if (!ended) {
      const [existing] = await tx
        .select({ id: silences.id })
        .from(silences)
        .where(eq(silences.id, silenceId));
      if (!existing) throw notFound("The silence");
      throw new AppError("conflict", "This silence has ended already.");
    }
    await recordAudit(tx, ctx.actor, {
      action: "silence.ended",
      target: await describeScope(tx, ended),
      detail: { silenceId, reason: ended.reason, createdBy: ended.createdBy },
      at: now,
    });
    return ended;
  });
}

/** Puts a held or failed email back in the outbox; the deliver-outbox job sends it. */
export async function retryOutboxNotification(ctx: Ctx, id: string): Promise<void> {
  const { notificationId } = parse(retryNotificationSchema, { notificationId: id });
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    const queued = await retryNotification(tx, notificationId, now);
    const [row] = await tx
      .select({ status: notifications.status, subject: notifications.subject })
      .from(notifications)
      .where(eq(notifications.id, notificationId));
    if (!row) throw notFound("The notification");
    if (!queued) {
      throw new AppError(
        "conflict",
        `Only held or failed notifications can be retried; this one is ${row.status}.`,
      );
    }
    await recordAudit(tx, ctx.actor, {
      action: "notification.retried",
      target: row.subject,
      detail: { notificationId },
      at: now,
    });
  });
}
