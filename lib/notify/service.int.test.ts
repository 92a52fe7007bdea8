import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toUserActor } from "@/lib/auth/service";
import { parseConfig } from "@/lib/config";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { createTestUser, testCtx } from "@/lib/testing/factories";
import { type ResendServer, startResendServer } from "@/lib/testing/resend-server";
import { startTwilioServer } from "@/lib/testing/sms-servers";
import { sendTestEmail, sendTestSms } from "./service";

let database: TestDatabase;
let resend: ResendServer;
beforeAll(async () => {
  [database, resend] = await Promise.all([
    createTestDatabase(),
    startResendServer({ apiKey: "re_test_service_key" }),
  ]);
});
afterAll(async () => {
  await Promise.all([database.close(), resend.close()]);
});

describe("sendTestEmail", () => {
  it("keeps the email in the outbox without RESEND_API_KEY, and sends it through Resend with one", async () => {
    const admin = await createTestUser(database.db, { role: "admin" });
    const ctx = testCtx(database.db, { actor: toUserActor(admin) });
    const held = await sendTestEmail({
      ctx,
      input: { to: "ops@example.com" },
      config: parseConfig({ NODE_ENV: "test", HEROKU_API_KEY: "hk-0123456789" }),
    });
    expect(held).toMatchObject({ status: "held" });
    expect(held.detail).toMatch(/RESEND_API_KEY is not set/);

    const sent = await sendTestEmail({
      ctx,
      input: { to: "ops@example.com" },
      config: parseConfig({
        NODE_ENV: "test",
        HEROKU_API_KEY: "hk-0123456789",
        RESEND_API_KEY: "re_test_service_key",
        RESEND_BASE_URL: resend.url,
        EMAIL_FROM: "Dyno Monitor <alerts@example.com>",
      }),
    });
    expect(sent.status).toBe("sent");
    const email = resend.received.at(-1);
    expect(email?.body.subject).toBe("[Dyno Monitor] Test email");
    expect(email?.body.to).toEqual(["ops@example.com"]);
  });

  it("sends a test SMS through Twilio when configured, and holds it when not", async () => {
    const admin = await createTestUser(database.db, { role: "admin" });
    const ctx = testCtx(database.db, { actor: toUserActor(admin) });
    const held = await sendTestSms({
      ctx,
      input: { to: "+41793026727" },
      config: parseConfig({ NODE_ENV: "test", HEROKU_API_KEY: "hk-0123456789" }),
    });
    expect(held.status).toBe("held");
    const twilio = await startTwilioServer({
      accountSid: "AC0123456789abcdef0123456789abcdef",
      authToken: "twilio-token-123456",
    });
    try {
      const sent = await sendTestSms({
        ctx,
        input: { to: "+41793026727" },
        config: parseConfig({
          NODE_ENV: "test",
          HEROKU_API_KEY: "hk-0123456789",
          TWILIO_BASE_URL: twilio.url,
          TWILIO_ACCOUNT_SID: "AC0123456789abcdef0123456789abcdef",
          TWILIO_AUTH_TOKEN: "twilio-token-123456",
          TWILIO_FROM: "+15017122661",
        }),
      });
      expect(sent.status).toBe("sent");
      expect(twilio.received.at(-1)?.text).toMatch(/test SMS/);
    } finally {
      await twilio.close();
    }
  });
});
