// Demo mode sends nothing: with Resend, Twilio and a webhook endpoint all set up and pointing at
// local servers that stand in for the providers, a demo install's notices stay in the outbox.
import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toUserActor } from "@/lib/auth/service";
import { createSecretBox } from "@/lib/checks/secrets";
import { parseConfig } from "@/lib/config";
import type { UserActor } from "@/lib/context";
import { notifications } from "@/lib/db/schema";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { createTestUser, testCtx, uniqueSuffix } from "@/lib/testing/factories";
import { type ResendServer, startResendServer } from "@/lib/testing/resend-server";
import { type SmsServer, startTwilioServer } from "@/lib/testing/sms-servers";
import { startWebhookReceiver, type WebhookReceiver } from "@/lib/testing/webhook-receiver";
import { deliveryFromConfig } from "./channels";
import { DEMO_HELD_REASON, deliverOutbox, enqueueNotification } from "./outbox";
import { sendTestEmail, sendTestSms } from "./service";
import { createWebhookEndpoint, sendWebhookTest } from "./webhooks";

const TWILIO = { accountSid: "AC0123456789abcdef0123456789abcdef", authToken: "twilio-token-123" };
const secrets = createSecretBox(randomBytes(32));

let database: TestDatabase;
let resend: ResendServer;
let twilio: SmsServer;
let receiver: WebhookReceiver;
let admin: UserActor;

beforeAll(async () => {
  [database, resend, twilio, receiver] = await Promise.all([
    createTestDatabase(),
    startResendServer({ apiKey: "re_demo_mode_key" }),
    startTwilioServer(TWILIO),
    startWebhookReceiver(),
  ]);
  admin = toUserActor(await createTestUser(database.db, { role: "admin" }));
});
afterAll(async () => {
  await Promise.all([database.close(), resend.close(), twilio.close(), receiver.close()]);
});

/** Every provider set up, as someone who copied a production .env into a demo would have it. */
function configWith(extra: Record<string, string>) {
  return parseConfig({
    NODE_ENV: "test",
    RESEND_API_KEY: "re_demo_mode_key",
    RESEND_BASE_URL: resend.url,
    EMAIL_FROM: "Dyno Monitor <alerts@example.com>",
    TWILIO_BASE_URL: twilio.url,
    TWILIO_ACCOUNT_SID: TWILIO.accountSid,
    TWILIO_AUTH_TOKEN: TWILIO.authToken,
    TWILIO_FROM: "+15017122661",
    ...extra,
  });
}

const notice = { type: "test" as const, consoleUrl: "https://dm.example.com", requestedBy: "x" };

async function statusOf(key: string) {
  const [row] = await database.db
    .select({ status: notifications.status, lastError: notifications.lastError })
    .from(notifications)
    .where(eq(notifications.idempotencyKey, key));
  return row;
}

describe("demo mode", () => {
  it("holds email, SMS and webhook notices in the outbox and sends none, provider settings or not", async () => {
    const ctx = testCtx(database.db, { actor: admin });
    const endpoint = await createWebhookEndpoint(
      ctx,
      { name: `ops ${uniqueSuffix()}`, url: `${receiver.url}/hooks/demo`, preset: "generic" },
      { secrets },
    );
    const suffix = uniqueSuffix();
    const now = ctx.clock.now();
    await enqueueNotification(
      database.db,
      {
        incidentId: null,
        channel: "email",
        recipients: ["ops@example.com"],
        notice,
        idempotencyKey: `demo-email-${suffix}`,
      },
      now,
    );
    await enqueueNotification(
      database.db,
      {
        incidentId: null,
        channel: "sms",
        recipients: ["+41793026727"],
        notice,
        idempotencyKey: `demo-sms-${suffix}`,
      },
      now,
    );
    await enqueueNotification(
      database.db,
      {
        incidentId: null,
        channel: "webhook",
        recipients: [endpoint.endpoint.name],
        notice,
        idempotencyKey: `demo-webhook-${suffix}`,
        webhook: { endpointId: endpoint.endpoint.id, preset: "generic" },
      },
      now,
    );

    const config = configWith({ DEMO_MODE: "on", HEROKU_API_KEY: "hk-0123456789" });
    expect(config.demoMode).toBe(true);
    const summary = await deliverOutbox(ctx, deliveryFromConfig(ctx, config));

    expect(summary).toMatchObject({ sent: 0, held: 3, failed: 0 });
    for (const channel of ["email", "sms", "webhook"]) {
      expect(await statusOf(`demo-${channel}-${suffix}`)).toEqual({
        status: "held",
        lastError: DEMO_HELD_REASON,
      });
    }
    expect(resend.received).toHaveLength(0);
    expect(twilio.requests).toHaveLength(0);
    expect(receiver.received).toHaveLength(0);
  });

  it("keeps the test email, test SMS and test webhook in the console too", async () => {
    const ctx = testCtx(database.db, { actor: admin });
    const config = configWith({}); // no HEROKU_API_KEY and no DATABASE_URL: the default demo
    expect(config.demoMode).toBe(true);
    const email = await sendTestEmail({ ctx, input: { to: "ops@example.com" }, config });
    expect(email).toMatchObject({ status: "held" });
    expect(email.detail).toMatch(/demo mode/);
    const sms = await sendTestSms({ ctx, input: { to: "+41793026727" }, config });
    expect(sms).toMatchObject({ status: "held" });
    const endpoint = await createWebhookEndpoint(
      ctx,
      { name: `ops ${uniqueSuffix()}`, url: `${receiver.url}/hooks/demo-test`, preset: "generic" },
      { secrets },
    );
    const webhook = await sendWebhookTest(ctx, endpoint.endpoint.id, {
      consoleUrl: config.appUrl,
      secrets,
      demoMode: config.demoMode,
    });
    expect(webhook).toMatchObject({ ok: false, detail: expect.stringMatching(/demo mode/) });
    expect(resend.received).toHaveLength(0);
    expect(twilio.requests).toHaveLength(0);
    expect(receiver.received).toHaveLength(0);
  });

  it("sends through the same providers once the install watches a real account", async () => {
    const ctx = testCtx(database.db, { actor: admin });
    const config = configWith({ HEROKU_API_KEY: "hk-0123456789" });
    expect(config.demoMode).toBe(false);
    const email = await sendTestEmail({ ctx, input: { to: "ops@example.com" }, config });
    expect(email.status).toBe("sent");
    expect(resend.received).toHaveLength(1);
  });
});
