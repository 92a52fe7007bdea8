import { type AddressInfo, createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HerokuClient } from "./client";
import { HerokuApiError, HerokuBudgetError } from "./errors";
import { readLogSession } from "./log-session";
import { RateBudget } from "./rate-budget";
import { type RunningSimulator, startSimulator } from "./simulator";

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ apps: 12, clock: "manual", seed: 7 });
});
afterAll(async () => {
  await sim.close();
});

const sleeps: number[] = [];
function client(overrides: Partial<ConstructorParameters<typeof HerokuClient>[0]> = {}) {
  return new HerokuClient({
    apiKey: sim.apiKey,
    baseUrl: sim.url,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...overrides,
  });
}

async function fault(status: number, count: number) {
  const response = await fetch(`${sim.url}/__sim/faults`, {
    method: "POST",
    headers: { Authorization: `Bearer ${sim.scenarioToken}`, "Content-Type": "application/json" },
    body: JSON.stringify({ status, count }),
  });
  expect(response.ok).toBe(true);
}

describe("HerokuClient against the simulator", () => {
  it("reads the account and every app across several Range pages", async () => {
    const heroku = client();
    const account = await heroku.getAccount();
    expect(account.email).toMatch(/@/);
    const before = heroku.requestCount;
    const apps = await heroku.listApps({ pageSize: 5 });
    expect(apps).toHaveLength(12);
    expect(new Set(apps.map((a) => a.id)).size).toBe(12);
    expect(heroku.requestCount - before).toBe(3); // 5 + 5 + 2
  });

  it("reads formation and dynos with the fields discovery needs", async () => {
    const heroku = client();
    const formation = await heroku.listFormation("shop-prod");
    expect(formation.map((f) => f.type).sort()).toEqual(["web", "worker"]);
    const dynos = await heroku.listDynos("shop-prod");
    expect(
      dynos.some((d) => d.name === "web.1" && d.type === "web" && typeof d.state === "string"),
    ).toBe(true);
  });

  it("turns a refused key into one clear unauthorized error, without retrying", async () => {
    const heroku = client({ apiKey: "not-the-key-0000" });
    const error = await heroku.getAccount().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HerokuApiError);
    expect((error as HerokuApiError).id).toBe("unauthorized");
    expect((error as HerokuApiError).status).toBe(401);
    expect((error as HerokuApiError).userMessage).toMatch(/^The Heroku API key was refused/);
    expect(heroku.requestCount).toBe(1);
  });

  it("reports 404 with Heroku's id and message", async () => {
    const error = await client()
      .getApp("no-such-app")
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 404, id: "not_found" });
    expect((error as Error).message).toMatch(/Couldn't find that app/);
  });

  it("backs off and retries on 429 and 503, then succeeds", async () => {
    const heroku = client();
    sleeps.length = 0;
    await fault(503, 2);
    await expect(heroku.getAccount()).resolves.toMatchObject({ email: expect.any(String) });
    expect(heroku.requestCount).toBe(3);
    expect(sleeps.length).toBeGreaterThanOrEqual(2);
    sleeps.length = 0;
    await fault(429, 1);
    await expect(heroku.listApps()).resolves.toHaveLength(12);
    expect(sleeps).toContain(1000); // Retry-After: 1
  });

  it("gives up after its retries and surfaces the last error", async () => {
    const heroku = client({ maxRetries: 2 });
    await fault(503, 5);
    await expect(heroku.getAccount()).rejects.toMatchObject({ status: 503 });
    expect(heroku.requestCount).toBe(3);
    await fault(503, 0);
  });

  it("never sends a restart again once it may have reached Heroku; retries a refused connection", async () => {
    // the simulator answers, but the answer is held until the client gives up (a lost answer)
    const sent: string[] = [];
    const lossy = client({
      timeoutMs: 200,
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        sent.push(`${init?.method} ${new URL(String(input)).pathname}`);
        const signal = init?.signal;
        if (init?.method === "DELETE" && signal) {
          await new Promise((_, reject) => {
            signal.addEventListener("abort", () => reject(signal.reason), { once: true });
          });
        }
        return response;
      },
    });
    const error = await lossy.restartDyno("shop-prod", "web.2").catch((e: unknown) => e);
    expect(error).toMatchObject({ id: "no_answer", retryable: false });
    expect((error as HerokuApiError).userMessage).toMatch(/not sent again/);
    expect(sent).toEqual(["DELETE /apps/shop-prod/dynos/web.2"]);
    // reads that time out are still retried: repeating them is harmless
    await expect(lossy.getAccount()).resolves.toMatchObject({ email: expect.any(String) });

    // a refused connection never reached Heroku: the restart is retried, then gives up
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const refused = client({ baseUrl: `http://127.0.0.1:${port}`, maxRetries: 2 });
    await expect(refused.restartDyno("shop-prod", "web.2")).rejects.toMatchObject({
      id: "network",
    });
    expect(refused.requestCount).toBe(3);
  });

  it("restarts a dyno, a process type and the whole app (202)", async () => {
    const heroku = client();
    const before = (await heroku.listDynos("shop-prod")).find((d) => d.name === "web.1");
    await heroku.restartDyno("shop-prod", "web.1");
    await heroku.restartProcessType("shop-prod", "worker");
    await heroku.restartApp("shop-prod");
    await sim.advance(10);
    const after = (await heroku.listDynos("shop-prod")).find((d) => d.name === "web.1");
    expect(after?.id).not.toBe(before?.id);
    await expect(heroku.restartProcessType("shop-prod", "nope")).rejects.toMatchObject({
      status: 404,
    });
  });

  it("keeps the reserve: with the pool at the polling reserve, discovery is refused and restarts go through", async () => {
    const budget = new RateBudget({
      pool: 4500,
      refillPerMinute: 75,
      pollReserve: 4000,
      discoverReserve: 4400,
      paceBelow: 0,
    });
    const heroku = client({ budget, maxBudgetWaitMs: 1000 });
    await heroku.getRateLimit(); // observes ~4400 remaining or less
    budget.observe(4000, new Date());
    await expect(heroku.listApps()).rejects.toBeInstanceOf(HerokuBudgetError);
    await expect(heroku.restartDyno("shop-prod", "web.1")).resolves.toBeUndefined();
  });

  it("opens a log session and reads it as plain text and as SSE", async () => {
    const heroku = client();
    await sim.advance(60);
    const plain = await heroku.createLogSession("shop-prod", {
      lines: 20,
      source: "heroku",
      tail: false,
    });
    const lines: string[] = [];
    const result = await readLogSession(plain.logplex_url, { onLine: (l) => lines.push(l) });
    expect(result.lines).toBe(20);
    expect(lines.every((l) => / heroku\[[^\]]+\]: /.test(l))).toBe(true);
    const sse = await heroku.createLogSession("shop-prod", { lines: 5, tail: false });
    const sseLines: string[] = [];
    await readLogSession(sse.logplex_url, { onLine: (l) => sseLines.push(l), eventStream: true });
    expect(sseLines).toHaveLength(5);
    expect(sseLines[0]).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it("adds, lists and removes a log drain", async () => {
    const heroku = client();
    const drain = await heroku.addLogDrain("shop-staging", "http://127.0.0.1:9/api/drains/x");
    expect(drain.token).toMatch(/^d\./);
    expect((await heroku.listLogDrains("shop-staging")).map((d) => d.id)).toContain(drain.id);
    await heroku.removeLogDrain("shop-staging", drain.id);
    expect(await heroku.listLogDrains("shop-staging")).toEqual([]);
  });
});

describe("rate-limit answers", () => {
  it("treats a 429 without RateLimit-Remaining as an empty pool", async () => {
    const responses = [
      new Response(
        JSON.stringify({ id: "rate_limit", message: "Your account reached the API rate limit" }),
        { status: 429 },
      ),
    ];
    const heroku = new HerokuClient({
      apiKey: "k",
      baseUrl: "http://127.0.0.1:9",
      maxRetries: 0,
      fetch: async () => responses.shift() ?? new Response("{}"),
    });
    await expect(heroku.getAccount()).rejects.toMatchObject({ status: 429, id: "rate_limit" });
    expect(heroku.budget.snapshot(new Date()).remaining).toBe(0);
  });
});
