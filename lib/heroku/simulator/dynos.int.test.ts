import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningSimulator, startSimulator } from "./index";
import { call, readLogs } from "./test-kit";

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({
    clock: "manual",
    startAt: new Date("2025-03-04T09:00:00Z"),
    seed: 9,
  });
});
afterAll(async () => {
  await sim.close();
});

type Dyno = { id: string; name: string; state: string; size: string; updated_at: string };

async function dyno(app: string, name: string): Promise<Dyno> {
  const response = await call(sim, "GET", `/apps/${app}/dynos/${name}`);
  expect(response.status).toBe(200);
  return response.json as Dyno;
}

async function dynoNames(app: string): Promise<string[]> {
  return ((await call(sim, "GET", `/apps/${app}/dynos`)).json as Dyno[]).map((d) => d.name).sort();
}

/** The messages of `dyno`'s heroku lines, oldest first. */
async function dynoMessages(app: string, name: string): Promise<string[]> {
  const lines = await readLogs(sim, app, { dyno: name, source: "heroku" });
  return lines.map((line) => line.replace(/^\S+ heroku\[[^\]]+\]: /, ""));
}

// PLATFORM.md §2.5
const RESTART = [
  "Restarting",
  "State changed from up to starting",
  "Stopping all processes with SIGTERM",
  "Process exited with status 143",
  "Starting process with command `npm start`",
  "State changed from starting to up",
];

function expectInOrder(messages: string[], expected: string[]): void {
  let from = 0;
  for (const wanted of expected) {
    const index = messages.indexOf(wanted, from);
    expect(
      index,
      `"${wanted}" after position ${from} in ${JSON.stringify(messages)}`,
    ).toBeGreaterThanOrEqual(from);
    from = index + 1;
  }
}

function lifecycle(messages: string[]): string[] {
  return messages.filter((m) => !m.startsWith("source="));
}

describe("restarts", () => {
  it("restarts one dyno: 202 {}, starting then up, a new id, and the §2.5 sequence in its log", async () => {
    const before = await dyno("shop-prod", "web.1");
    const other = await dyno("shop-prod", "web.2");
    const response = await call(sim, "DELETE", "/apps/shop-prod/dynos/web.1");
    expect(response.status).toBe(202);
    expect(response.json).toEqual({});
    const during = await dyno("shop-prod", "web.1");
    expect(during.state).toBe("starting");
    expect(during.id).not.toBe(before.id);
    await sim.advance(10);
    const after = await dyno("shop-prod", "web.1");
    expect(after).toMatchObject({ state: "up", id: during.id });
    expect((await dyno("shop-prod", "web.2")).id).toBe(other.id);
    expect(lifecycle(await dynoMessages("shop-prod", "web.1")).slice(-6)).toEqual(RESTART);
    const web2 = await dynoMessages("shop-prod", "web.2");
    expect(web2).not.toContain("Restarting");
  });

  it("puts the sequence in simulated time: SIGTERM about a second in, up a few seconds later", async () => {
    await call(sim, "DELETE", "/apps/shop-prod/dynos/web.2");
    await sim.advance(10);
    const lines = await readLogs(sim, "shop-prod", { dyno: "web.2", source: "heroku" });
    const times = new Map<string, number>();
    for (const line of lines) {
      const match = /^(\S+) heroku\[web\.2\]: (.*)$/.exec(line);
      if (match?.[1] && match[2]) times.set(match[2], Date.parse(match[1]));
    }
    const at = (message: string) => times.get(message) ?? Number.NaN;
    expect(at("Stopping all processes with SIGTERM") - at("Restarting")).toBeGreaterThan(500);
    expect(at("State changed from starting to up") - at("Restarting")).toBeGreaterThan(3000);
    expect(at("State changed from starting to up") - at("Restarting")).toBeLessThan(10_000);
    for (const line of lines) {
      expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00 heroku\[web\.2\]: /);
    }
  });

  it("restarts every dyno of a type with DELETE /formations/{type}", async () => {
    const worker = await dyno("shop-prod", "worker.1");
    const web = await dyno("shop-prod", "web.1");
    const response = await call(sim, "DELETE", "/apps/shop-prod/formations/worker");
    expect(response.status).toBe(202);
    expect(response.json).toEqual({});
    await sim.advance(10);
    expect((await dyno("shop-prod", "worker.1")).id).not.toBe(worker.id);
    expect((await dyno("shop-prod", "web.1")).id).toBe(web.id);
    expectInOrder(await dynoMessages("shop-prod", "worker.1"), [
      "Restarting",
      "State changed from up to starting",
      "Stopping all processes with SIGTERM",
      "Process exited with status 143",
      "Starting process with command `node dist/worker.js`",
      "State changed from starting to up",
    ]);
  });

  it("restarts the whole app with DELETE /dynos", async () => {
    const before = ((await call(sim, "GET", "/apps/billing-api/dynos")).json as Dyno[]).map(
      (d) => d.id,
    );
    const response = await call(sim, "DELETE", "/apps/billing-api/dynos");
    expect(response.status).toBe(202);
    expect(response.json).toEqual({});
    const during = (await call(sim, "GET", "/apps/billing-api/dynos")).json as Dyno[];
    expect(during.every((d) => d.state === "starting")).toBe(true);
    await sim.advance(10);
    const after = (await call(sim, "GET", "/apps/billing-api/dynos")).json as Dyno[];
    expect(after.every((d) => d.state === "up")).toBe(true);
    expect(after.map((d) => d.id).filter((id) => before.includes(id))).toEqual([]);
    for (const name of ["web.1", "web.2", "clock.1"]) {
      expectInOrder(await dynoMessages("billing-api", name), [
        "Restarting",
        "State changed from starting to up",
      ]);
    }
  });

  it("stops a dyno, which the formation then brings back", async () => {
    const before = await dyno("shop-staging", "web.1");
    const response = await call(sim, "POST", "/apps/shop-staging/dynos/web.1/actions/stop");
    expect(response.status).toBe(202);
    await sim.advance(15);
    const after = await dyno("shop-staging", "web.1");
    expect(after.state).toBe("up");
    expect(after.id).not.toBe(before.id);
    expectInOrder(await dynoMessages("shop-staging", "web.1"), [
      "Stopping all processes with SIGTERM",
      "Process exited with status 143",
      "State changed from up to down",
      "State changed from down to starting",
      "State changed from starting to up",
    ]);
  });
});

describe("scaling", () => {
  it("scales web up: web.3 appears starting, comes up, and app[api] logs the scale", async () => {
    const response = await call(sim, "PATCH", "/apps/shop-prod/formation/web", {
      body: { quantity: 3 },
    });
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ type: "web", quantity: 3, size: "Standard-1X" });
    expect((await dyno("shop-prod", "web.3")).state).toBe("starting");
    await sim.advance(10);
    expect((await dyno("shop-prod", "web.3")).state).toBe("up");
    const api = await readLogs(sim, "shop-prod", { dyno: "api" });
    expect(api.at(-1)).toMatch(/ app\[api\]: Scaled to web@3:Standard-1X by user ops@acme\.io$/);
    expectInOrder(await dynoMessages("shop-prod", "web.3"), [
      "Starting process with command `npm start`",
      "State changed from starting to up",
    ]);
  });

  it("scales several types at once and changes a size", async () => {
    const response = await call(sim, "PATCH", "/apps/shop-prod/formation", {
      body: {
        updates: [
          { type: "web", quantity: 2 },
          { type: "worker", quantity: 2, dyno_size: { name: "performance-m" } },
        ],
      },
    });
    expect(response.status).toBe(200);
    expect(
      (response.json as { type: string; quantity: number; size: string }[]).map(
        (f) => `${f.type}@${f.quantity}:${f.size}`,
      ),
    ).toEqual(["web@2:Standard-1X", "worker@2:Performance-M"]);
    expect(await dynoNames("shop-prod")).toEqual(["web.1", "web.2", "worker.1", "worker.2"]);
    await sim.advance(10);
    expect((await dyno("shop-prod", "worker.1")).size).toBe("Performance-M");
    const api = await readLogs(sim, "shop-prod", { dyno: "api" });
    expect(api.at(-1)).toMatch(
      /Scaled to web@2:Standard-1X worker@2:Performance-M by user ops@acme\.io$/,
    );
    expectInOrder(await dynoMessages("shop-prod", "web.3"), [
      "State changed from up to down",
      "Process exited with status 143",
    ]);
  });

  it("scales a type to 0, which removes its dynos, and back", async () => {
    await call(sim, "PATCH", "/apps/shop-prod/formation/worker", { body: { quantity: 0 } });
    expect(await dynoNames("shop-prod")).toEqual(["web.1", "web.2"]);
    await call(sim, "PATCH", "/apps/shop-prod/formation/worker", {
      body: { quantity: 1, dyno_size: { name: "Standard-2X" } },
    });
    await sim.advance(10);
    expect(await dyno("shop-prod", "worker.1")).toMatchObject({ state: "up", size: "Standard-2X" });
  });

  it("refuses more than one Basic dyno, an unknown size and an unknown type", async () => {
    const basic = await call(sim, "PATCH", "/apps/shop-staging/formation/web", {
      body: { quantity: 2 },
    });
    expect(basic.status).toBe(422);
    expect(basic.json).toMatchObject({
      id: "invalid_params",
      message: expect.stringContaining("Basic"),
    });
    const size = await call(sim, "PATCH", "/apps/shop-prod/formation/web", {
      body: { dyno_size: { name: "Huge-9X" } },
    });
    expect(size.status).toBe(422);
    const type = await call(sim, "PATCH", "/apps/shop-prod/formation", {
      body: { updates: [{ type: "sidekiq", quantity: 1 }] },
    });
    expect(type.status).toBe(404);
    expect(type.json).toEqual({
      id: "not_found",
      message: "Couldn't find that process type (sidekiq).",
    });
    expect(await dynoNames("shop-staging")).toEqual(["web.1"]);
  });
});

describe("log-runtime-metrics", () => {
  const metricLines = async (name: string) =>
    (await dynoMessages("shop-staging", name)).filter((m) => m.includes("sample#"));

  it("takes effect only once the dynos restart", async () => {
    expect(await metricLines("web.1")).toEqual([]);
    const patched = await call(sim, "PATCH", "/apps/shop-staging/features/log-runtime-metrics", {
      body: { enabled: true },
    });
    expect(patched.json).toMatchObject({ enabled: true });
    await sim.advance(60);
    expect(await metricLines("web.1")).toEqual([]);
    await call(sim, "DELETE", "/apps/shop-staging/dynos");
    await sim.advance(60);
    const web = await dyno("shop-staging", "web.1");
    const lines = await metricLines("web.1");
    expect(lines.length).toBeGreaterThanOrEqual(4);
    expect(lines[0]).toMatch(
      new RegExp(
        `^source=web\\.1 dyno=heroku\\.\\d+\\.${web.id} sample#load_avg_1m=\\d+\\.\\d\\d `,
      ),
    );
    expect(lines.some((l) => /sample#memory_quota=512\.00MB$/.test(l))).toBe(true);

    await call(sim, "PATCH", "/apps/shop-staging/features/log-runtime-metrics", {
      body: { enabled: false },
    });
    const before = (await metricLines("web.1")).length;
    await sim.advance(60);
    expect((await metricLines("web.1")).length).toBeGreaterThan(before);
    await call(sim, "DELETE", "/apps/shop-staging/dynos/web.1");
    await sim.advance(10);
    const stopped = (await metricLines("web.1")).length;
    await sim.advance(60);
    expect((await metricLines("web.1")).length).toBe(stopped);
  });
});
