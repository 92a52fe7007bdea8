// Fault suite: providers answering 500, 429 with Retry-After, or not at all, for a while, then
// recovering. The outbox delivers through the real adapters (Resend's SDK, Infobip, Twilio, signed
// webhooks) to local servers that speak each provider's protocol; the clock is manual and moved
// to each row's next attempt, so hours of backoff take seconds and every wait can be checked.
import { inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manualClock } from "@/lib/clock";
import type { Ctx } from "@/lib/context";
import { type Notification, notifications } from "@/lib/db/schema";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { testCtx, uniqueSuffix } from "@/lib/testing/factories";
import { type Failure, type ResendServer, startResendServer } from "@/lib/testing/resend-server";
import {
  type SmsFailure,
  type SmsServer,
  startInfobipServer,
  startTwilioServer,
} from "@/lib/testing/sms-servers";
import { startWebhookReceiver, type WebhookReceiver } from "@/lib/testing/webhook-receiver";
import { createResendSender } from "./channels/email-resend";
import { createInfobipSender } from "./channels/sms-infobip";
import { createTwilioSender } from "./channels/sms-twilio";
import { createWebhookSender } from "./channels/webhook";
import { backoffSeconds, type DeliverOptions, deliverOutbox, enqueueNotification } from "./outbox";
import type { IncidentNotice, SmsSender } from "./types";

const RESEND_KEY = "re_fault_key_123456";
const INFOBIP_KEY = "infobip-fault-key-123456";
const SID = "AC0123456789abcdef0123456789abcdef";
const TOKEN = "twilio-fault-token-123456";
const SECRET = "whsec_fault_secret_0123456789";
const ENDPOINT_ID = "0e0e0e0e-0000-4000-8000-00000000fa17";
/** A sender gives up on a provider that does not answer after this long (15 s in production). */
const TIMEOUT_MS = 300;
const NOTICES = 3;

let database: TestDatabase;
let resend: ResendServer;
let infobip: SmsServer;
let twilio: SmsServer;
let receiver: WebhookReceiver;

beforeAll(async () => {
  [database, resend, infobip, twilio, receiver] = await Promise.all([
    createTestDatabase(),
    startResendServer({ apiKey: RESEND_KEY }),
    startInfobipServer({ apiKey: INFOBIP_KEY }),
    startTwilioServer({ accountSid: SID, authToken: TOKEN }),
    startWebhookReceiver({ secret: SECRET }),
  ]);
});
afterAll(async () => {
  await Promise.all([
    database?.close(),
    resend?.close(),
    infobip?.close(),
    twilio?.close(),
    receiver?.close(),
  ]);
});

const notice = (marker: string): IncidentNotice => ({
  type: "firing",
  incident: {
    id: "6f1c0d2e-0000-4000-8000-00000000fa17",
    url: "http://console.test/incidents/6f1c0d2e-0000-4000-8000-00000000fa17",
    state: "firing",
    openedAt: new Date("2026-11-24T12:00:00Z"),
  },
  rule: { id: "r1", name: `R14 ${marker}`, kind: "error_code", windowSeconds: 300, threshold: 3 },
  target: { app: "shop-prod", dynoType: "web", dyno: "web.2" },
  code: "R14",
  observed: { count: 5 },
  summary: `5 × R14 in 300 s (${marker})`,
  consoleUrl: "http://console.test",
});

type Channel = "resend" | "infobip" | "twilio" | "webhook";
type Fault = 429 | 500 | 503 | "timeout" | "lost-answer";

const smsSenders: Record<"infobip" | "twilio", () => SmsSender> = {
  infobip: () =>
    createInfobipSender({
      baseUrl: infobip.url,
      apiKey: INFOBIP_KEY,
      sender: "DynoMon",
      timeoutMs: TIMEOUT_MS,
    }),
  twilio: () =>
    createTwilioSender({
      baseUrl: twilio.url,
      accountSid: SID,
      authToken: TOKEN,
      from: "+15017122661",
      timeoutMs: TIMEOUT_MS,
    }),
};

function deliverOptions(channel: Channel, sms?: SmsSender): DeliverOptions {
  return {
    email: {
      sender: createResendSender({
        apiKey: RESEND_KEY,
        from: "Dyno Monitor <alerts@example.com>",
        baseUrl: resend.url,
        timeoutMs: TIMEOUT_MS,
      }),
    },
    sms: { sender: sms ?? smsSenders[channel === "twilio" ? "twilio" : "infobip"]() },
    webhooks: {
      sender: createWebhookSender({ timeoutMs: TIMEOUT_MS }),
      load: async () => [
        { id: ENDPOINT_ID, url: `${receiver.url}/hook`, secret: SECRET, preset: "generic" },
      ],
    },
  };
}

/** `count` notices on `channel`; returns their idempotency keys and, for SMS, their phones. */
async function enqueue(channel: Channel, at: Date, count = NOTICES) {
  const run = uniqueSuffix();
  const queued: { key: string; phone: string }[] = [];
  for (let i = 0; i < count; i++) {
    const key = `fault:${run}:${i}`;
    const phone = `+41793${String(Math.floor(Math.random() * 1e6)).padStart(6, "0")}`;
    await enqueueNotification(
      database.db,
      {
        incidentId: null,
        channel: channel === "resend" ? "email" : channel === "webhook" ? "webhook" : "sms",
        recipients: [
          channel === "resend" ? "oncall@example.com" : channel === "webhook" ? "ops" : phone,
        ],
        notice: notice(key),
        idempotencyKey: key,
        ...(channel === "webhook"
          ? { webhook: { endpointId: ENDPOINT_ID, preset: "generic" as const } }
          : {}),
      },
      at,
    );
    queued.push({ key, phone });
  }
  return queued;
}

function injectFaults(channel: Channel, fault: Fault, count: number, retryAfter?: number) {
  const after = retryAfter === undefined ? {} : { retryAfter: String(retryAfter) };
  if (channel === "resend") {
    const failure: Failure =
      fault === "timeout" ? "hang" : fault === "lost-answer" ? "hang-after-accept" : fault;
    resend.failNext(count, failure, after);
  } else if (channel === "infobip" || channel === "twilio") {
    if (fault === "lost-answer") throw new Error("SMS APIs take no idempotency key");
    const failure: SmsFailure = fault === "timeout" ? "hang" : fault;
    (channel === "infobip" ? infobip : twilio).failNext(count, failure, after);
  } else {
    const reply =
      fault === "timeout" || fault === "lost-answer"
        ? { status: 200, body: "ok, but late", delayMs: TIMEOUT_MS * 4 }
        : {
            status: fault,
            body: "busy",
            headers: (retryAfter === undefined
              ? {}
              : { "Retry-After": String(retryAfter) }) as Record<string, string>,
          };
    receiver.respondNext(...Array.from({ length: count }, () => reply));
  }
}

async function rowsOf(keys: string[]): Promise<Notification[]> {
  return database.db
    .select()
    .from(notifications)
    .where(inArray(notifications.idempotencyKey, keys));
}

/**
 * Runs deliverOutbox, then moves the clock to the earliest next attempt, until every row of `keys`
 * has left "pending". Returns, per key, the clock times of its attempts (from the outbox rows).
 */
async function drive(
  ctx: Ctx,
  clock: ReturnType<typeof manualClock>,
  keys: string[],
  options: DeliverOptions,
) {
  const attempts = new Map<string, Date[]>(keys.map((k) => [k, []]));
  let runs = 0;
  let before = new Map((await rowsOf(keys)).map((r) => [r.idempotencyKey, r.attempts]));
  for (; runs < 40; runs++) {
    const at = clock.now();
    await deliverOutbox(ctx, options);
    const rows = await rowsOf(keys);
    for (const row of rows) {
      const tries = row.attempts - (before.get(row.idempotencyKey) ?? 0);
      for (let i = 0; i < tries; i++) attempts.get(row.idempotencyKey)?.push(at);
    }
    before = new Map(rows.map((r) => [r.idempotencyKey, r.attempts]));
    const pending = rows.filter((r) => r.status === "pending");
    if (pending.length === 0) break;
    const next = Math.min(...pending.map((r) => r.nextAttemptAt.getTime()));
    clock.set(new Date(Math.max(next, clock.now().getTime() + 1000)));
  }
  return { attempts, runs: runs + 1 };
}

/** What the provider saw of `queued`: requests per key, and how many it took as new messages. */
function providerView(channel: Channel, queued: { key: string; phone: string }[], from: number) {
  const keys = new Set(queued.map((q) => q.key));
  if (channel === "resend") {
    const requests = resend.requests.slice(from).filter((r) => keys.has(r.idempotencyKey ?? ""));
    const taken = resend.received.filter((m) => keys.has(m.idempotencyKey ?? ""));
    return { requests: requests.length, taken: taken.length, sameKey: true };
  }
  if (channel === "webhook") {
    const mine = receiver.received
      .slice(from)
      .filter((r) => keys.has(r.headers["x-dyno-monitor-delivery"] ?? ""));
    // a receiver keeps one delivery per X-Dyno-Monitor-Delivery: that is what it "takes"
    const taken = new Set(mine.map((r) => r.headers["x-dyno-monitor-delivery"]));
    return { requests: mine.length, taken: taken.size, sameKey: mine.every((r) => r.verified?.ok) };
  }
  const server = channel === "infobip" ? infobip : twilio;
  const phones = new Set(queued.map((q) => q.phone.replace(/^\+/, "")));
  const taken = server.received.filter((m) => phones.has(m.to.replace(/^\+/, "")));
  return { requests: server.requests.length - from, taken: taken.length, sameKey: true };
}

const requestCount = (channel: Channel) =>
  channel === "resend"
    ? resend.requests.length
    : channel === "webhook"
      ? receiver.received.length
      : (channel === "infobip" ? infobip : twilio).requests.length;

function report(task: { meta: object }, line: string) {
  (task.meta as { fault?: string }).fault = line;
  process.stdout.write(`${line}\n`);
}

type Scenario = {
  name: string;
  channel: Channel;
  fault: Fault;
  /** Requests that fail before the provider recovers. */
  failures: number;
  retryAfter?: number;
};

const scenarios: Scenario[] = [
  { name: "resend-500", channel: "resend", fault: 500, failures: 7 },
  { name: "resend-429", channel: "resend", fault: 429, failures: 4, retryAfter: 120 },
  { name: "resend-timeout", channel: "resend", fault: "timeout", failures: 4 },
  { name: "resend-lost-answer", channel: "resend", fault: "lost-answer", failures: 3 },
  { name: "infobip-500", channel: "infobip", fault: 500, failures: 5 },
  { name: "infobip-429", channel: "infobip", fault: 429, failures: 3, retryAfter: 90 },
  { name: "infobip-timeout", channel: "infobip", fault: "timeout", failures: 4 },
  { name: "twilio-503", channel: "twilio", fault: 503, failures: 4 },
  { name: "twilio-429", channel: "twilio", fault: 429, failures: 3, retryAfter: 300 },
  { name: "twilio-timeout", channel: "twilio", fault: "timeout", failures: 3 },
  { name: "webhook-500", channel: "webhook", fault: 500, failures: 5 },
  { name: "webhook-429", channel: "webhook", fault: 429, failures: 3, retryAfter: 200 },
  { name: "webhook-timeout", channel: "webhook", fault: "timeout", failures: 4 },
];

describe("providers failing for a while, then recovering", () => {
  it.for(scenarios)(
    "$name: every notice is delivered once, after its backoff",
    async ({ name, channel, fault, failures, retryAfter }, { task }) => {
      const clock = manualClock("2026-11-24T12:00:00Z");
      const ctx = testCtx(database.db, { clock });
      const from = requestCount(channel);
      const queued = await enqueue(channel, clock.now());
      const keys = queued.map((q) => q.key);
      injectFaults(channel, fault, failures, retryAfter);

      const { attempts, runs } = await drive(ctx, clock, keys, deliverOptions(channel));
      const rows = await rowsOf(keys);
      const seen = providerView(channel, queued, from);
      // the wait before each retry: at least the backoff of that attempt, and the Retry-After
      let shortest = Number.POSITIVE_INFINITY;
      const tooSoon: string[] = [];
      for (const [key, times] of attempts) {
        for (let i = 1; i < times.length; i++) {
          const waited = ((times[i]?.getTime() ?? 0) - (times[i - 1]?.getTime() ?? 0)) / 1000;
          shortest = Math.min(shortest, waited);
          if (waited < backoffSeconds(i, retryAfter)) tooSoon.push(`${key}#${i}: ${waited} s`);
        }
      }
      const tried = rows.reduce((n, r) => n + r.attempts, 0);
      const sent = rows.filter((r) => r.status === "sent").length;
      report(
        task,
        `FAULT provider-${name} notices=${queued.length} delivered=${sent} lost=${queued.length - sent} doubled=${seen.taken - sent} attempts=${tried} requests=${seen.requests} shortest-wait=${Number.isFinite(shortest) ? `${shortest}s` : "-"} runs=${runs}`,
      );
      expect(rows.map((r) => r.status)).toEqual(keys.map(() => "sent"));
      expect(seen.taken).toBe(queued.length);
      expect(seen.sameKey).toBe(true);
      // every request the provider saw is an attempt the outbox counted, and the other way round
      expect(seen.requests).toBe(tried);
      expect(tried).toBe(queued.length + failures);
      expect(tooSoon).toEqual([]);
      if (retryAfter !== undefined) expect(shortest).toBeGreaterThanOrEqual(retryAfter);
      expect(rows.every((r) => r.lastError === null && r.leaseUntil === null)).toBe(true);
    },
  );
});
