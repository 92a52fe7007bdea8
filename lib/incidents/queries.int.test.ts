// The Incidents, Outbox and Activity reads on the real database (PGlite or Postgres): ordering,
// filters, keyset pages, and the merged timeline of one incident.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installDbHandle } from "@/lib/db/client";
import {
  type Action,
  actions,
  apps,
  type Incident,
  incidentEvents,
  incidents,
  type Notification,
  notifications,
  rules,
  silences,
} from "@/lib/db/schema";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { uniqueSuffix } from "@/lib/testing/factories";
import {
  countOpenIncidentsByApp,
  getIncident,
  getOutboxMessage,
  type IncidentFilters,
  listActiveSilences,
  listIncidentAppNames,
  listIncidents,
  listOutbox,
  listRestarts,
  parseIncidentFilters,
  parseOutboxFilters,
} from "./queries";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  installDbHandle(database);
});
afterAll(async () => {
  installDbHandle(undefined);
  await database.close();
});

const T0 = new Date("2026-10-01T08:00:00Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

async function createApp(): Promise<{ id: string; name: string }> {
  const name = `q-${uniqueSuffix()}`;
  const [app] = await database.db
    .insert(apps)
    .values({ herokuId: name, name, firstSeenAt: T0, lastSyncedAt: T0 })
    .returning();
  if (!app) throw new Error("no app");
  return app;
}

async function createIncident(
  app: { id: string; name: string },
  values: Partial<Incident> = {},
): Promise<Incident> {
  const [incident] = await database.db
    .insert(incidents)
    .values({
      ruleName: "R14 on web",
      kind: "error_code",
      fingerprint: `q:${uniqueSuffix()}`,
      appId: app.id,
      appName: app.name,
      dynoType: "web",
      code: "R14",
      state: "firing",
      openedAt: T0,
      lastSeenAt: T0,
      summary: "R14 seen 4 times",
      ...values,
    })
    .returning();
  if (!incident) throw new Error("no incident");
  return incident;
}

async function createNotification(values: Partial<Notification>): Promise<Notification> {
  const [row] = await database.db
    .insert(notifications)
    .values({
      channel: "email",
      type: "firing",
      recipients: ["oncall@example.com"],
      subject: `[Dyno Monitor] R14 ${uniqueSuffix()}`,
      body: { html: "<p>R14 <script>alert(1)</script></p>", text: "R14 on web.1\n4 in 300 s" },
      idempotencyKey: `q-${uniqueSuffix()}`,
      nextAttemptAt: T0,
      createdAt: T0,
      ...values,
    })
    .returning();
  if (!row) throw new Error("no notification");
  return row;
}

async function createAction(values: Partial<Action> & { appName: string }): Promise<Action> {
  const [row] = await database.db
    .insert(actions)
    .values({
      kind: "restart_dyno",
      target: "web.1",
      status: "performed",
      reason: "Restarted web.1.",
      actorLabel: "evaluate-rules",
      requestedAt: T0,
      ...values,
    })
    .returning();
  if (!row) throw new Error("no action");
  return row;
}

const filters = (values: Partial<IncidentFilters>): IncidentFilters => ({
  state: "all",
  ...values,
});

describe("listIncidents", () => {
  it("lists open incidents first, then resolved ones, newest opened first within each", async () => {
    const app = await createApp();
    const oldFiring = await createIncident(app, { openedAt: at(1) });
    const newResolved = await createIncident(app, {
      state: "resolved",
      openedAt: at(50),
      resolvedAt: at(55),
    });
    const pending = await createIncident(app, { state: "pending", openedAt: at(20) });
    const oldResolved = await createIncident(app, {
      state: "resolved",
      openedAt: at(0),
      resolvedAt: at(5),
    });
    const newFiring = await createIncident(app, { openedAt: at(30) });

    const all = await listIncidents(filters({ app: app.name }));
    expect(all.rows.map((r) => r.id)).toEqual([
      newFiring.id,
      pending.id,
      oldFiring.id,
      newResolved.id,
      oldResolved.id,
    ]);
    expect(all.next).toBeNull();
    expect(all.rows[0]).toMatchObject({ state: "firing", openedAt: at(30).toISOString() });

    const open = await listIncidents(filters({ state: "open", app: app.name }));
    expect(open.rows.map((r) => r.id)).toEqual([newFiring.id, pending.id, oldFiring.id]);
    const resolved = await listIncidents(filters({ state: "resolved", app: app.name }));
    expect(resolved.rows.map((r) => r.id)).toEqual([newResolved.id, oldResolved.id]);
  });

  it("pages through every incident once, across the open/resolved boundary and equal times", async () => {
    const app = await createApp();
    const made = [
      await createIncident(app, { openedAt: at(10) }),
      await createIncident(app, { openedAt: at(10) }),
      await createIncident(app, { state: "pending", openedAt: at(5) }),
      await createIncident(app, { state: "resolved", openedAt: at(40), resolvedAt: at(41) }),
      await createIncident(app, { state: "resolved", openedAt: at(40), resolvedAt: at(42) }),
      await createIncident(app, { state: "resolved", openedAt: at(2), resolvedAt: at(3) }),
    ];
    const seen: string[] = [];
    let before: string | undefined;
    for (let page = 0; page < 10; page++) {
      const result = await listIncidents(filters({ app: app.name, before }), { limit: 2 });
      seen.push(...result.rows.map((r) => r.id));
      if (!result.next) break;
      before = result.next;
      // the cursor survives the URL round trip
      expect(parseIncidentFilters({ before }).before).toBe(before);
    }
    expect(seen).toHaveLength(made.length);
    expect(new Set(seen)).toEqual(new Set(made.map((m) => m.id)));
    const states = seen.map((id) => made.find((m) => m.id === id)?.state);
    expect(states.slice(0, 3).every((s) => s !== "resolved")).toBe(true);
    expect(states.slice(3).every((s) => s === "resolved")).toBe(true);
  });

  it("counts each incident's notices by status", async () => {
    const app = await createApp();
    const incident = await createIncident(app);
    await createNotification({ incidentId: incident.id, status: "sent", sentAt: T0 });
    await createNotification({ incidentId: incident.id, status: "held" });
    await createNotification({ incidentId: incident.id, status: "held", type: "repeat" });
    const [row] = (await listIncidents(filters({ app: app.name }))).rows;
    expect(row?.notices).toEqual({ total: 3, sent: 1, held: 2, pending: 0, failed: 0 });
  });
});

describe("parseIncidentFilters", () => {
  it.each([
    [{}, { state: "open" }],
    [
      { state: "resolved", app: "shop-prod" },
      { state: "resolved", app: "shop-prod" },
    ],
    [{ state: ["all", "open"] }, { state: "all" }],
    [
      { state: "bogus", app: "" },
      { state: "open", app: undefined },
    ],
    [{ before: "2.123.not-a-cursor" }, { state: "open", before: undefined }],
  ])("reads %j as %j", (params, expected) => {
    expect(parseIncidentFilters(params)).toMatchObject(expected);
  });
});

describe("countOpenIncidentsByApp and listIncidentAppNames", () => {
  it("counts pending and firing incidents per app, ignoring resolved ones", async () => {
    const app = await createApp();
    await createIncident(app);
    await createIncident(app);
    await createIncident(app, { state: "pending" });
    await createIncident(app, { state: "resolved", resolvedAt: T0 });
    const counts = await countOpenIncidentsByApp();
    expect(counts.find((c) => c.appId === app.id)).toEqual({
      appId: app.id,
      appName: app.name,
      pending: 1,
      firing: 2,
    });
    expect(await listIncidentAppNames()).toContain(app.name);
  });
});

describe("getIncident", () => {
  it("merges events, deliveries and restarts the timeline does not mention, oldest first", async () => {
    const app = await createApp();
    const incident = await createIncident(app, { openedAt: at(0), firingAt: at(0) });
    const mentioned = await createAction({
      incidentId: incident.id,
      appId: app.id,
      appName: app.name,
      requestedAt: at(0),
      before: { memoryPercent: 120, errorRate: 0.8, r14: 4 },
      after5: { memoryPercent: 40, errorRate: 0, r14: 0 },
      after15: { memoryPercent: 45, errorRate: 0, r14: 0 },
      helped: true,
      helpedReason: "memory peaked at 45 % (< 100 %) with no R14 after",
    });
    const byHand = await createAction({
      incidentId: incident.id,
      appId: app.id,
      appName: app.name,
      status: "skipped_cooling",
      reason: "Cooling period: restarted less than 300 s ago.",
      actorLabel: "ops@example.com",
      requestedAt: at(3),
    });
    // written in one instant, inserted out of order: the kind decides
    await database.db.insert(incidentEvents).values([
      { incidentId: incident.id, at: at(0), kind: "notified", message: "Alert queued." },
      {
        incidentId: incident.id,
        at: at(0),
        kind: "action",
        message: "Restarted web.1.",
        detail: { status: "performed", actionId: mentioned.id },
      },
      { incidentId: incident.id, at: at(0), kind: "opened", message: "Opened: R14 seen 4 times" },
      { incidentId: incident.id, at: at(10), kind: "resolved", message: "Resolved." },
    ]);
    const firing = await createNotification({
      incidentId: incident.id,
      status: "sent",
      createdAt: at(0),
      sentAt: at(1),
      attempts: 1,
      providerId: "re_123",
    });
    const resolved = await createNotification({
      incidentId: incident.id,
      type: "resolved",
      status: "failed",
      attempts: 8,
      lastError: "422 invalid recipient",
      createdAt: at(10),
    });

    const detail = await getIncident(incident.id, at(11));
    expect(detail?.timeline.map((e) => [e.source, e.kind])).toEqual([
      ["event", "opened"],
      ["event", "notified"],
      ["event", "action"],
      ["notification", "notice_sent"],
      ["action", "restart_skipped_cooling"],
      ["event", "resolved"],
      ["notification", "notice_failed"],
    ]);
    const messages = detail?.timeline.map((e) => e.message) ?? [];
    expect(messages[3]).toBe(
      `Email “${firing.subject}” sent to oncall@example.com (provider id re_123).`,
    );
    expect(messages[4]).toBe("Cooling period: restarted less than 300 s ago. (ops@example.com)");
    expect(messages[6]).toBe(
      `Email “${resolved.subject}” failed after 8 attempts: 422 invalid recipient`,
    );
    expect(detail?.restarts.map((r) => r.id)).toEqual([mentioned.id, byHand.id]);
    expect(detail?.restarts[0]).toMatchObject({
      helped: true,
      before: { memoryPercent: 120 },
      after15: { memoryPercent: 45 },
    });
    expect(detail?.notifications.map((n) => [n.id, n.status])).toEqual([
      [firing.id, "sent"],
      [resolved.id, "failed"],
    ]);
    expect(detail?.incident.notices).toMatchObject({ total: 2, sent: 1, failed: 1 });
  });

  it("hands over the text body of each email and never its HTML", async () => {
    const app = await createApp();
    const incident = await createIncident(app);
    await createNotification({ incidentId: incident.id, status: "held" });
    const detail = await getIncident(incident.id, T0);
    expect(detail?.notifications[0]?.text).toBe("R14 on web.1\n4 in 300 s");
    expect(JSON.stringify(detail)).not.toContain("<script>");
  });

  it("lists the silences in force that cover the incident", async () => {
    const app = await createApp();
    const other = await createApp();
    const [rule] = await database.db
      .insert(rules)
      .values({
        name: `r-${uniqueSuffix()}`,
        kind: "error_code",
        appId: app.id,
        params: {},
        channels: ["email"],
        recipients: [],
      })
      .returning();
    const incident = await createIncident(app, { ruleId: rule?.id });
    const silence = (values: Partial<typeof silences.$inferInsert>) => ({
      until: at(60),
      reason: "r",
      createdBy: "ops@example.com",
      createdAt: T0,
      ...values,
    });
    const made = await database.db
      .insert(silences)
      .values([
        silence({ appId: app.id, reason: "whole app" }),
        silence({ appId: app.id, dynoType: "web", ruleId: rule?.id, reason: "exact" }),
        silence({ appId: app.id, dynoType: "worker", reason: "other dyno type" }),
        silence({ appId: other.id, reason: "other app" }),
        silence({ appId: app.id, until: at(-1), reason: "ended" }),
      ])
      .returning();
    const detail = await getIncident(incident.id, T0);
    expect(detail?.silences.map((s) => s.reason).sort()).toEqual(["exact", "whole app"]);
    const active = await listActiveSilences(T0);
    const mine = active.filter((s) => made.some((m) => m.id === s.id));
    expect(mine.map((s) => s.reason).sort()).toEqual([
      "exact",
      "other app",
      "other dyno type",
      "whole app",
    ]);
    expect(mine.find((s) => s.reason === "exact")).toMatchObject({
      appName: app.name,
      ruleName: rule?.name,
      dynoType: "web",
    });
  });

  it("answers null for an unknown or malformed id", async () => {
    expect(await getIncident("00000000-0000-4000-8000-000000000000", T0)).toBeNull();
    expect(await getIncident("not-an-id", T0)).toBeNull();
  });
});

describe("listOutbox", () => {
  it("lists notifications newest first, filters by status, pages, and opens one's text body", async () => {
    const base = new Date("2031-01-01T00:00:00Z");
    const made: Notification[] = [];
    for (let i = 0; i < 5; i++) {
      made.push(
        await createNotification({
          status: i % 2 === 0 ? "held" : "sent",
          createdAt: new Date(base.getTime() + i * 1000),
        }),
      );
    }
    const page = await listOutbox({ status: "all" }, { limit: 3 });
    expect(page.rows.map((r) => r.id)).toEqual([made[4]?.id, made[3]?.id, made[2]?.id]);
    expect(page.rows[0]).not.toHaveProperty("body");
    const rest = await listOutbox({ status: "all", before: page.next ?? "" }, { limit: 2 });
    expect(rest.rows.map((r) => r.id)).toEqual([made[1]?.id, made[0]?.id]);

    const held = await listOutbox({ status: "held" }, { limit: 3 });
    expect(held.rows.map((r) => r.id)).toEqual([made[4]?.id, made[2]?.id, made[0]?.id]);

    const message = await getOutboxMessage(made[0]?.id ?? "");
    expect(message).toMatchObject({ subject: made[0]?.subject, text: "R14 on web.1\n4 in 300 s" });
    expect(message).not.toHaveProperty("body");
    expect(await getOutboxMessage("nope")).toBeNull();
    expect(parseOutboxFilters({ status: "weird", view: made[0]?.id })).toEqual({
      status: "all",
      before: undefined,
      view: made[0]?.id,
    });
  });

  it("shows a provider's answer and error with every URL masked, even in rows stored unmasked", async () => {
    const leaked = "https://hooks.example.com/services/T1/B1/xoxPATHSECRET?token=q-secret-1";
    const row = await createNotification({
      status: "failed",
      createdAt: new Date("2031-02-01T00:00:00Z"),
      lastError: `The webhook endpoint https://hooks.example.com answered 400: bad request to ${leaked}`,
      providerResponse: `{"echo":"${leaked}"}`,
    });
    const page = await listOutbox({ status: "failed" }, { limit: 50 });
    const listed = page.rows.find((r) => r.id === row.id);
    const message = await getOutboxMessage(row.id);
    for (const shown of [listed, message]) {
      expect(shown?.lastError).toBe(
        "The webhook endpoint https://hooks.example.com answered 400: bad request to https://hooks.example.com/•••?token=•••",
      );
      expect(shown?.providerResponse).toBe('{"echo":"https://hooks.example.com/•••?token=•••"}');
    }
  });
});

describe("listRestarts", () => {
  it("lists restarts newest first with their measures and verdict, page by page", async () => {
    const app = await createApp();
    const base = new Date("2031-06-01T00:00:00Z");
    const older = await createAction({
      appId: app.id,
      appName: app.name,
      requestedAt: base,
      helped: false,
      helpedReason: "memory back at 110 % (≥ 100 %)",
    });
    const newer = await createAction({
      appId: app.id,
      appName: app.name,
      status: "skipped_loop_guard",
      requestedAt: new Date(base.getTime() + 60_000),
    });
    const first = await listRestarts({ limit: 1 });
    expect(first.rows.map((r) => r.id)).toEqual([newer.id]);
    const second = await listRestarts({ limit: 1, before: first.next ?? "" });
    expect(second.rows[0]).toMatchObject({
      id: older.id,
      helped: false,
      helpedReason: "memory back at 110 % (≥ 100 %)",
      requestedAt: base.toISOString(),
    });
  });
});

describe("ended silences", () => {
  it("are not listed as active", async () => {
    const app = await createApp();
    const [row] = await database.db
      .insert(silences)
      .values({ appId: app.id, until: T0, reason: "done", createdBy: "x", createdAt: at(-10) })
      .returning();
    const active = await listActiveSilences(T0);
    expect(active.some((s) => s.id === row?.id)).toBe(false);
    await database.db
      .update(silences)
      .set({ until: at(5) })
      .where(eq(silences.id, row?.id ?? ""));
    expect((await listActiveSilences(T0)).some((s) => s.id === row?.id)).toBe(true);
  });
});
