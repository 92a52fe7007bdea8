// Both SMS adapters over real HTTP against lib/testing/sms-servers: what goes over the wire, and how
// each answer (success, bad credentials, bad number, 429/5xx, no answer) becomes a DeliveryResult.
import { randomBytes, randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeliveryResult, SmsMessage } from "@/lib/notify/types";
import { type SmsServer, startInfobipServer, startTwilioServer } from "@/lib/testing/sms-servers";
import { createSmsSender } from "./sms";
import { createInfobipSender } from "./sms-infobip";
import { createTwilioSender } from "./sms-twilio";

const INFOBIP_KEY = `ib_${randomBytes(24).toString("hex")}`;
const TWILIO_SID = `AC${randomBytes(16).toString("hex")}`;
const TWILIO_TOKEN = randomBytes(16).toString("hex");
const TWILIO_FROM = "+15017122661";

let infobip: SmsServer;
let twilio: SmsServer;

beforeAll(async () => {
  infobip = await startInfobipServer({ apiKey: INFOBIP_KEY });
  twilio = await startTwilioServer({
    accountSid: TWILIO_SID,
    authToken: TWILIO_TOKEN,
    numbers: [TWILIO_FROM],
  });
});

afterAll(async () => {
  await Promise.all([infobip.close(), twilio.close()]);
});

function message(overrides: Partial<SmsMessage> = {}): SmsMessage {
  return {
    to: "+41793026727",
    text: `R14 shop-prod web.2: 5 in 300s. https://monitor.example.com/incidents/${randomUUID()}`,
    idempotencyKey: `outbox/${randomUUID()}`,
    ...overrides,
  };
}

/** No secret in any form, anywhere in the result. */
function expectNoSecrets(result: DeliveryResult, ...secrets: string[]): void {
  const json = JSON.stringify(result);
  for (const secret of secrets) expect(json).not.toContain(secret);
}

const twilioBasic = (sid: string, token: string) =>
  Buffer.from(`${sid}:${token}`).toString("base64");

async function silentServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer(() => {
    // never answers
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function closedPortUrl(): Promise<string> {
  const gone = await startInfobipServer({ apiKey: INFOBIP_KEY });
  await gone.close();
  return gone.url;
}

describe("Infobip adapter against a local Infobip", () => {
  const sender = (apiKey = INFOBIP_KEY) =>
    createInfobipSender({ baseUrl: infobip.url, apiKey, sender: "DynoMon" });

  it("posts the v3 body with the App key and returns Infobip's messageId", async () => {
    const msg = message();
    const result = await sender().send(msg);

    const sms = infobip.received.find((r) => r.text === msg.text);
    expect(sms).toBeDefined();
    expect(result).toEqual({
      ok: true,
      providerId: sms!.id,
      response: "200 PENDING PENDING_ACCEPTED (Message sent to next instance)",
    });
    expect(sms!.body).toEqual({
      messages: [
        { sender: "DynoMon", destinations: [{ to: "41793026727" }], content: { text: msg.text } },
      ],
    });
    expect(sms!.headers.authorization).toBe(`App ${INFOBIP_KEY}`);
    expect(sms!.headers["content-type"]).toBe("application/json");
    expect(sms!.headers.accept).toBe("application/json");
    expect(infobip.requests.at(-1)).toMatchObject({ method: "POST", path: "/sms/3/messages" });
  });

  it("takes a base URL without scheme or with a trailing slash", async () => {
    const msg = message();
    const result = await createInfobipSender({
      baseUrl: `${infobip.url}/`,
      apiKey: INFOBIP_KEY,
      sender: "DynoMon",
    }).send(msg);
    expect(result.ok).toBe(true);
  });

  it("reports a wrong key as not retryable, without the key", async () => {
    const wrong = `ib_${randomBytes(24).toString("hex")}`;
    const msg = message();
    const result = await sender(wrong).send(msg);
    expect(result).toEqual({
      ok: false,
      retryable: false,
      status: 401,
      error:
        "Infobip refused the API key (401 UNAUTHORIZED: Invalid login details). Check the Infobip API key setting.",
    });
    expectNoSecrets(result, wrong, INFOBIP_KEY);
    expect(infobip.received.some((r) => r.text === msg.text)).toBe(false);
  });

  it("reports a number Infobip rejects as not retryable, with Infobip's description", async () => {
    const msg = message({ to: "+12" });
    const result = await sender().send(msg);
    expect(result).toEqual({
      ok: false,
      retryable: false,
      status: 200,
      error:
        "Infobip did not take the SMS: REJECTED REJECTED_DESTINATION (Invalid destination address.). Check to parameter.",
    });
    expect(infobip.received.some((r) => r.text === msg.text)).toBe(false);
  });

  it.each([500, 502, 503, 429] as const)("maps an injected %i to retryable", async (status) => {
    infobip.failNext(1, status);
    const result = await sender().send(message());
    expect(result).toMatchObject({ ok: false, retryable: true, status });
    expect(!result.ok && result.error).toMatch(/^Infobip answered \d{3} [A-Z_]+: /);
    expectNoSecrets(result, INFOBIP_KEY);
  });

  it("passes Retry-After on a 429, then succeeds on the retry", async () => {
    infobip.failNext(1, 429, { retryAfter: "2" });
    const msg = message();
    const limited = await sender().send(msg);
    expect(limited).toEqual({
      ok: false,
      retryable: true,
      status: 429,
      retryAfterSeconds: 2,
      error: "Infobip answered 429 TOO_MANY_REQUESTS: Too many requests.",
    });
    expect((await sender().send(msg)).ok).toBe(true);
  });

  it("answers a malformed body with 400 and validation errors, like Infobip", async () => {
    const response = await fetch(`${infobip.url}/sms/3/messages`, {
      method: "POST",
      headers: { Authorization: `App ${INFOBIP_KEY}`, "Content-Type": "application/json" },
      body: JSON.stringify({ messages: [{ destinations: [], content: {} }] }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      requestError: {
        serviceException: {
          messageId: "BAD_REQUEST",
          text: "Bad request",
          validationErrors: {
            "messages[0].sender": ["must not be blank"],
            "messages[0].destinations": ["must not be empty"],
            "messages[0].content.text": ["must not be blank"],
          },
        },
      },
    });
  });

  it("reports a wrong base path as not retryable", async () => {
    const result = await createInfobipSender({
      baseUrl: `${infobip.url}/v2`,
      apiKey: INFOBIP_KEY,
      sender: "DynoMon",
    }).send(message());
    expect(result).toMatchObject({ ok: false, retryable: false, status: 404 });
    expect(!result.ok && result.error).toContain("Check the Infobip base URL setting.");
  });

  it("reports an unreachable Infobip as retryable", async () => {
    const result = await createInfobipSender({
      baseUrl: await closedPortUrl(),
      apiKey: INFOBIP_KEY,
      sender: "DynoMon",
    }).send(message());
    expect(result).toMatchObject({ ok: false, retryable: true });
    expect(result).not.toHaveProperty("status");
    expect(!result.ok && result.error).toMatch(/^Could not reach Infobip: /);
    expectNoSecrets(result, INFOBIP_KEY);
  });

  it("gives up on an Infobip that does not answer, as retryable", async () => {
    const silent = await silentServer();
    try {
      const result = await createInfobipSender({
        baseUrl: silent.url,
        apiKey: INFOBIP_KEY,
        sender: "DynoMon",
        timeoutMs: 200,
      }).send(message());
      expect(result).toEqual({
        ok: false,
        retryable: true,
        error: "Infobip did not answer within 200 ms.",
      });
    } finally {
      await silent.close();
    }
  });
});

describe("Twilio adapter against a local Twilio", () => {
  const sender = (token = TWILIO_TOKEN, from = TWILIO_FROM) =>
    createTwilioSender({
      baseUrl: twilio.url,
      accountSid: TWILIO_SID,
      authToken: token,
      from,
    });

  it("posts To/From/Body form-encoded with Basic auth and returns the Message sid", async () => {
    const msg = message();
    const result = await sender().send(msg);

    const sms = twilio.received.find((r) => r.text === msg.text);
    expect(sms).toBeDefined();
    expect(sms!.id).toMatch(/^SM[0-9a-f]{32}$/);
    expect(result).toEqual({
      ok: true,
      providerId: sms!.id,
      response: `201 queued ${sms!.id}, 1 segment(s)`,
    });
    expect(sms!.body).toEqual({ To: "+41793026727", From: TWILIO_FROM, Body: msg.text });
    expect(sms!.headers.authorization).toBe(`Basic ${twilioBasic(TWILIO_SID, TWILIO_TOKEN)}`);
    expect(sms!.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(twilio.requests.at(-1)).toMatchObject({
      method: "POST",
      path: `/2010-04-01/Accounts/${TWILIO_SID}/Messages.json`,
      status: 201,
    });
  });

  it("sends through a Messaging Service when the sender is an MG sid", async () => {
    const service = `MG${randomBytes(16).toString("hex")}`;
    const msg = message();
    const result = await sender(TWILIO_TOKEN, service).send(msg);
    expect(result.ok).toBe(true);
    const sms = twilio.received.find((r) => r.text === msg.text);
    expect(sms!.body).toEqual({ To: "+41793026727", MessagingServiceSid: service, Body: msg.text });
  });

  it("reports a wrong auth token as not retryable, without the token", async () => {
    const wrong = randomBytes(16).toString("hex");
    const msg = message();
    const result = await sender(wrong).send(msg);
    expect(result).toEqual({
      ok: false,
      retryable: false,
      status: 401,
      error:
        "Twilio refused the credentials (401, error 20003: Authenticate). Check the Twilio account SID and auth token settings.",
    });
    expectNoSecrets(
      result,
      wrong,
      TWILIO_TOKEN,
      twilioBasic(TWILIO_SID, wrong),
      twilioBasic(TWILIO_SID, TWILIO_TOKEN),
    );
    expect(twilio.received.some((r) => r.text === msg.text)).toBe(false);
  });

  it("reports an invalid To as Twilio's 21211, not retryable", async () => {
    const result = await sender().send(message({ to: "+12" }));
    expect(result).toEqual({
      ok: false,
      retryable: false,
      status: 400,
      error:
        "Twilio refused the SMS (400, error 21211: The 'To' number +12 is not a valid phone number.) See https://www.twilio.com/•••",
    });
  });

  it("reports a From the account does not own as 21606, not retryable", async () => {
    const result = await sender(TWILIO_TOKEN, "+15005550009").send(message());
    expect(result).toMatchObject({ ok: false, retryable: false, status: 400 });
    expect(!result.ok && result.error).toContain("error 21606");
  });

  it.each([500, 502, 503, 429] as const)("maps an injected %i to retryable", async (status) => {
    twilio.failNext(1, status);
    const result = await sender().send(message());
    expect(result).toMatchObject({ ok: false, retryable: true, status });
    expectNoSecrets(result, TWILIO_TOKEN, twilioBasic(TWILIO_SID, TWILIO_TOKEN));
  });

  it("passes Retry-After on a 429", async () => {
    twilio.failNext(1, 429, { retryAfter: "5" });
    expect(await sender().send(message())).toEqual({
      ok: false,
      retryable: true,
      status: 429,
      retryAfterSeconds: 5,
      error: "Twilio answered (429, error 20429: Too Many Requests)",
    });
  });

  it("reports another account's SID as not retryable", async () => {
    const result = await createTwilioSender({
      baseUrl: twilio.url,
      accountSid: `AC${randomBytes(16).toString("hex")}`,
      authToken: TWILIO_TOKEN,
      from: TWILIO_FROM,
    }).send(message());
    expect(result).toMatchObject({ ok: false, retryable: false, status: 401 });
  });

  it("gives up on a Twilio that does not answer, as retryable", async () => {
    const silent = await silentServer();
    try {
      const result = await createTwilioSender({
        baseUrl: silent.url,
        accountSid: TWILIO_SID,
        authToken: TWILIO_TOKEN,
        from: TWILIO_FROM,
        timeoutMs: 200,
      }).send(message());
      expect(result).toEqual({
        ok: false,
        retryable: true,
        error: "Twilio did not answer within 200 ms.",
      });
    } finally {
      await silent.close();
    }
  });

  it("reports an unreachable Twilio as retryable", async () => {
    const result = await createTwilioSender({
      baseUrl: await closedPortUrl(),
      accountSid: TWILIO_SID,
      authToken: TWILIO_TOKEN,
      from: TWILIO_FROM,
    }).send(message());
    expect(result).toMatchObject({ ok: false, retryable: true });
    expect(!result.ok && result.error).toMatch(/^Could not reach Twilio: /);
    expectNoSecrets(result, TWILIO_TOKEN);
  });
});

describe("createSmsSender", () => {
  it("picks the provider from the settings", async () => {
    const viaInfobip = message();
    const viaTwilio = message();
    const a = await createSmsSender({
      provider: "infobip",
      baseUrl: infobip.url,
      apiKey: INFOBIP_KEY,
      sender: "DynoMon",
    }).send(viaInfobip);
    const b = await createSmsSender({
      provider: "twilio",
      baseUrl: twilio.url,
      accountSid: TWILIO_SID,
      authToken: TWILIO_TOKEN,
      from: TWILIO_FROM,
    }).send(viaTwilio);
    expect(a.ok && b.ok).toBe(true);
    expect(infobip.received.some((r) => r.text === viaInfobip.text)).toBe(true);
    expect(twilio.received.some((r) => r.text === viaTwilio.text)).toBe(true);
    expect(twilio.received.some((r) => r.text === viaInfobip.text)).toBe(false);
  });
});
