// Webhook endpoints on a real database, with test sends over real HTTP to a local receiver. The URL
// and the signing secret go in once; afterwards only loadWebhookTargets gives them back.
import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAuditEvents } from "@/lib/audit";
import { toUserActor } from "@/lib/auth/service";
import { createSecretBox } from "@/lib/checks/secrets";
import type { UserActor } from "@/lib/context";
import { webhookEndpoints } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { createTestUser, testCtx, uniqueSuffix } from "@/lib/testing/factories";
import { startWebhookReceiver, type WebhookReceiver } from "@/lib/testing/webhook-receiver";
import { verifyWebhookSignature } from "./templates/webhook";
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  listWebhookEndpoints,
  loadWebhookTargets,
  rotateWebhookSecret,
  sendWebhookTest,
  setWebhookEnabled,
  webhookEndpointInputSchema,
  webhookUrlHint,
} from "./webhooks";

const secrets = createSecretBox(randomBytes(32));
const SLACK_URL = "https://hooks.slack.com/services/T0001/B0001/xoxSECRETpathPART";
const CONSOLE = "https://monitor.example.com";

let database: TestDatabase;
let receiver: WebhookReceiver;
let admin: UserActor;
let viewer: UserActor;

beforeAll(async () => {
  [database, receiver] = await Promise.all([createTestDatabase(), startWebhookReceiver()]);
  admin = toUserActor(await createTestUser(database.db, { role: "admin" }));
  viewer = toUserActor(await createTestUser(database.db, { role: "viewer" }));
});
afterAll(async () => {
  await Promise.all([database.close(), receiver.close()]);
});

const asAdmin = () => testCtx(database.db, { actor: admin });

async function storedRow(id: string) {
  const [row] = await database.db
    .select()
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.id, id));
  if (!row) throw new Error("no row");
  return row;
}

async function fieldsOf(promise: Promise<unknown>): Promise<Record<string, string[]>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError && error.code === "validation") return error.fields ?? {};
    throw error;
  }
  throw new Error("expected a validation error");
}

function generic(path = `/hooks/${uniqueSuffix()}`) {
  return { name: `ops ${uniqueSuffix()}`, url: `${receiver.url}${path}`, preset: "generic" };
}

describe("createWebhookEndpoint", () => {
  it("returns a generic endpoint's signing secret once and stores it and the URL encrypted", async () => {
    const input = generic("/hooks/token-in-path-123");
    const { endpoint, secret } = await createWebhookEndpoint(asAdmin(), input, { secrets });
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(endpoint).toMatchObject({
      name: input.name,
      preset: "generic",
      urlHint: `${receiver.url}/•••`,
      signed: true,
      enabled: true,
      createdBy: admin.email,
      lastStatus: null,
      lastOk: null,
    });
    expect(JSON.stringify(endpoint)).not.toContain("token-in-path-123");
    expect(JSON.stringify(endpoint)).not.toContain(secret);

    const row = await storedRow(endpoint.id);
    const stored = JSON.stringify(row);
    expect(stored).not.toContain(secret);
    expect(stored).not.toContain("token-in-path-123");
    expect(row.urlCiphertext).toMatch(/^v1:/);
    expect(secrets.decrypt(row.secretCiphertext ?? "", row.id)).toBe(secret);

    const [audit] = await listAuditEvents(database.db, {
      action: "webhook.create",
      limit: 500,
    }).then((events) => events.filter((e) => e.target === input.name));
    expect(audit).toMatchObject({ actorLabel: admin.email, target: input.name });
    expect(JSON.stringify(audit)).not.toContain("token-in-path-123");
    expect(JSON.stringify(audit)).not.toContain(secret);
  });

  it("keeps a Slack URL secret and gives Slack no signing secret", async () => {
    const { endpoint, secret } = await createWebhookEndpoint(
      asAdmin(),
      { name: `#ops ${uniqueSuffix()}`, url: SLACK_URL, preset: "slack" },
      { secrets },
    );
    expect(secret).toBeNull();
    expect(endpoint).toMatchObject({ urlHint: "https://hooks.slack.com/•••", signed: false });
    const row = await storedRow(endpoint.id);
    expect(row.secretCiphertext).toBeNull();
    expect(JSON.stringify(row)).not.toContain("xoxSECRETpathPART");
  });

  it("is for admins only", async () => {
    const ctx = testCtx(database.db, { actor: viewer });
    await expect(createWebhookEndpoint(ctx, generic(), { secrets })).rejects.toMatchObject({
      code: "forbidden",
    });
  });

  it.each([
    [{ name: "", url: "https://example.com/h", preset: "generic" }, "name", /Name the webhook/],
    [
      { name: "x".repeat(81), url: "https://example.com/h", preset: "generic" },
      "name",
      /at most 80/,
    ],
    [{ name: "a", url: "", preset: "generic" }, "url", /Enter the endpoint's URL/],
    [{ name: "a", url: "not a url", preset: "generic" }, "url", /Enter a full URL/],
    [{ name: "a", url: "ftp://example.com/h", preset: "generic" }, "url", /must start with https/],
    [{ name: "a", url: "http://example.com/h", preset: "slack" }, "url", /Use https:\/\//],
    [{ name: "a", url: "https://u:p@example.com/h", preset: "generic" }, "url", /user name/],
    [
      { name: "a", url: `https://example.com/${"a".repeat(2050)}`, preset: "generic" },
      "url",
      /at most 2048/,
    ],
    [{ name: "a", url: "https://example.com/h", preset: "teams" }, "preset", /generic .* or slack/],
    [{ name: "a", url: "https://example.com/h" }, "preset", /generic .* or slack/],
    [{ name: "#ops\u0000", url: "https://example.com/h", preset: "generic" }, "name", /NUL/],
    [{ name: "#ops \ud800", url: "https://example.com/h", preset: "generic" }, "name", /surrogate/],
    [{ name: "a", url: "https://example.com/h\u0000", preset: "generic" }, "url", /NUL/],
    [{ name: "a", url: 42, preset: "generic" }, "url", /Enter the endpoint's URL/],
  ])("rejects %j with a message on %s", async (input, field, message) => {
    const fields = await fieldsOf(createWebhookEndpoint(asAdmin(), input, { secrets }));
    expect(Object.keys(fields)).toEqual([field]);
    expect(fields[field]?.join(" ")).toMatch(message);
  });

  it.each([
    "http://localhost:8080/hook",
    "http://127.0.0.1:9/hook",
    "https://hooks.slack.com/services/T/B/X",
    "https://chat.example.org/hooks/abc",
  ])("accepts %s", (url) => {
    expect(webhookEndpointInputSchema.safeParse({ name: "a", url, preset: "slack" }).success).toBe(
      true,
    );
  });
});

describe("webhookUrlHint", () => {
  it.each([
    ["https://hooks.slack.com/services/T/B/X", "https://hooks.slack.com/•••"],
    ["https://example.com", "https://example.com"],
    ["https://example.com/?token=x", "https://example.com/?token=•••"],
    ["https://example.com/h?token=x&v=2", "https://example.com/•••?token=•••&v=•••"],
    ["http://127.0.0.1:4000/h", "http://127.0.0.1:4000/•••"],
    ["nonsense", "•••"],
  ])("masks %s as %s", (url, hint) => {
    expect(webhookUrlHint(url)).toBe(hint);
  });
});

describe("listWebhookEndpoints and loadWebhookTargets", () => {
  it("lists hints only, and decrypts URL and secret for enabled endpoints only", async () => {
    const on = await createWebhookEndpoint(asAdmin(), generic("/on/secret-path"), { secrets });
    const off = await createWebhookEndpoint(asAdmin(), generic("/off"), { secrets });
    await setWebhookEnabled(asAdmin(), off.endpoint.id, false);

    const listed = await listWebhookEndpoints(database.db);
    const mine = listed.filter((e) => [on.endpoint.id, off.endpoint.id].includes(e.id));
    expect(mine.map((e) => e.enabled).sort()).toEqual([false, true]);
    expect(JSON.stringify(listed)).not.toContain("secret-path");
    expect(JSON.stringify(listed)).not.toContain(on.secret);
    for (const endpoint of listed) expect(Object.keys(endpoint)).not.toContain("url");

    const targets = await loadWebhookTargets(database.db, { secrets });
    expect(targets.find((t) => t.id === off.endpoint.id)).toBeUndefined();
    expect(targets.find((t) => t.id === on.endpoint.id)).toEqual({
      id: on.endpoint.id,
      name: on.endpoint.name,
      url: `${receiver.url}/on/secret-path`,
      secret: on.secret,
      preset: "generic",
    });
  });

  it("skips an endpoint it cannot decrypt, marks it, and still returns the others", async () => {
    const good = await createWebhookEndpoint(asAdmin(), generic(), { secrets });
    const other = createSecretBox(randomBytes(32));
    const bad = await createWebhookEndpoint(asAdmin(), generic(), { secrets: other });
    const targets = await loadWebhookTargets(database.db, { secrets });
    expect(targets.map((t) => t.id)).toContain(good.endpoint.id);
    expect(targets.map((t) => t.id)).not.toContain(bad.endpoint.id);
    expect((await storedRow(bad.endpoint.id)).lastStatus).toMatch(/^failed: .*cannot be decrypted/);
    await deleteWebhookEndpoint(asAdmin(), bad.endpoint.id);
  });
});

describe("setWebhookEnabled, rotateWebhookSecret, deleteWebhookEndpoint", () => {
  it("toggles, audits only real changes", async () => {
    const { endpoint } = await createWebhookEndpoint(asAdmin(), generic(), { secrets });
    expect((await setWebhookEnabled(asAdmin(), endpoint.id, false)).enabled).toBe(false);
    expect((await setWebhookEnabled(asAdmin(), endpoint.id, false)).enabled).toBe(false);
    expect((await setWebhookEnabled(asAdmin(), endpoint.id, true)).enabled).toBe(true);
    const events = (await listAuditEvents(database.db, { limit: 500 })).filter(
      (e) => e.target === endpoint.name && e.action.startsWith("webhook."),
    );
    expect(events.map((e) => e.action).sort()).toEqual([
      "webhook.create",
      "webhook.disable",
      "webhook.enable",
    ]);
  });

  it("rotates a generic endpoint's secret, and refuses to rotate Slack's", async () => {
    const created = await createWebhookEndpoint(asAdmin(), generic(), { secrets });
    const rotated = await rotateWebhookSecret(asAdmin(), created.endpoint.id, { secrets });
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(created.secret);
    const [target] = (await loadWebhookTargets(database.db, { secrets })).filter(
      (t) => t.id === created.endpoint.id,
    );
    expect(target?.secret).toBe(rotated.secret);
    expect(JSON.stringify(await storedRow(created.endpoint.id))).not.toContain(rotated.secret);

    const slack = await createWebhookEndpoint(
      asAdmin(),
      { name: `#ops ${uniqueSuffix()}`, url: SLACK_URL, preset: "slack" },
      { secrets },
    );
    await expect(
      rotateWebhookSecret(asAdmin(), slack.endpoint.id, { secrets }),
    ).rejects.toMatchObject({ code: "conflict" });
  });

  it("deletes an endpoint, audited; an unknown id is not found", async () => {
    const { endpoint } = await createWebhookEndpoint(asAdmin(), generic(), { secrets });
    await deleteWebhookEndpoint(asAdmin(), endpoint.id);
    expect(
      await database.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpoint.id)),
    ).toEqual([]);
    const events = await listAuditEvents(database.db, { action: "webhook.delete", limit: 500 });
    expect(events.some((e) => e.target === endpoint.name)).toBe(true);
    await expect(deleteWebhookEndpoint(asAdmin(), endpoint.id)).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(setWebhookEnabled(asAdmin(), "not-a-uuid", true)).rejects.toMatchObject({
      code: "not_found",
    });
    const ctx = testCtx(database.db, { actor: viewer });
    await expect(deleteWebhookEndpoint(ctx, endpoint.id)).rejects.toMatchObject({
      code: "forbidden",
    });
  });
});

describe("sendWebhookTest", () => {
  it("delivers a signed test notice that verifies with the secret returned on create", async () => {
    const created = await createWebhookEndpoint(asAdmin(), generic("/hooks/test-send"), {
      secrets,
    });
    const before = receiver.received.length;
    const result = await sendWebhookTest(asAdmin(), created.endpoint.id, {
      consoleUrl: CONSOLE,
      secrets,
    });
    expect(result).toEqual({ ok: true, status: 200, detail: "Delivered: 200: ok" });

    const delivery = receiver.received.at(-1);
    expect(receiver.received.length).toBe(before + 1);
    expect(delivery?.path).toBe("/hooks/test-send");
    expect(
      verifyWebhookSignature(
        created.secret ?? "",
        delivery?.headers ?? {},
        delivery?.rawBody ?? "",
      ),
    ).toEqual({
      ok: true,
      timestampSeconds: Number(delivery?.headers["x-dyno-monitor-timestamp"]),
    });
    expect(JSON.parse(delivery?.rawBody.toString("utf8") ?? "")).toMatchObject({
      version: 1,
      type: "test",
      requestedBy: admin.email,
      links: { console: CONSOLE },
    });

    const [listed] = (await listWebhookEndpoints(database.db)).filter(
      (e) => e.id === created.endpoint.id,
    );
    expect(listed).toMatchObject({ lastOk: true, lastStatus: "ok: 200: ok" });
    expect(listed?.lastDeliveryAt).toBeInstanceOf(Date);
    const audit = await listAuditEvents(database.db, { action: "webhook.test", limit: 500 });
    expect(audit.some((e) => e.target === created.endpoint.name)).toBe(true);
  });

  it("stops verifying with the old secret after a rotation", async () => {
    const created = await createWebhookEndpoint(asAdmin(), generic(), { secrets });
    const rotated = await rotateWebhookSecret(asAdmin(), created.endpoint.id, { secrets });
    await sendWebhookTest(asAdmin(), created.endpoint.id, { consoleUrl: CONSOLE, secrets });
    const delivery = receiver.received.at(-1);
    if (!delivery) throw new Error("nothing received");
    expect(verifyWebhookSignature(rotated.secret, delivery.headers, delivery.rawBody).ok).toBe(
      true,
    );
    expect(
      verifyWebhookSignature(created.secret ?? "", delivery.headers, delivery.rawBody),
    ).toEqual({ ok: false, reason: "signature_mismatch" });
  });

  it("reports the endpoint's error answer and records it on the endpoint", async () => {
    const created = await createWebhookEndpoint(asAdmin(), generic("/hooks/broken"), { secrets });
    receiver.respondNext({ status: 500, body: "database is down" });
    const result = await sendWebhookTest(asAdmin(), created.endpoint.id, {
      consoleUrl: CONSOLE,
      secrets,
    });
    expect(result).toMatchObject({ ok: false, status: 500 });
    expect(result.detail).toContain("database is down");
    expect(result.detail).not.toContain("/hooks/broken");
    const row = await storedRow(created.endpoint.id);
    expect(row.lastStatus).toMatch(/^failed: .*500/);
  });

  it("keeps the URL's query values out of the receiver's echoed error, on Settings too", async () => {
    const created = await createWebhookEndpoint(
      asAdmin(),
      generic(`/hooks/echo?token=query-secret-${uniqueSuffix()}&team=ops`),
      { secrets },
    );
    const token =
      /token=([^&]+)/.exec(
        secrets.decrypt((await storedRow(created.endpoint.id)).urlCiphertext, created.endpoint.id),
      )?.[1] ?? "";
    expect(token).toMatch(/^query-secret-/);
    // receivers like to say what they got: the request line, or the whole URL
    for (const body of [
      `bad request to /hooks/echo?token=${token}&team=ops`,
      `bad request to ${receiver.url}/hooks/echo?token=${token}&team=ops`,
      `unknown token ${token}`,
    ]) {
      receiver.respondNext({ status: 400, body });
      const result = await sendWebhookTest(asAdmin(), created.endpoint.id, {
        consoleUrl: CONSOLE,
        secrets,
      });
      expect(result).toMatchObject({ ok: false, status: 400 });
      const [listed] = (await listWebhookEndpoints(database.db)).filter(
        (e) => e.id === created.endpoint.id,
      );
      for (const shown of [
        result.detail,
        listed?.lastStatus,
        (await storedRow(created.endpoint.id)).lastStatus,
      ]) {
        expect(shown).toContain("400");
        expect(shown).not.toContain(token);
        expect(shown).not.toContain("/hooks/echo");
      }
      expect(JSON.stringify(listed)).not.toContain(token);
    }
  });

  it("masks URLs in a status stored before masking covered query strings", async () => {
    const created = await createWebhookEndpoint(asAdmin(), generic(), { secrets });
    await database.db
      .update(webhookEndpoints)
      .set({
        lastStatus: "failed: answered 400: bad request to https://h.example/x?token=old-leak",
      })
      .where(eq(webhookEndpoints.id, created.endpoint.id));
    const [listed] = (await listWebhookEndpoints(database.db)).filter(
      (e) => e.id === created.endpoint.id,
    );
    expect(listed?.lastStatus).toBe(
      "failed: answered 400: bad request to https://h.example/•••?token=•••",
    );
  });

  it("reports an endpoint nobody listens on as an error, without its path", async () => {
    const created = await createWebhookEndpoint(
      asAdmin(),
      { name: `gone ${uniqueSuffix()}`, url: "http://127.0.0.1:9/hooks/private", preset: "slack" },
      { secrets },
    );
    const result = await sendWebhookTest(asAdmin(), created.endpoint.id, {
      consoleUrl: CONSOLE,
      secrets,
    });
    expect(result).toMatchObject({ ok: false, status: null });
    expect(result.detail).toMatch(/Could not reach the webhook endpoint http:\/\/127\.0\.0\.1:9/);
    expect(result.detail).not.toContain("/hooks/private");
  });
});
