import { afterEach, describe, expect, it } from "vitest";
import { type RunningSimulator, type SimulatorOptions, startSimulator } from "./index";
import {
  call,
  control,
  createSession,
  frameToLine,
  parseFrames,
  readLogs,
  startReceiver,
  waitFor,
} from "./test-kit";

type Receiver = Awaited<ReturnType<typeof startReceiver>>;
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((close) => close()));
});

async function simulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const sim = await startSimulator({
    clock: "manual",
    startAt: new Date("2025-03-04T09:00:00Z"),
    seed: 12,
    ...options,
  });
  cleanup.push(sim.close);
  return sim;
}

async function receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver> {
  const started = await startReceiver(...args);
  cleanup.push(started.close);
  return started;
}

async function addDrain(sim: RunningSimulator, app: string, url: string) {
  const response = await call(sim, "POST", `/apps/${app}/log-drains`, { body: { url } });
  expect(response.status).toBe(201);
  return response.json as { id: string; token: string; url: string };
}

const framesOf = (r: Receiver) => r.requests.flatMap((request) => parseFrames(request.body));

describe("drain delivery", () => {
  it("POSTs application/logplex-1 batches with exact octet counts and Logplex headers, one at a time, every new line in order", async () => {
    const sim = await simulator({ logSessionLifetimeSeconds: 600 });
    const drainHost = await receiver(() => 204, { delayMs: 15 });
    const drain = await addDrain(sim, "shop-prod", `${drainHost.url}/api/drains/shop-prod`);
    const tail = await fetch(await createSession(sim, "shop-prod", { lines: 0, tail: true }));
    await sim.advance(600);
    const produced = (await tail.text()).split("\n").filter(Boolean);
    expect(produced.length).toBeGreaterThan(2000);
    await waitFor(() => framesOf(drainHost).length >= produced.length, "every line delivered");

    expect(drainHost.requests.length).toBeGreaterThan(1);
    expect(drainHost.stats.maxConcurrent).toBe(1);
    for (const request of drainHost.requests) {
      const frames = parseFrames(request.body);
      expect(request.method).toBe("POST");
      expect(request.url).toBe("/api/drains/shop-prod");
      expect(request.headers["content-type"]).toBe("application/logplex-1");
      expect(request.headers["user-agent"]).toBe("Logplex/v123");
      expect(request.headers["logplex-drain-token"]).toBe(drain.token);
      expect(request.headers["logplex-frame-id"]).toMatch(/^[0-9A-F]{32}$/);
      expect(Number(request.headers["logplex-msg-count"])).toBe(frames.length);
      expect(Number(request.headers["content-length"])).toBe(request.body.length);
      expect(request.headers.authorization).toBeUndefined();
      expect(request.body.length).toBeLessThanOrEqual(102_400);
    }
    expect(new Set(drainHost.requests.map((r) => r.headers["logplex-frame-id"])).size).toBe(
      drainHost.requests.length,
    );

    const messages = framesOf(drainHost);
    expect(messages.map(frameToLine)).toEqual(produced);
    const utf8 = messages.find((m) => [...m].some((c) => c.charCodeAt(0) > 127));
    expect(utf8).toBeDefined();
    expect(Buffer.byteLength(utf8 ?? "")).toBeGreaterThan((utf8 ?? "").length);

    const pri = (proc: string, source: string) =>
      messages.find((m) => m.includes(` host ${source} ${proc} - `))?.match(/^<(\d+)>1 /)?.[1];
    expect(pri("router", "heroku")).toBe("158");
    expect(pri("web.1", "heroku")).toBe("45");
    expect(pri("web.1", "app")).toBe("190");
    expect(pri("heroku-postgres", "app")).toBe("134");
    expect(messages[0]).toMatch(
      /^<\d+>1 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00 host (app|heroku) \S+ - .*\n$/s,
    );
  });

  it("retries a 503 with the same frame id and body", async () => {
    const sim = await simulator();
    const drainHost = await receiver((index) => (index === 0 ? 503 : 204));
    await addDrain(sim, "billing-api", `${drainHost.url}/drain`);
    await sim.advance(5);
    await waitFor(() => drainHost.requests.length >= 2, "the retry");
    const [first, second] = drainHost.requests;
    expect(first?.answered).toBe(503);
    expect(second?.headers["logplex-frame-id"]).toBe(first?.headers["logplex-frame-id"]);
    expect(second?.body.equals(first?.body ?? Buffer.alloc(0))).toBe(true);
    await sim.advance(5);
    await waitFor(() => drainHost.requests.length >= 3, "the next batch");
    expect(drainHost.requests[2]?.headers["logplex-frame-id"]).not.toBe(
      first?.headers["logplex-frame-id"],
    );
  });

  it("sends Basic auth from the URL's credentials, strips them from the request and never shows them", async () => {
    const sim = await simulator();
    const drainHost = await receiver();
    const url = `http://drain-user:s3cr%40t@127.0.0.1:${drainHost.port}/api/drains/staging?token=abc`;
    const drain = await addDrain(sim, "shop-staging", url);
    const shown = `http://drain-user:***@127.0.0.1:${drainHost.port}/api/drains/staging?token=abc`;
    expect(drain.url).toBe(shown);
    const listed = await call(sim, "GET", "/apps/shop-staging/log-drains");
    expect(JSON.stringify(listed.json)).not.toContain("s3cr");
    expect(listed.json).toEqual([expect.objectContaining({ url: shown })]);
    await sim.advance(10);
    await waitFor(() => drainHost.requests.length >= 1, "a delivery");
    const request = drainHost.requests[0];
    expect(request?.url).toBe("/api/drains/staging?token=abc");
    expect(request?.headers.authorization).toBe(
      `Basic ${Buffer.from("drain-user:s3cr@t").toString("base64")}`,
    );
  });

  it("drops a batch answered 400 without retrying it", async () => {
    const sim = await simulator();
    const drainHost = await receiver(() => 400);
    await addDrain(sim, "shop-prod", `${drainHost.url}/refuses`);
    await sim.advance(5);
    await waitFor(() => drainHost.requests.length >= 1, "a delivery");
    await sim.advance(5);
    await waitFor(() => drainHost.requests.length >= 3, "later batches");
    const ids = drainHost.requests.map((r) => r.headers["logplex-frame-id"]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("stops delivering once the drain is removed", async () => {
    const sim = await simulator();
    const removed = await receiver();
    const kept = await receiver();
    const drain = await addDrain(sim, "shop-prod", `${removed.url}/a`);
    await addDrain(sim, "shop-prod", `${kept.url}/b`);
    await sim.advance(5);
    await waitFor(() => removed.requests.length >= 1 && removed.stats.inFlight === 0, "a delivery");
    await waitFor(
      () => framesOf(removed).length === framesOf(kept).length,
      "both drains caught up",
    );
    const before = removed.requests.length;
    expect((await call(sim, "DELETE", `/apps/shop-prod/log-drains/${drain.id}`)).status).toBe(200);
    const keptBefore = framesOf(kept).length;
    await sim.advance(10);
    await waitFor(() => framesOf(kept).length > keptBefore + 20, "the kept drain's next batches");
    expect(removed.requests.length).toBe(before);
  });
});

describe("drain-overload", () => {
  it("overflows the 1024-message buffer, then leads the next batch with an L10 frame that also lands in the log history", async () => {
    const sim = await simulator();
    const drainHost = await receiver();
    const drain = await addDrain(sim, "shop-prod", `${drainHost.url}/drain`);
    await sim.advance(2);
    await waitFor(
      () => drainHost.requests.length >= 1 && drainHost.stats.inFlight === 0,
      "a first delivery",
    );
    const started = await control(sim, "POST", "/__sim/scenarios", {
      app: "shop-prod",
      name: "drain-overload",
      params: { durationSeconds: 120 },
    });
    expect(started.status).toBe(201);
    const deliveredBefore = drainHost.requests.length;
    await sim.advance(60);
    await sim.advance(61);
    await waitFor(() => drainHost.requests.length > deliveredBefore, "delivery after the stall");
    const first = drainHost.requests[deliveredBefore];
    const frames = parseFrames(first?.body ?? Buffer.alloc(0));
    expect(frames[0]).toMatch(
      new RegExp(
        `^<172>1 \\S+ host heroku logplex - Error L10 \\(output buffer overflow\\): drain '${drain.token.replace(/\./g, "\\.")}' dropped (\\d+) messages since \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}\\+00:00\\.\\n$`,
      ),
    );
    const dropped = Number(/dropped (\d+) messages/.exec(frames[0] ?? "")?.[1]);
    expect(dropped).toBeGreaterThan(100);
    expect(Number(first?.headers["logplex-msg-count"])).toBe(frames.length);
    await waitFor(async () => {
      const logplex = await readLogs(sim, "shop-prod", { dyno: "logplex" });
      return logplex.some((l) =>
        l.includes(
          `heroku[logplex]: Error L10 (output buffer overflow): drain '${drain.token}' dropped ${dropped} messages`,
        ),
      );
    }, "the L10 in the history");
    await waitFor(() => drainHost.stats.inFlight === 0, "the backlog delivered");
    const afterStall = drainHost.requests
      .slice(deliveredBefore)
      .flatMap((r) => parseFrames(r.body));
    expect(afterStall.filter((m) => m.includes("Error L10")).length).toBe(1);
    expect(afterStall.length - 1).toBeLessThanOrEqual(1024 + 200);
  });
});
