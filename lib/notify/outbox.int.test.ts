// The outbox delivers every channel through the real adapters to local servers that speak the
// providers' protocols: Twilio for SMS, a webhook receiver that checks the signature.
import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manualClock } from "@/lib/clock";
import { notifications } from "@/lib/db/schema";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { testCtx, uniqueSuffix } from "@/lib/testing/factories";
import { type SmsServer, startTwilioServer } from "@/lib/testing/sms-servers";
import { startWebhookReceiver, type WebhookReceiver } from "@/lib/testing/webhook-receiver";
import { createSmsSender } from "./channels/sms";
import { createWebhookSender } from "./channels/webhook";
import { backoffSeconds, deliverOutbox, enqueueNotification } from "./outbox";
import type { IncidentNotice, SmsSender } from "./types";

const SID = "AC0123456789abcdef0123456789abcdef";
const TOKEN = "twilio-test-token-123456";
const SECRET = "whsec_test_secret_0123456789";

let database: TestDatabase;
let twilio: SmsServer;
let receiver: WebhookReceiver;
beforeAll(async () => {
  [database, twilio, receiver] = await Promise.all([
    createTestDatabase(),
    startTwilioServer({ accountSid: SID, authToken: TOKEN }),
    startWebhookReceiver({ secret: SECRET }),
  ]);
});
afterAll(async () => {
  await Promise.all([database.close(), twilio.close(), receiver.close()]);
});

const notice = (): IncidentNotice => ({
  type: "firing",
  incident: {
    id: "6f1c0d2e-0000-4000-8000-000000000001",
    url: "http://console.test/incidents/6f1c0d2e-0000-4000-8000-000000000001",
    state: "firing",
    openedAt: new Date("2026-11-24T12:00:00Z"),
  },
  rule: { id: "r1", name: "R14 on web", kind: "error_code", windowSeconds: 300, threshold: 3 },
  target: { app: "shop-prod", dynoType: "web", dyno: "web.2" },
  code: "R14",
  observed: { count: 5 },
  summary: "5 × R14 in 300 s on shop-prod web.2",
  consoleUrl: "http://console.test",
});

describe("deliverOutbox on every channel", () => {
  it("sends an SMS through Twilio and a signed webhook, and holds what has no provider", async () => {
    const clock = manualClock("2026-11-24T12:00:00Z");
    const ctx = testCtx(database.db, { clock });
    const key = uniqueSuffix();
    const endpointId = "0e0e0e0e-0000-4000-8000-000000000001";
    await enqueueNotification(
      database.db,
      {
        incidentId: null,
        channel: "sms",
        recipients: ["+41793026727"],
        notice: notice(),
        idempotencyKey: `${key}:sms`,
      },
      clock.now(),
    );
    await enqueueNotification(
      database.db,
      {
        incidentId: null,
        channel: "webhook",
        recipients: ["ops hook"],
        notice: notice(),
        idempotencyKey: `${key}:webhook`,
        webhook: { endpointId, preset: "generic" },
      },
      clock.now(),
    );
    await enqueueNotification(
      database.db,
      {
        incidentId: null,
        channel: "webhook",
        recipients: ["removed hook"],
        notice: notice(),
        idempotencyKey: `${key}:webhook-gone`,
        webhook: { endpointId: "0e0e0e0e-0000-4000-8000-00000000dead", preset: "generic" },
      },
      clock.now(),
    );

    // no SMS provider yet: held, not lost
    const first = await deliverOutbox(ctx, {
      email: null,
      sms: null,
      webhooks: {
        sender: createWebhookSender(),
        load: async () => [
          { id: endpointId, url: `${receiver.url}/hook`, secret: SECRET, preset: "generic" },
        ],
      },
    });
    expect(first).toMatchObject({ sent: 1, held: 1, failed: 1 });
    const [held] = await database.db
      .select()
      .from(notifications)
      .where(eq(notifications.idempotencyKey, `${key}:sms`));
    expect(held).toMatchObject({ status: "held" });
    expect(held?.lastError).toMatch(/no SMS provider/);
    const [gone] = await database.db
      .select()
      .from(notifications)
      .where(eq(notifications.idempotencyKey, `${key}:webhook-gone`));
    expect(gone?.lastError).toMatch(/removed or disabled/);

    // the webhook arrived signed, with the incident in the generic payload
    const hook = receiver.received.at(-1);
    expect(hook?.verified?.ok).toBe(true);
    const payload = JSON.parse(hook?.rawBody.toString("utf8") ?? "{}");
    expect(payload).toMatchObject({ type: "firing", target: { app: "shop-prod", dyno: "web.2" } });

    // a provider is configured: the held SMS is put back in line and goes out through Twilio
    await database.db
      .update(notifications)
      .set({ status: "pending" })
      .where(eq(notifications.idempotencyKey, `${key}:sms`));
    const sms = createSmsSender({
      provider: "twilio",
      baseUrl: twilio.url,
      accountSid: SID,
      authToken: TOKEN,
      from: "+15017122661",
    });
    const second = await deliverOutbox(ctx, { email: null, sms: { sender: sms } });
    expect(second).toMatchObject({ sent: 1 });
    const text = twilio.received.at(-1);
    expect(text?.to).toBe("+41793026727");
    expect(text?.text).toMatch(/^R14 shop-prod web\.2/);
    expect(text?.text.length).toBeLessThanOrEqual(160);
  });
});

describe("deliverOutbox with a slow provider", () => {
  const twilioSender = () =>
    createSmsSender({
      provider: "twilio",
      baseUrl: twilio.url,
      accountSid: SID,
      authToken: TOKEN,
      from: "+15017122661",
    });

  /** The real sender, each send taking `ms` of the manual clock first (a provider that drags). */
  function dragging(
    clock: ReturnType<typeof manualClock>,
    ms: number,
    meanwhile?: () => Promise<void>,
  ): SmsSender & { answeredAt: Map<string, Date> } {
    const real = twilioSender();
    const answeredAt = new Map<string, Date>();
    return {
      answeredAt,
      async send(message) {
        clock.advance(ms);
        await meanwhile?.();
        const result = await real.send(message);
        answeredAt.set(message.to, clock.now());
        return result;
      },
    };
  }

  async function queueSms(count: number, at: Date) {
    const phones: string[] = [];
    const keys: string[] = [];
    for (let i = 0; i < count; i++) {
      const phone = `+4179${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;
      const key = `slow:${uniqueSuffix()}`;
      await enqueueNotification(
        database.db,
        {
          incidentId: null,
          channel: "sms",
          recipients: [phone],
          notice: notice(),
          idempotencyKey: key,
        },
        at,
      );
      phones.push(phone);
      keys.push(key);
    }
    return { phones, keys };
  }

  it("never sends a row twice when a slow provider would make a batch outlive its claim", async () => {
    const clock = manualClock("2026-11-24T13:00:00Z");
    const start = clock.now().getTime();
    const { phones, keys } = await queueSms(4, clock.now());
    let other: Promise<unknown> | undefined;
    // each send takes 40 s; once the claim (60 s) is over, another instance delivers too
    const slow = dragging(clock, 40_000, async () => {
      if (clock.now().getTime() - start > 60_000 && !other) {
        other = deliverOutbox(testCtx(database.db, { clock }), {
          email: null,
          sms: { sender: twilioSender() },
        });
        await other;
      }
    });
    const first = await deliverOutbox(testCtx(database.db, { clock }), {
      email: null,
      sms: { sender: slow },
    });
    for (let i = 0; i < 5; i++) {
      await deliverOutbox(testCtx(database.db, { clock }), {
        email: null,
        sms: { sender: twilioSender() },
      });
      clock.advance(60_000);
    }
    const rows = await database.db
      .select()
      .from(notifications)
      .where(inArray(notifications.idempotencyKey, keys));
    expect(rows.map((r) => r.status)).toEqual(keys.map(() => "sent"));
    const sent = phones.map((phone) => twilio.received.filter((m) => m.to === phone).length);
    expect(sent).toEqual([1, 1, 1, 1]);
    // past half its claim the batch stopped and handed the rest back, ready for the next run
    expect(first).toMatchObject({ sent: 1, deferred: 3 });
  });

  it("waits a retry's backoff from the failure, not from the start of the batch", async () => {
    const clock = manualClock("2026-11-24T14:00:00Z");
    const { keys, phones } = await queueSms(2, clock.now());
    twilio.failNext(2, 503);
    const slow = dragging(clock, 20_000);
    await deliverOutbox(testCtx(database.db, { clock }), { email: null, sms: { sender: slow } });
    const rows = await database.db
      .select()
      .from(notifications)
      .where(inArray(notifications.idempotencyKey, keys));
    const waits = keys.map((key, i) => {
      const row = rows.find((r) => r.idempotencyKey === key);
      const failedAt = slow.answeredAt.get(phones[i] ?? "")?.getTime() ?? Number.NaN;
      return ((row?.nextAttemptAt.getTime() ?? 0) - failedAt) / 1000;
    });
    expect(waits).toHaveLength(2);
    expect(waits.every((wait) => wait >= backoffSeconds(1))).toBe(true);
  });
});
