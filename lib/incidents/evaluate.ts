// The evaluate-rules job: every enabled rule is measured, evaluated (pure), and each target's
// incident stepped through the state machine (pure). The incident change, its timeline entry and
// its notification are written in one transaction (the outbox); restarts follow, gated by cooling
// periods and the loop guard. Safe with several evaluators at once: one open incident per
// fingerprint (unique index), state changes are compare-and-set, notices have idempotency keys.
import { and, eq, gt, inArray, isNull, ne, or, sql } from "drizzle-orm";
import type { Ctx } from "@/lib/context";
import type { Executor } from "@/lib/db/client";
import {
  apps,
  type Incident,
  incidentEvents,
  incidents,
  type Rule,
  rules,
  silences,
} from "@/lib/db/schema";
import { log } from "@/lib/log";
import { type Enqueue, enqueueNotification, resolveRecipients } from "@/lib/notify/outbox";
import type { IncidentNotice, WebhookPreset } from "@/lib/notify/types";
import { type Restarter, requestRestart } from "@/lib/remediation";
import { type Breach, evaluateRule, type Target, targetKey } from "@/lib/rules/evaluate";
import { measureRule } from "@/lib/rules/measure";
import { isPhoneNumber, type KindParams } from "@/lib/rules/schema";
import { type Step, step } from "./machine";

export type EvaluateSettings = {
  repeatIntervalSeconds: number;
  maxRepeatNotifications: number;
  dynoRestartCoolingSeconds: number;
  appRestartCoolingSeconds: number;
  maxRestartsPerHour: number;
  /** ALERT_RECIPIENTS */
  recipients: string[];
  /** ALERT_SMS_RECIPIENTS */
  smsRecipients: string[];
  /** Enabled webhook endpoints (Settings → Webhooks). */
  webhookEndpoints: { id: string; name: string; preset: WebhookPreset }[];
  consoleUrl: string;
};

export type EvaluateSummary = {
  rules: number;
  opened: number;
  resolved: number;
  notices: number;
  restarts: number;
  failed: number;
};

export const incidentFingerprint = (ruleId: string, target: Target) =>
  `${ruleId}:${targetKey(target)}`;

type Silence = typeof silences.$inferSelect;

function isSilenced(list: readonly Silence[], rule: Rule, target: Target): boolean {
  return list.some(
    (s) =>
      (s.ruleId === null || s.ruleId === rule.id) &&
      (s.appId === null || s.appId === target.appId) &&
      (s.dynoType === null || s.dynoType === target.dynoType),
  );
}

function notice(
  type: "firing" | "repeat" | "resolved",
  rule: Rule,
  incident: Incident,
  breach: Breach | null,
  settings: EvaluateSettings,
): IncidentNotice {
  const params = rule.params as Record<string, unknown>;
  const windowSeconds = typeof params.windowSeconds === "number" ? params.windowSeconds : undefined;
  return {
    type,
    incident: {
      id: incident.id,
      url: `${settings.consoleUrl}/incidents/${incident.id}`,
      state: incident.state,
      openedAt: incident.openedAt,
      resolvedAt: incident.resolvedAt,
      acknowledgedBy: incident.acknowledgedBy,
    },
    rule: {
      id: rule.id,
      name: rule.name,
      kind: rule.kind,
      windowSeconds,
      threshold: breach?.threshold,
    },
    target: { app: incident.appName, dynoType: incident.dynoType, dyno: incident.dyno },
    code: rule.kind === "error_code" ? incident.code : null,
    observed: breach?.observed ?? {},
    summary: breach?.summary ?? incident.summary,
    series: breach?.series.map((v, i, all) => ({
      t: Date.now() - (all.length - 1 - i) * 60_000,
      v,
    })),
    repeatNumber: type === "repeat" ? incident.notificationsSent : undefined,
    consoleUrl: settings.consoleUrl,
  };
}

async function timeline(
  db: Executor,
  incidentId: string,
  at: Date,
  kind: string,
  message: string,
  detail?: Record<string, unknown>,
) {
  await db.insert(incidentEvents).values({ incidentId, at, kind, message, detail: detail ?? null });
}

/**
 * Queues `notice` on each of the rule's channels: one email to its addresses, one SMS per phone
 * number, one webhook per enabled endpoint. Returns who it went to, or null when every message
 * was queued already (another evaluator got there first).
 */
async function queueNotice(
  db: Executor,
  rule: Rule,
  incidentId: string,
  notice: IncidentNotice,
  key: string,
  settings: EvaluateSettings,
  now: Date,
): Promise<string[] | null> {
  const queued: string[] = [];
  let any = false;
  const enqueue = async (input: Omit<Enqueue, "incidentId" | "notice">) => {
    const fresh = await enqueueNotification(db, { ...input, incidentId, notice }, now);
    any ||= fresh;
    queued.push(...input.recipients);
  };
  for (const channel of new Set(rule.channels)) {
    if (channel === "email") {
      const recipients = await resolveRecipients(
        db,
        rule.recipients.filter((r) => !isPhoneNumber(r)),
        settings.recipients,
      );
      await enqueue({ channel, recipients, idempotencyKey: `${key}:email` });
    } else if (channel === "sms") {
      const own = rule.recipients.filter(isPhoneNumber);
      for (const phone of own.length > 0 ? own : settings.smsRecipients) {
        await enqueue({ channel, recipients: [phone], idempotencyKey: `${key}:sms:${phone}` });
      }
    } else if (channel === "webhook") {
      for (const endpoint of settings.webhookEndpoints) {
        await enqueue({
          channel,
          recipients: [endpoint.name],
          idempotencyKey: `${key}:webhook:${endpoint.id}`,
          webhook: { endpointId: endpoint.id, preset: endpoint.preset },
        });
      }
    }
  }
  return any ? queued : null;
}

/** One target of one rule: applies the machine's step; returns what it did. */
async function applyStep(
  ctx: Ctx,
  rule: Rule,
  target: Target,
  breach: Breach | null,
  open: Incident | null,
  result: Step,
  settings: EvaluateSettings,
): Promise<{ incident: Incident | null; opened: boolean; resolved: boolean; notified: boolean }> {
  const now = ctx.clock.now();
  const fingerprint = incidentFingerprint(rule.id, target);
  const none = { incident: open, opened: false, resolved: false, notified: false };
  if (result.transition === "none") return none;

  return ctx.db.transaction(async (tx) => {
    let incident: Incident | undefined;
    let opened = false;
    if (!open) {
      // open: the partial unique index lets one evaluator win; the other finds it taken
      const state = result.state === "pending" ? "pending" : "firing";
      const rows = await tx
        .insert(incidents)
        .values({
          ruleId: rule.id,
          ruleName: rule.name,
          kind: rule.kind,
          fingerprint,
          appId: target.appId || null,
          appName: target.appName,
          dynoType: target.dynoType,
          dyno: target.dyno,
          code: breach?.code ?? null,
          state,
          openedAt: now,
          firingAt: state === "firing" ? now : null,
          lastSeenAt: now,
          value: breach?.value ?? null,
          peakValue: breach?.value ?? null,
          summary: breach?.summary ?? rule.name,
          notificationsSent: result.notify ? 1 : 0,
          lastNotifiedAt: result.notify ? now : null,
        })
        .onConflictDoNothing()
        .returning();
      incident = rows[0];
      if (!incident) return { ...none, incident: null };
      opened = true;
      await timeline(tx, incident.id, now, "opened", `Opened: ${incident.summary}`, {
        state,
        value: breach?.value,
      });
      if (result.muted === "silenced") {
        await timeline(tx, incident.id, now, "silenced", "Silenced: no notice, no action.");
      }
    } else {
      const set: Partial<Incident> = { lastSeenAt: now };
      if (breach) {
        set.value = breach.value;
        set.peakValue = Math.max(open.peakValue ?? breach.value, breach.value);
        set.summary = breach.summary;
      }
      if (result.transition === "fire") set.firingAt = now;
      if (result.state === "resolved") set.resolvedAt = now;
      if (result.state) set.state = result.state;
      if (result.notify === "firing" || result.notify === "repeat") {
        set.notificationsSent = open.notificationsSent + 1;
        set.lastNotifiedAt = now;
      }
      // compare-and-set: a concurrent evaluator that already stepped this incident wins
      const rows = await tx
        .update(incidents)
        .set(set)
        .where(
          and(
            eq(incidents.id, open.id),
            eq(incidents.state, open.state),
            eq(incidents.notificationsSent, open.notificationsSent),
          ),
        )
        .returning();
      incident = rows[0];
      if (!incident) return { ...none, incident: open };
      if (result.transition === "fire") {
        await timeline(tx, incident.id, now, "firing", `Firing: ${incident.summary}`);
      } else if (result.transition === "resolve") {
        await timeline(tx, incident.id, now, "resolved", "Resolved: the rule no longer breaches.");
      } else if (result.notify === "repeat") {
        await timeline(
          tx,
          incident.id,
          now,
          "repeat",
          `Still firing: ${incident.summary} (reminder ${incident.notificationsSent - 1})`,
        );
      }
    }

    let notified = false;
    if (result.notify) {
      const key =
        result.notify === "repeat"
          ? `${incident.id}:repeat:${incident.notificationsSent - 1}`
          : `${incident.id}:${result.notify}`;
      const recipients = await queueNotice(
        tx,
        rule,
        incident.id,
        notice(result.notify, rule, incident, breach, settings),
        key,
        settings,
        now,
      );
      notified = recipients !== null;
      if (recipients !== null) {
        await timeline(
          tx,
          incident.id,
          now,
          "notified",
          `${result.notify === "resolved" ? "Resolved notice" : result.notify === "repeat" ? "Reminder" : "Alert"} queued for ${recipients.join(", ") || "nobody (no recipients)"}.`,
        );
      }
    }
    return { incident, opened, resolved: result.state === "resolved", notified };
  });
}

/** Evaluates every enabled rule once. */
export async function evaluateRules(
  ctx: Ctx,
  deps: { restarter: Restarter; settings: EvaluateSettings },
): Promise<EvaluateSummary> {
  const now = ctx.clock.now();
  const summary: EvaluateSummary = {
    rules: 0,
    opened: 0,
    resolved: 0,
    notices: 0,
    restarts: 0,
    failed: 0,
  };
  const enabled = await ctx.db.select().from(rules).where(eq(rules.enabled, true));
  const activeSilences = await ctx.db.select().from(silences).where(gt(silences.until, now));
  for (const rule of enabled) {
    summary.rules++;
    try {
      await evaluateOne(ctx, rule, activeSilences, deps, summary);
    } catch (error) {
      summary.failed++;
      log.error("rule evaluation failed", { rule: rule.name, error });
    }
  }
  // incidents of rules that were disabled or deleted resolve quietly
  await ctx.db
    .update(incidents)
    .set({ state: "resolved", resolvedAt: now })
    .where(
      and(
        ne(incidents.state, "resolved"),
        or(
          isNull(incidents.ruleId),
          inArray(
            incidents.ruleId,
            ctx.db.select({ id: rules.id }).from(rules).where(eq(rules.enabled, false)),
          ),
        ),
      ),
    );
  return summary;
}

async function evaluateOne(
  ctx: Ctx,
  rule: Rule,
  activeSilences: readonly Silence[],
  deps: { restarter: Restarter; settings: EvaluateSettings },
  summary: EvaluateSummary,
): Promise<void> {
  const { settings } = deps;
  const now = ctx.clock.now();
  const measurements = await measureRule(ctx.db, rule, now);
  const breaches = evaluateRule(
    { kind: rule.kind, params: rule.params } as KindParams,
    measurements,
  );
  const open = await ctx.db
    .select()
    .from(incidents)
    .where(and(eq(incidents.ruleId, rule.id), ne(incidents.state, "resolved")));
  const byFingerprint = new Map<
    string,
    { target: Target; breach: Breach | null; open: Incident | null }
  >();
  for (const breach of breaches) {
    byFingerprint.set(incidentFingerprint(rule.id, breach), { target: breach, breach, open: null });
  }
  for (const incident of open) {
    const entry = byFingerprint.get(incident.fingerprint);
    if (entry) entry.open = incident;
    else {
      const target: Target = {
        appId: incident.appId ?? "",
        appName: incident.appName,
        dynoType: incident.dynoType,
        dyno: incident.dyno,
      };
      byFingerprint.set(incident.fingerprint, { target, breach: null, open: incident });
    }
  }
  const forSeconds = Number((rule.params as { forSeconds?: number }).forSeconds ?? 0);
  for (const { target, breach, open: incident } of byFingerprint.values()) {
    const silenced = isSilenced(activeSilences, rule, target);
    const result = step({
      incident: incident
        ? {
            state: incident.state === "pending" ? "pending" : "firing",
            openedAt: incident.openedAt,
            lastNotifiedAt: incident.lastNotifiedAt,
            notificationsSent: incident.notificationsSent,
            acknowledged: incident.acknowledgedAt !== null,
          }
        : null,
      breaching: breach !== null,
      now,
      forSeconds,
      repeatIntervalSeconds: rule.repeatIntervalSeconds ?? settings.repeatIntervalSeconds,
      maxRepeats: settings.maxRepeatNotifications,
      silenced,
    });
    const applied = await applyStep(ctx, rule, target, breach, incident, result, settings);
    if (applied.opened) summary.opened++;
    if (applied.resolved) summary.resolved++;
    if (applied.notified) summary.notices++;
    // only the evaluator whose step landed acts on it
    const landed = applied.incident !== null && (applied.opened || applied.incident !== incident);
    if (result.act && landed && rule.action !== "none" && applied.incident && breach) {
      const outcome = await requestRestart(ctx, deps.restarter, {
        kind: rule.action,
        appId: target.appId,
        appName: target.appName,
        dynoType: target.dynoType,
        dyno: target.dyno,
        incidentId: applied.incident.id,
        ruleId: rule.id,
        ruleKind: rule.kind,
        code: rule.kind === "error_code" ? breach.code : null,
        threshold: rule.kind === "memory" ? breach.threshold : null,
        dryRun: rule.dryRun,
        coolingSeconds:
          rule.restartCoolingSeconds ??
          (rule.action === "restart_app"
            ? settings.appRestartCoolingSeconds
            : settings.dynoRestartCoolingSeconds),
        maxPerHour: settings.maxRestartsPerHour,
      });
      if (outcome.status === "performed") summary.restarts++;
      await ctx.db.transaction(async (tx) => {
        if (outcome.status === "performed") {
          await tx
            .update(incidents)
            .set({ restarts: sql`${incidents.restarts} + 1` })
            .where(eq(incidents.id, applied.incident?.id ?? ""));
        }
        await timeline(tx, applied.incident?.id ?? "", now, "action", outcome.reason, {
          status: outcome.status,
          actionId: outcome.action.id,
        });
        // past the loop guard a person has to look: say so once an hour
        if (outcome.status === "skipped_loop_guard" && applied.incident) {
          const alert = notice("repeat", rule, applied.incident, breach, settings);
          alert.action = { kind: rule.action, outcome: outcome.status, detail: outcome.reason };
          const hour = Math.floor(now.getTime() / 3600_000);
          await queueNotice(
            tx,
            rule,
            applied.incident.id,
            alert,
            `${applied.incident.id}:loop-guard:${hour}`,
            settings,
            now,
          );
        }
      });
    }
  }
}

/** Apps by id, for pages. */
export async function appNames(db: Executor): Promise<Map<string, string>> {
  const rows = await db.select({ id: apps.id, name: apps.name }).from(apps);
  return new Map(rows.map((r) => [r.id, r.name]));
}
