import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAuditEvents } from "@/lib/audit";
import { toUserActor } from "@/lib/auth/service";
import { manualClock } from "@/lib/clock";
import { apps, dynos, formations, rules } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { createTestUser, testCtx, uniqueSuffix } from "@/lib/testing/factories";
import {
  formValuesToRuleInput,
  ruleEditFormSchema,
  ruleFormSchema,
  ruleToFormValues,
} from "./form";
import { createRule, deleteRule, getRule, listRules, updateRule } from "./service";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});

/** An app as discovery stores it: web ×2 and worker ×1 (plus a clock type scaled to 0). */
async function createApp(options: { status?: "active" | "gone" } = {}) {
  const now = new Date();
  const [app] = await database.db
    .insert(apps)
    .values({
      herokuId: `heroku-${uniqueSuffix()}`,
      name: `shop-${uniqueSuffix()}`,
      status: options.status ?? "active",
      firstSeenAt: now,
      lastSyncedAt: now,
    })
    .returning();
  if (!app) throw new Error("no app");
  await database.db.insert(formations).values(
    [
      ["web", 2],
      ["worker", 1],
      ["clock", 0],
    ].map(([type, quantity]) => ({
      appId: app.id,
      type: String(type),
      size: "standard-1x",
      quantity: Number(quantity),
      memoryQuotaMb: 512,
      syncedAt: now,
    })),
  );
  await database.db.insert(dynos).values(
    ["web.1", "web.2", "worker.1"].map((name) => ({
      appId: app.id,
      name,
      herokuId: `dyno-${uniqueSuffix()}`,
      type: name.split(".")[0] ?? "",
      state: "up",
      syncedAt: now,
    })),
  );
  return app;
}

const r14 = (app: string | null, extra: Record<string, unknown> = {}) => ({
  name: `R14 on web ${uniqueSuffix()}`,
  kind: "error_code",
  app,
  dynoType: "web",
  params: { code: "R14", leastCount: 3, windowSeconds: 300 },
  action: "restart_dyno",
  ...extra,
});

async function fieldErrors(promise: Promise<unknown>): Promise<Record<string, string[]>> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe("validation");
  return (error as AppError).fields ?? {};
}

async function adminCtx() {
  const admin = await createTestUser(database.db, { role: "admin" });
  return testCtx(database.db, {
    actor: toUserActor(admin),
    clock: manualClock("2026-03-02T09:00:00Z"),
  });
}

describe("createRule", () => {
  it("stores the rule with its app and returns it as a RuleView, audited", async () => {
    const app = await createApp();
    const ctx = await adminCtx();
    const rule = await createRule({ ctx, input: r14(app.name) });
    expect(rule).toMatchObject({
      kind: "error_code",
      app: app.name,
      appId: app.id,
      dynoType: "web",
      dyno: null,
      params: { code: "R14", leastCount: 3, windowSeconds: 300 },
      channels: ["email"],
      recipients: [],
      action: "restart_dyno",
      enabled: true,
      dryRun: false,
      createdAt: "2026-03-02T09:00:00.000Z",
    });
    const [row] = await database.db.select().from(rules).where(eq(rules.id, rule.id));
    expect(row?.createdBy).toBe(ctx.actor.type === "user" ? ctx.actor.id : "");
    const audit = await listAuditEvents(database.db, { action: "rule.create" });
    expect(audit.find((e) => e.target === rule.name)).toMatchObject({
      actorLabel: ctx.actor.type === "user" ? ctx.actor.email : "",
      detail: { id: rule.id, kind: "error_code", app: app.name, action: "restart_dyno" },
    });
    expect(await getRule(ctx, rule.id)).toEqual(rule);
    expect((await listRules(ctx)).map((r) => r.id)).toContain(rule.id);
  });

  it("watches every app when no app is given, and fills the dyno type in from a dyno", async () => {
    const app = await createApp();
    const ctx = await adminCtx();
    const everywhere = await createRule({
      ctx,
      input: { name: "Crashes", kind: "crash", params: {} },
    });
    expect(everywhere).toMatchObject({ app: null, appId: null, params: { windowSeconds: 600 } });
    const oneDyno = await createRule({
      ctx,
      input: r14(app.name, { dynoType: null, dyno: "web.2" }),
    });
    expect(oneDyno).toMatchObject({ dynoType: "web", dyno: "web.2" });
  });

  it("answers an unknown app with a field error on app, and stores nothing", async () => {
    const ctx = await adminCtx();
    const name = `nope-${uniqueSuffix()}`;
    const input = r14(name);
    expect(await fieldErrors(createRule({ ctx, input }))).toEqual({
      app: [`No app named ${name} in this account.`],
    });
    expect(await database.db.select().from(rules).where(eq(rules.name, input.name))).toEqual([]);
    const audit = await listAuditEvents(database.db, { action: "rule.create" });
    expect(audit.some((e) => e.target === input.name)).toBe(false);
  });

  it("refuses an app that is gone from the account", async () => {
    const gone = await createApp({ status: "gone" });
    const ctx = await adminCtx();
    expect(Object.keys(await fieldErrors(createRule({ ctx, input: r14(gone.name) })))).toEqual([
      "app",
    ]);
  });

  it("lists the app's dyno types when the dyno type is unknown", async () => {
    const app = await createApp();
    const ctx = await adminCtx();
    expect(
      await fieldErrors(createRule({ ctx, input: r14(app.name, { dynoType: "api" }) })),
    ).toEqual({
      dynoType: [`${app.name} has no dyno type api; its dyno types are clock, web, worker.`],
    });
  });

  it("refuses a dyno that is not one of the app's", async () => {
    const app = await createApp();
    const ctx = await adminCtx();
    expect(await fieldErrors(createRule({ ctx, input: r14(app.name, { dyno: "web.7" }) }))).toEqual(
      { dyno: [`${app.name} has no dyno web.7; its web dynos are web.1, web.2.`] },
    );
    expect(
      await fieldErrors(createRule({ ctx, input: r14(null, { action: "none", dyno: "web.1" }) })),
    ).toEqual({ dyno: ["One dyno needs its app: pick the app, or leave the dyno empty."] });
  });

  it("reports every invalid field of the schema with its key", async () => {
    const ctx = await adminCtx();
    const fields = await fieldErrors(
      createRule({
        ctx,
        input: {
          name: " ",
          kind: "error_code",
          params: { code: "X99", leastCount: 0, windowSeconds: 300 },
          recipients: ["ops@example.com", "not-an-email"],
          channels: [],
        },
      }),
    );
    expect(fields).toEqual({
      name: ["Name the rule."],
      "params.code": ["An error code looks like H12, R14 or L10."],
      "params.leastCount": ["Least count must be at least 1"],
      "recipients.1": ["Each recipient is an email address or a phone number like +41793026727."],
      channels: ["Pick at least one channel."],
    });
    expect(await fieldErrors(createRule({ ctx, input: { name: "x", kind: "memory" } }))).toEqual({
      params: ["A memory rule needs params: percent, samples."],
    });
    expect(Object.keys(await fieldErrors(createRule({ ctx, input: { name: "x" } })))).toEqual([
      "kind",
    ]);
  });
});

describe("updateRule", () => {
  it("merges the patch, params included, and audits what changed", async () => {
    const app = await createApp();
    const ctx = await adminCtx();
    const created = await createRule({ ctx, input: r14(app.name) });
    const updated = await updateRule({
      ctx,
      id: created.id,
      patch: { params: { leastCount: 5 }, enabled: false },
    });
    expect(updated).toMatchObject({
      name: created.name,
      app: app.name,
      dynoType: "web",
      params: { code: "R14", leastCount: 5, windowSeconds: 300 },
      action: "restart_dyno",
      enabled: false,
    });
    const audit = await listAuditEvents(database.db, { action: "rule.update" });
    expect(audit.find((e) => e.target === created.name)?.detail).toEqual({
      id: created.id,
      changed: ["enabled", "params"],
    });
  });

  it("audits only the fields that changed, whatever order the stored params come back in", async () => {
    const app = await createApp();
    const ctx = await adminCtx();
    const created = await createRule({
      ctx,
      input: {
        name: `5xx ${uniqueSuffix()}`,
        kind: "http_5xx",
        app: app.name,
        dynoType: "web",
        params: { percent: 5, windowSeconds: 300, minRequests: 50 },
      },
    });
    await updateRule({ ctx, id: created.id, patch: { enabled: false } });
    const audit = await listAuditEvents(database.db, { action: "rule.update" });
    expect(audit.find((e) => e.target === created.name)?.detail).toEqual({
      id: created.id,
      changed: ["enabled"],
    });
  });

  it("needs the new kind's params when the kind changes, and drops the old ones", async () => {
    const app = await createApp();
    const ctx = await adminCtx();
    const created = await createRule({ ctx, input: r14(app.name) });
    expect(
      await fieldErrors(updateRule({ ctx, id: created.id, patch: { kind: "memory" } })),
    ).toEqual({ params: ["A memory rule needs params: percent, samples."] });
    const memory = await updateRule({
      ctx,
      id: created.id,
      patch: { kind: "memory", params: { percent: 95, samples: 3 } },
    });
    expect(memory).toMatchObject({ kind: "memory", params: { percent: 95, samples: 3 } });
    expect(memory.params).not.toHaveProperty("code");
  });

  it("checks the stored dyno type against a new app", async () => {
    const [first, second] = [await createApp(), await createApp()];
    const ctx = await adminCtx();
    const created = await createRule({ ctx, input: r14(first.name, { dynoType: "clock" }) });
    await database.db.delete(formations).where(eq(formations.appId, second.id));
    expect(
      await fieldErrors(updateRule({ ctx, id: created.id, patch: { app: second.name } })),
    ).toEqual({
      dynoType: [`${second.name} has no dyno type clock; its dyno types are web, worker.`],
    });
    const moved = await updateRule({
      ctx,
      id: created.id,
      patch: { app: second.name, dynoType: "worker" },
    });
    expect(moved).toMatchObject({ app: second.name, appId: second.id, dynoType: "worker" });
  });

  it("keeps an app that has gone since, and validates the merged rule as a whole", async () => {
    const app = await createApp();
    const ctx = await adminCtx();
    const created = await createRule({ ctx, input: r14(app.name) });
    await database.db.update(apps).set({ status: "gone" }).where(eq(apps.id, app.id));
    const renamed = await updateRule({ ctx, id: created.id, patch: { name: "Renamed" } });
    expect(renamed).toMatchObject({ name: "Renamed", app: app.name });
    expect(await fieldErrors(updateRule({ ctx, id: created.id, patch: { app: null } }))).toEqual({
      action: ["Restarts need one app: pick the app, or notify only."],
    });
    expect(await fieldErrors(updateRule({ ctx, id: created.id, patch: [1] }))).toEqual({
      _: ["Send a JSON object with the fields to change."],
    });
  });

  it("answers an unknown id or one that is not a UUID with not_found", async () => {
    const ctx = await adminCtx();
    for (const id of ["00000000-0000-4000-8000-000000000000", "not-a-uuid"]) {
      await expect(updateRule({ ctx, id, patch: { name: "x" } })).rejects.toMatchObject({
        code: "not_found",
      });
      await expect(getRule(ctx, id)).rejects.toMatchObject({ code: "not_found" });
    }
  });
});

describe("deleteRule", () => {
  it("removes the rule and audits it; a second delete is not_found", async () => {
    const app = await createApp();
    const ctx = await adminCtx();
    const created = await createRule({ ctx, input: r14(app.name) });
    await deleteRule({ ctx, id: created.id });
    await expect(getRule(ctx, created.id)).rejects.toMatchObject({ code: "not_found" });
    const audit = await listAuditEvents(database.db, { action: "rule.delete" });
    expect(audit.find((e) => e.target === created.name)?.detail).toEqual({
      id: created.id,
      kind: "error_code",
    });
    await expect(deleteRule({ ctx, id: created.id })).rejects.toMatchObject({ code: "not_found" });
  });
});

describe("rule form values", () => {
  it("round-trip a stored rule through the editor's fields", async () => {
    const app = await createApp();
    const ctx = await adminCtx();
    const rule = await createRule({
      ctx,
      input: r14(app.name, {
        recipients: ["a@example.com", "b@example.com"],
        dryRun: true,
        repeatIntervalSeconds: 900,
      }),
    });
    const values = ruleToFormValues(rule);
    expect(values).toMatchObject({
      "params.code": "R14",
      "channels.email": "on",
      recipients: "a@example.com\nb@example.com",
      dryRun: "on",
      enabled: "on",
      restartCoolingSeconds: "",
    });
    const { id: _id, appId: _appId, createdAt: _c, updatedAt: _u, ...input } = rule;
    expect(ruleFormSchema.parse(values)).toEqual(input);
    expect(ruleEditFormSchema.parse({ ...values, id: rule.id })).toEqual({ ...input, id: rule.id });
  });

  it("read unchecked boxes as false, split recipients and key errors like the fields", () => {
    const input = formValuesToRuleInput({
      name: "Memory",
      kind: "memory",
      app: "",
      "params.percent": "95",
      "params.samples": "",
      recipients: "a@example.com, b@example.com;\nc@example.com",
    });
    expect(input).toMatchObject({
      app: "",
      params: { percent: 95 },
      channels: [],
      recipients: ["a@example.com", "b@example.com", "c@example.com"],
      dryRun: false,
      enabled: false,
    });
    const parsed = ruleFormSchema.safeParse({ name: "x", kind: "memory", "params.percent": "x" });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path.join("."))).toEqual(
      expect.arrayContaining(["params.percent", "params.samples", "channels"]),
    );
  });
});
