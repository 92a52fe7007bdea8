// Acknowledge, silence, end a silence and retry an email, on the real database (PGlite or
// Postgres). The repeat and resolved notices are checked through the real evaluate-rules job.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAuditEvents } from "@/lib/audit";
import { toUserActor } from "@/lib/auth/service";
import { manualClock } from "@/lib/clock";
import type { UserActor } from "@/lib/context";
import {
  apps,
  type Incident,
  incidentEvents,
  incidents,
  notifications,
  type Rule,
  rules,
  silences,
} from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { storeLines } from "@/lib/ingest/store";
import { enqueueNotification } from "@/lib/notify/outbox";
import type { Restarter } from "@/lib/remediation";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { createTestRule, createTestUser, testCtx, uniqueSuffix } from "@/lib/testing/factories";
import { type EvaluateSettings, evaluateRules } from "./evaluate";
import { acknowledgeIncident, endSilence, retryOutboxNotification, silenceTarget } from "./service";

let database: TestDatabase;
let admin: UserActor;

const START = new Date("2026-12-01T09:00:00Z");
const settings: EvaluateSettings = {
  repeatIntervalSeconds: 300,
  maxRepeatNotifications: 10,
  dynoRestartCoolingSeconds: 300,
  appRestartCoolingSeconds: 300,
  maxRestartsPerHour: 3,
  recipients: ["oncall@example.com"],
  smsRecipients: [],
  webhookEndpoints: [],
  consoleUrl: "http://console.test",
};
// rules here have no action, so evaluateRules never restarts anything
const noRestarts: Restarter = {
  restartDyno: async () => {
    throw new Error("no restart expected");
  },
  restartProcessType: async () => {
    throw new Error("no restart expected");
  },
  restartApp: async () => {
    throw new Error("no restart expected");
  },
};

beforeAll(async () => {
  database = await createTestDatabase();
  admin = toUserActor(await createTestUser(database.db, { role: "admin" }));
});
afterAll(async () => {
  await database.close();
});

async function createApp(): Promise<{ id: string; name: string }> {
  const name = `svc-${uniqueSuffix()}`;
  const [app] = await database.db
    .insert(apps)
    .values({ herokuId: name, name, firstSeenAt: START, lastSyncedAt: START })
    .returning();
  if (!app) throw new Error("no app");
  return app;
}

function createRule(appId: string, values: Partial<Rule> = {}): Promise<Rule> {
  return createTestRule(database.db, appId, values);
}

async function createIncident(values: Partial<Incident> = {}): Promise<Incident> {
  const app = values.appId ? { id: values.appId, name: values.appName ?? "" } : await createApp();
  const rule = await createRule(app.id, { enabled: false });
  const [incident] = await database.db
    .insert(incidents)
    .values({
      ruleId: rule.id,
      ruleName: rule.name,
      kind: "error_code",
      fingerprint: `${rule.id}:${uniqueSuffix()}`,
      appId: app.id,
      appName: app.name,
      dynoType: "web",
      dyno: null,
      code: "R14",
      state: "firing",
      openedAt: START,
      firingAt: START,
      lastSeenAt: START,
      summary: "R14 seen 4 times in 5 min on web",
      ...values,
    })
    .returning();
  if (!incident) throw new Error("no incident");
  return incident;
}

const r14 = (at: Date, dyno: string) =>
  `${at.toISOString().replace("Z", "000+00:00")} heroku[${dyno}]: Error R14 (Memory quota exceeded)`;

async function timelineOf(incidentId: string) {
  return database.db.select().from(incidentEvents).where(eq(incidentEvents.incidentId, incidentId));
}

async function expectAppError(promise: Promise<unknown>, code: string, pattern?: RegExp) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
  if (pattern) expect((error as AppError).message).toMatch(pattern);
  return error as AppError;
}

describe("acknowledgeIncident", () => {
  it("records who acknowledged a firing incident, on its timeline and in the audit trail", async () => {
    const incident = await createIncident();
    const clock = manualClock(new Date(START.getTime() + 120_000));
    const acknowledged = await acknowledgeIncident(
      testCtx(database.db, { clock, actor: admin }),
      incident.id,
    );
    expect(acknowledged.acknowledgedAt).toEqual(clock.now());
    expect(acknowledged.acknowledgedBy).toBe(admin.email);
    const timeline = await timelineOf(incident.id);
    expect(timeline).toMatchObject([
      { kind: "acknowledged", message: expect.stringContaining(admin.email) },
    ]);
    const audit = await listAuditEvents(database.db, { action: "incident.acknowledged" });
    expect(audit.find((e) => e.detail?.incidentId === incident.id)).toMatchObject({
      actorLabel: admin.email,
      actorType: "user",
      target: `${incident.appName} web · ${incident.ruleName}`,
    });
  });

  it.each([
    ["pending", {}, /still pending/],
    ["resolved", { resolvedAt: START }, /resolved/],
  ] as const)("refuses a %s incident", async (state, extra, message) => {
    const incident = await createIncident({ state, ...extra });
    await expectAppError(
      acknowledgeIncident(testCtx(database.db, { actor: admin }), incident.id),
      "conflict",
      message,
    );
    expect(await timelineOf(incident.id)).toEqual([]);
  });

  it("refuses a second acknowledgement and keeps the first one's name", async () => {
    const incident = await createIncident();
    const ctx = testCtx(database.db, { actor: admin });
    await acknowledgeIncident(ctx, incident.id);
    const other = toUserActor(await createTestUser(database.db, { role: "admin" }));
    await expectAppError(
      acknowledgeIncident(testCtx(database.db, { actor: other }), incident.id),
      "conflict",
      new RegExp(`${admin.email} acknowledged`),
    );
    const [stored] = await database.db
      .select()
      .from(incidents)
      .where(eq(incidents.id, incident.id));
    expect(stored?.acknowledgedBy).toBe(admin.email);
  });

  it("answers not found for an unknown id and a validation error for a malformed one", async () => {
    const ctx = testCtx(database.db, { actor: admin });
    await expectAppError(
      acknowledgeIncident(ctx, "00000000-0000-4000-8000-000000000000"),
      "not_found",
    );
    const invalid = await expectAppError(acknowledgeIncident(ctx, "nope"), "validation");
    expect(invalid.fields?.incidentId).toEqual(["Unknown incident."]);
  });

  it("stops reminders of a breach that keeps firing", async () => {
    const app = await createApp();
    const rule = await createRule(app.id);
    const clock = manualClock(START);
    const ctx = testCtx(database.db, { clock, actor: admin });
    const breach = async () =>
      storeLines(database.db, {
        appId: app.id,
        lines: [5, 15, 25].map((s) => r14(new Date(clock.now().getTime() - s * 1000), "web.1")),
      });
    await breach();
    expect(await evaluateRules(ctx, { restarter: noRestarts, settings })).toMatchObject({
      opened: 1,
      notices: 1,
    });
    const [incident] = await database.db
      .select()
      .from(incidents)
      .where(eq(incidents.ruleId, rule.id));
    if (!incident) throw new Error("no incident");

    // without the acknowledgement this evaluation would send reminder 1
    await acknowledgeIncident(ctx, incident.id);
    clock.advance(6 * 60_000);
    await breach();
    expect(await evaluateRules(ctx, { restarter: noRestarts, settings })).toMatchObject({
      notices: 0,
    });
    const sent = await database.db
      .select({ type: notifications.type })
      .from(notifications)
      .where(eq(notifications.incidentId, incident.id));
    expect(sent.map((n) => n.type)).toEqual(["firing"]);
    const [still] = await database.db.select().from(incidents).where(eq(incidents.id, incident.id));
    expect(still).toMatchObject({ state: "firing", notificationsSent: 1 });
    await database.db.update(rules).set({ enabled: false }).where(eq(rules.id, rule.id));
  });
});

describe("silenceTarget", () => {
  it("from an incident, silences that incident's app, dyno type and rule until now + minutes", async () => {
    const incident = await createIncident({ dyno: "web.2" });
    const clock = manualClock(START);
    const silence = await silenceTarget(testCtx(database.db, { clock, actor: admin }), {
      incidentId: incident.id,
      appId: "",
      dynoType: "",
      ruleId: "",
      minutes: "60",
      reason: "  deploying a fix  ",
    });
    expect(silence).toMatchObject({
      appId: incident.appId,
      dynoType: "web",
      ruleId: incident.ruleId,
      until: new Date(START.getTime() + 3600_000),
      reason: "deploying a fix",
      createdBy: admin.email,
      createdAt: START,
    });
    expect(await timelineOf(incident.id)).toMatchObject([
      { kind: "silenced", message: `Silenced for 1 h by ${admin.email}: deploying a fix` },
    ]);
    const audit = await listAuditEvents(database.db, { action: "silence.created" });
    expect(audit.find((e) => e.detail?.incidentId === incident.id)).toMatchObject({
      actorLabel: admin.email,
      target: `${incident.appName} web.2 · ${incident.ruleName}`,
      detail: { for: "1 h", reason: "deploying a fix" },
    });
  });

  it("takes the incident's target over any target given beside it", async () => {
    const incident = await createIncident();
    const elsewhere = await createApp();
    const silence = await silenceTarget(testCtx(database.db, { actor: admin }), {
      incidentId: incident.id,
      appId: elsewhere.id,
      dynoType: "worker",
      minutes: 15,
      reason: "noisy",
    });
    expect(silence).toMatchObject({ appId: incident.appId, dynoType: "web" });
  });

  it("silences a target given directly, audited with its names; absent parts mean every one", async () => {
    const app = await createApp();
    const silence = await silenceTarget(testCtx(database.db, { actor: admin }), {
      appId: app.id,
      minutes: 1440,
      reason: "load test",
    });
    expect(silence).toMatchObject({ appId: app.id, dynoType: null, ruleId: null });
    const audit = await listAuditEvents(database.db, { action: "silence.created" });
    expect(audit.find((e) => e.target?.startsWith(app.name))).toMatchObject({
      target: `${app.name} · every dyno type · every rule`,
      detail: { for: "1 d" },
    });
  });

  it.each([
    [{ minutes: 4, reason: "x" }, "minutes", "Silence for at least 5 minutes."],
    [{ minutes: 10_081, reason: "x" }, "minutes", "Silence for at most 7 days (10080 minutes)."],
    [{ minutes: "soon", reason: "x" }, "minutes", "Choose how long to silence for."],
    [{ minutes: "0x10", reason: "x" }, "minutes", "Choose how long to silence for."],
    [{ minutes: true, reason: "x" }, "minutes", "Choose how long to silence for."],
    [
      { minutes: 15, reason: "deploying\u0000a fix" },
      "reason",
      "Contains a NUL character (U+0000), which cannot be stored: remove it.",
    ],
    [
      { minutes: 15, reason: "x", dynoType: "web\u0000" },
      "dynoType",
      "Contains a NUL character (U+0000), which cannot be stored: remove it.",
    ],
    [{ minutes: 7.5, reason: "x" }, "minutes", "Silence for a whole number of minutes."],
    [{ minutes: 15, reason: "   " }, "reason", "Say why, e.g. “deploying a fix”, so others know."],
    [{ minutes: 15 }, "reason", "Say why, e.g. “deploying a fix”, so others know."],
    [
      { minutes: 15, reason: "x", dynoType: "web 2" },
      "dynoType",
      "A dyno type is a process name such as web.",
    ],
    [{ minutes: 15, reason: "x", appId: "shop" }, "appId", "Unknown app."],
  ])("refuses %j with a message on %s", async (input, field, message) => {
    const error = await expectAppError(
      silenceTarget(testCtx(database.db, { actor: admin }), input as never),
      "validation",
    );
    expect(error.fields?.[field]).toEqual([message]);
  });

  it("refuses an app or rule that does not exist, and an unknown incident", async () => {
    const ctx = testCtx(database.db, { actor: admin });
    const ghost = "00000000-0000-4000-8000-000000000000";
    const app = await expectAppError(
      silenceTarget(ctx, { appId: ghost, minutes: 15, reason: "x" }),
      "validation",
    );
    expect(app.fields?.appId).toEqual(["That app is not watched."]);
    const rule = await expectAppError(
      silenceTarget(ctx, { ruleId: ghost, minutes: 15, reason: "x" }),
      "validation",
    );
    expect(rule.fields?.ruleId).toEqual(["That rule does not exist."]);
    await expectAppError(
      silenceTarget(ctx, { incidentId: ghost, minutes: 15, reason: "x" }),
      "not_found",
    );
  });

  it("mutes the resolved notice of the incident it was made from", async () => {
    const app = await createApp();
    const rule = await createRule(app.id);
    const clock = manualClock(new Date(START.getTime() + 86_400_000));
    const ctx = testCtx(database.db, { clock, actor: admin });
    await storeLines(database.db, {
      appId: app.id,
      lines: [5, 15, 25].map((s) => r14(new Date(clock.now().getTime() - s * 1000), "web.1")),
    });
    await evaluateRules(ctx, { restarter: noRestarts, settings });
    const [incident] = await database.db
      .select()
      .from(incidents)
      .where(eq(incidents.ruleId, rule.id));
    if (!incident) throw new Error("no incident");
    await silenceTarget(ctx, { incidentId: incident.id, minutes: 60, reason: "known issue" });

    clock.advance(10 * 60_000);
    expect(await evaluateRules(ctx, { restarter: noRestarts, settings })).toMatchObject({
      resolved: 1,
      notices: 0,
    });
    const sent = await database.db
      .select({ type: notifications.type })
      .from(notifications)
      .where(eq(notifications.incidentId, incident.id));
    expect(sent.map((n) => n.type)).toEqual(["firing"]);
    await database.db.update(rules).set({ enabled: false }).where(eq(rules.id, rule.id));
  });
});

describe("endSilence", () => {
  it("ends a silence now, keeps it as history, audits it, and refuses to end it twice", async () => {
    const app = await createApp();
    const clock = manualClock(START);
    const ctx = testCtx(database.db, { clock, actor: admin });
    const silence = await silenceTarget(ctx, { appId: app.id, minutes: 60, reason: "deploy" });
    clock.advance(10 * 60_000);
    const ended = await endSilence(ctx, silence.id);
    expect(ended.until).toEqual(clock.now());
    const [stored] = await database.db.select().from(silences).where(eq(silences.id, silence.id));
    expect(stored?.until).toEqual(clock.now());
    const audit = await listAuditEvents(database.db, { action: "silence.ended" });
    expect(audit.find((e) => e.detail?.silenceId === silence.id)).toMatchObject({
      target: `${app.name} · every dyno type · every rule`,
      actorLabel: admin.email,
    });
    await expectAppError(endSilence(ctx, silence.id), "conflict", /ended already/);
    await expectAppError(endSilence(ctx, "00000000-0000-4000-8000-000000000000"), "not_found");
  });
});

describe("retryOutboxNotification", () => {
  it("puts a held email back in line and refuses one that was sent", async () => {
    const incident = await createIncident();
    const key = `retry-${uniqueSuffix()}`;
    await enqueueNotification(
      database.db,
      {
        incidentId: incident.id,
        channel: "email",
        recipients: ["oncall@example.com"],
        idempotencyKey: key,
        notice: {
          type: "firing",
          incident: { id: incident.id, url: "http://x", state: "firing", openedAt: START },
          rule: { id: incident.ruleId ?? "", name: incident.ruleName, kind: "error_code" },
          target: { app: incident.appName, dynoType: "web" },
          observed: { count: 4 },
          summary: incident.summary,
          consoleUrl: "http://console.test",
        },
      },
      START,
    );
    const [row] = await database.db
      .update(notifications)
      .set({ status: "held", lastError: "Not sent: RESEND_API_KEY is not set." })
      .where(eq(notifications.idempotencyKey, key))
      .returning();
    if (!row) throw new Error("no notification");
    const clock = manualClock(new Date(START.getTime() + 3600_000));
    const ctx = testCtx(database.db, { clock, actor: admin });
    await retryOutboxNotification(ctx, row.id);
    const [queued] = await database.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.id, row.id), eq(notifications.status, "pending")));
    expect(queued?.nextAttemptAt).toEqual(clock.now());
    const audit = await listAuditEvents(database.db, { action: "notification.retried" });
    expect(audit.find((e) => e.detail?.notificationId === row.id)?.target).toBe(row.subject);

    await database.db
      .update(notifications)
      .set({ status: "sent" })
      .where(eq(notifications.id, row.id));
    await expectAppError(retryOutboxNotification(ctx, row.id), "conflict", /this one is sent/);
  });
});
