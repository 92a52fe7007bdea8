import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { type RunningSimulator, type SimulatorOptions, startSimulator } from "./index";
import { call, control, createSession, type SessionRequest } from "./test-kit";

const open: RunningSimulator[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function simulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const sim = await startSimulator({
    clock: "manual",
    startAt: new Date("2025-03-04T09:00:00Z"),
    seed: 33,
    ...options,
  });
  open.push(sim);
  return sim;
}

/**
 * Starts `name` on `app`, then returns every line (matching `filter`) of the next `seconds`
 * simulated seconds, read through a tail whose lifetime ends with the window.
 */
async function run(input: {
  app: string;
  name: string;
  dyno?: string;
  params?: Record<string, unknown>;
  seconds: number;
  filter?: SessionRequest;
}) {
  const sim = await simulator({ logSessionLifetimeSeconds: input.seconds });
  const url = await createSession(sim, input.app, { ...input.filter, lines: 0, tail: true });
  const stream = await fetch(url);
  const started = await control(sim, "POST", "/__sim/scenarios", {
    app: input.app,
    dyno: input.dyno,
    name: input.name,
    params: input.params,
  });
  expect(started.status).toBe(201);
  await sim.advance(input.seconds);
  const lines = (await stream.text()).split("\n").filter(Boolean);
  return { sim, lines, id: (started.json as { id: string }).id };
}

const messages = (lines: string[], proc: string) =>
  lines
    .map((line) => /^\S+ (?:app|heroku)\[([^\]]+)\]: (.*)$/.exec(line))
    .filter((m) => m?.[1] === proc)
    .map((m) => m?.[2] ?? "");

const timeOf = (line: string) => Date.parse(line.slice(0, 32));

function indexAfter(list: string[], from: number, test: (s: string) => boolean): number {
  for (let i = from; i < list.length; i++) if (test(list[i] ?? "")) return i;
  return -1;
}

describe("the scenario API", () => {
  it("requires the scenario token", async () => {
    const sim = await simulator();
    expect((await fetch(`${sim.url}/__sim/scenarios`)).status).toBe(401);
    const withApiKey = await call(sim, "GET", "/__sim/scenarios");
    expect(withApiKey.status).toBe(401);
    expect((await call(sim, "POST", "/__sim/clock", { body: { advanceSeconds: 1 } })).status).toBe(
      401,
    );
  });

  it("lists every scenario with its parameters and defaults", async () => {
    const sim = await simulator();
    const response = await control(sim, "GET", "/__sim/scenarios");
    const list = z
      .array(
        z.object({
          name: z.string(),
          description: z.string().min(20),
          params: z.array(
            z.object({
              name: z.string(),
              type: z.enum(["number", "boolean"]),
              default: z.union([z.number(), z.boolean()]),
              description: z.string(),
            }),
          ),
        }),
      )
      .parse(response.json);
    expect(list.map((s) => s.name)).toEqual([
      "memory-leak",
      "h12-burst",
      "crash-loop",
      "boot-failure",
      "5xx-storm",
      "slow-requests",
      "h18-h13",
      "drain-overload",
      "runtime-metrics",
      "deploy",
    ]);
    const leak = list.find((s) => s.name === "memory-leak");
    expect(leak?.params).toContainEqual(
      expect.objectContaining({ name: "percentPerMinute", default: 25 }),
    );
    const metrics = list.find((s) => s.name === "runtime-metrics");
    expect(metrics?.params).toEqual([
      expect.objectContaining({ name: "enabled", type: "boolean", default: true }),
    ]);
  });

  it.each([
    [{ app: "nope", name: "memory-leak" }, /Unknown app "nope"/],
    [{ app: "shop-prod", name: "meteor-strike" }, /Unknown scenario "meteor-strike".*memory-leak/],
    [{ app: "shop-prod", dyno: "web.7", name: "memory-leak" }, /no dyno or process type "web\.7"/],
    [
      { app: "shop-prod", name: "memory-leak", params: { percentPerMinute: -1 } },
      /percentPerMinute must be at least/,
    ],
    [
      { app: "shop-prod", name: "h12-burst", params: { colour: "red" } },
      /unknown parameter|colour/i,
    ],
    [{ name: "memory-leak" }, /app is required/],
  ])("answers 400 with a clear message to %j", async (body, message) => {
    const sim = await simulator();
    const response = await control(sim, "POST", "/__sim/scenarios", body);
    expect(response.status).toBe(400);
    expect((response.json as { message: string }).message).toMatch(message);
  });

  it("stops a scenario with DELETE (204), then answers 404 for it", async () => {
    const sim = await simulator();
    const started = await control(sim, "POST", "/__sim/scenarios", {
      app: "shop-prod",
      name: "5xx-storm",
    });
    expect(started.json).toMatchObject({
      name: "5xx-storm",
      app: "shop-prod",
      params: { fraction: 0.3 },
    });
    const id = (started.json as { id: string }).id;
    expect((await control(sim, "DELETE", `/__sim/scenarios/${id}`)).status).toBe(204);
    expect((await control(sim, "DELETE", `/__sim/scenarios/${id}`)).status).toBe(404);
  });

  it("moves the manual clock, and refuses to move a real one with 409", async () => {
    const sim = await simulator();
    const moved = await control(sim, "POST", "/__sim/clock", { advanceSeconds: 90 });
    expect(moved.status).toBe(200);
    expect(moved.json).toMatchObject({ clock: "manual", now: "2025-03-04T09:01:30.000Z" });
    expect((await control(sim, "POST", "/__sim/clock", { advanceSeconds: -5 })).status).toBe(400);
    const real = await startSimulator({ clock: "real" });
    open.push(real);
    const refused = await control(real, "POST", "/__sim/clock", { advanceSeconds: 5 });
    expect(refused.status).toBe(409);
    await expect(real.advance(5)).rejects.toThrow(/real clock/);
  });
});

describe("memory-leak", () => {
  it("raises memory each sample, then R14 every ~20 s past the quota, then R15, SIGKILL, 137, a crash and the restart", async () => {
    const { lines } = await run({
      app: "shop-prod",
      dyno: "web.1",
      name: "memory-leak",
      seconds: 480,
      filter: { source: "heroku", dyno: "web" },
    });
    const web1 = messages(lines, "web.1");
    const totals = web1
      .map((m) => /sample#memory_total=([\d.]+)MB/.exec(m)?.[1])
      .filter((v) => v !== undefined)
      .map(Number);
    const r14 = web1.flatMap((m, i) => (m === "Error R14 (Memory quota exceeded)" ? [i] : []));
    const r15 = web1.indexOf("Error R15 (Memory quota vastly exceeded)");
    expect(r14.length).toBeGreaterThanOrEqual(3);
    expect(r15).toBeGreaterThan(r14.at(-1) ?? Number.POSITIVE_INFINITY);
    for (const i of r14) expect(web1[i - 1]).toMatch(/^Process running mem=\d+M\(1\d\d\.\d%\)$/);
    expect(web1[r15 - 1]).toMatch(/^Process running mem=\d+M\(2\d\d\.\d%\)$/);
    const beforeCrash = totals.slice(0, totals.findIndex((t) => t > 1000) + 1);
    expect(beforeCrash.length).toBeGreaterThan(10);
    expect(beforeCrash.at(-1)).toBeGreaterThan((beforeCrash[0] ?? 0) + 400);
    expect(web1.slice(r15 + 1, r15 + 7).filter((m) => !m.startsWith("source="))).toEqual([
      "Stopping process with SIGKILL",
      "Process exited with status 137",
      "State changed from up to crashed",
      "State changed from crashed to starting",
      "Starting process with command `npm start`",
      "State changed from starting to up",
    ]);
    const web1Lines = lines.filter((l) => l.includes(" heroku[web.1]: Error R14"));
    const gaps = web1Lines.slice(1).map((l, i) => timeOf(l) - timeOf(web1Lines[i] ?? ""));
    expect(gaps.every((g) => Math.abs(g - 20_000) < 100)).toBe(true);
    expect(messages(lines, "web.2").some((m) => m.startsWith("Error R1"))).toBe(false);
  });

  it("resets memory when the dyno is restarted through the API", async () => {
    const { sim, id } = await run({
      app: "shop-prod",
      dyno: "worker.1",
      name: "memory-leak",
      params: { percentPerMinute: 30 },
      seconds: 240,
    });
    const during = await (
      await fetch(
        await createSession(sim, "shop-prod", { dyno: "worker.1", source: "heroku", lines: 20 }),
      )
    ).text();
    expect(during).toContain("Error R14 (Memory quota exceeded)");
    await control(sim, "DELETE", `/__sim/scenarios/${id}`);
    expect((await call(sim, "DELETE", "/apps/shop-prod/dynos/worker.1")).status).toBe(202);
    await sim.advance(90);
    const after = (
      await (
        await fetch(
          await createSession(sim, "shop-prod", { dyno: "worker.1", source: "heroku", lines: 200 }),
        )
      ).text()
    )
      .split("\n")
      .filter(Boolean);
    const restart = after.findIndex((l) => l.endsWith("heroku[worker.1]: Restarting"));
    expect(restart).toBeGreaterThanOrEqual(0);
    const samples = after
      .slice(restart)
      .map((l) => /sample#memory_total=([\d.]+)MB/.exec(l)?.[1])
      .filter((v) => v !== undefined)
      .map(Number);
    expect(samples.length).toBeGreaterThanOrEqual(3);
    expect(samples.every((mb) => mb < 1024 * 0.7)).toBe(true);
    expect(after.slice(restart).some((l) => l.includes("Error R14"))).toBe(false);
  });
});

describe("router scenarios", () => {
  it("h12-burst logs H12 timeouts at the requested rate, and the late completion", async () => {
    const { lines } = await run({
      app: "shop-prod",
      name: "h12-burst",
      params: { ratePerMinute: 60 },
      seconds: 120,
    });
    const h12 = messages(lines, "router").filter((m) => m.includes("code=H12"));
    expect(h12.length).toBeGreaterThan(80);
    expect(h12.length).toBeLessThan(160);
    for (const m of h12) {
      expect(m).toMatch(
        /^at=error code=H12 desc="Request timeout" method=POST path="\/api\/reports\/export" host=\S+ request_id=[0-9a-f-]{36} fwd="[^"]+" dyno=web\.[12] connect=\d+ms service=30000ms status=503 bytes=0 protocol=/,
      );
    }
    const late = lines.filter((l) =>
      /app\[web\.\d\]: POST \/api\/reports\/export 200 3\d{4}\.\d{3} ms/.test(l),
    );
    expect(late.length).toBeGreaterThan(40);
  });

  it("h12-burst with durationSeconds stops by itself", async () => {
    const { lines } = await run({
      app: "shop-prod",
      name: "h12-burst",
      params: { ratePerMinute: 120, durationSeconds: 30 },
      seconds: 90,
    });
    const h12 = lines.filter((l) => l.includes("code=H12"));
    expect(h12.length).toBeGreaterThan(20);
    const start = Date.parse("2025-03-04T09:00:00Z");
    expect(h12.every((l) => timeOf(l) <= start + 30_000)).toBe(true);
  });

  it("crash-loop: exit 1, up→crashed, crashed→starting with growing gaps, and H10 while no web dyno is up", async () => {
    const sim = await simulator();
    const url = await createSession(sim, "shop-staging", { lines: 0, tail: true });
    const stream = await fetch(url);
    await control(sim, "POST", "/__sim/scenarios", {
      app: "shop-staging",
      name: "crash-loop",
      params: { upSeconds: 20 },
    });
    const states = new Set<string>();
    for (let t = 0; t < 300; t += 5) {
      await sim.advance(5);
      states.add(
        ((await call(sim, "GET", "/apps/shop-staging/dynos/web.1")).json as { state: string })
          .state,
      );
    }
    expect(states).toEqual(new Set(["up", "crashed", "starting"]));
    await sim.advance(700);
    const lines = (await stream.text()).split("\n").filter(Boolean);
    const web = messages(lines, "web.1");
    expect(web.filter((m) => m === "Process exited with status 1").length).toBeGreaterThanOrEqual(
      4,
    );
    let from = 0;
    for (const step of [
      "Process exited with status 1",
      "State changed from up to crashed",
      "State changed from crashed to starting",
      "Starting process with command `npm start`",
      "State changed from starting to up",
    ]) {
      from = indexAfter(web, from, (m) => m === step) + 1;
      expect(from, step).toBeGreaterThan(0);
    }
    const webLines = lines.filter((l) => l.includes(" heroku[web.1]: State changed from "));
    const gaps: number[] = [];
    for (let i = 0; i < webLines.length - 1; i++) {
      if (
        webLines[i]?.endsWith("up to crashed") &&
        webLines[i + 1]?.endsWith("crashed to starting")
      ) {
        gaps.push(timeOf(webLines[i + 1] ?? "") - timeOf(webLines[i] ?? ""));
      }
    }
    expect(gaps.length).toBeGreaterThanOrEqual(4);
    expect(gaps).toEqual([...gaps].sort((a, b) => a - b));
    expect(gaps.at(-1)).toBeGreaterThan((gaps[1] ?? 0) * 2);
    const h10 = messages(lines, "router").filter((m) =>
      m.startsWith('at=error code=H10 desc="App crashed"'),
    );
    expect(h10.length).toBeGreaterThan(20);
    expect(h10[0]).toMatch(/ dyno= connect= service= status=503 bytes= /);
  });

  it("boot-failure: R10 after 60 s of starting, SIGKILL, 137, starting→crashed, H20 while booting, H10 while crashed; stopping it lets the dyno boot", async () => {
    const { sim, lines, id } = await run({
      app: "shop-staging",
      name: "boot-failure",
      seconds: 200,
    });
    const web = messages(lines, "web.1");
    const r10 = web.indexOf(
      "Error R10 (Boot timeout) -> Web process failed to bind to $PORT within 60 seconds of launch",
    );
    expect(r10).toBeGreaterThan(0);
    expect(web.slice(r10 + 1, r10 + 4)).toEqual([
      "Stopping process with SIGKILL",
      "Process exited with status 137",
      "State changed from starting to crashed",
    ]);
    const start =
      lines.find((l) => l.endsWith("heroku[web.1]: Starting process with command `npm start`")) ??
      "";
    const kill = lines.find((l) => l.includes("heroku[web.1]: Error R10")) ?? "";
    expect(timeOf(kill) - timeOf(start)).toBeGreaterThanOrEqual(60_000);
    expect(timeOf(kill) - timeOf(start)).toBeLessThan(61_000);
    const router = messages(lines, "router");
    expect(router.some((m) => m.startsWith('at=error code=H20 desc="App boot timeout"'))).toBe(
      true,
    );
    expect(router.some((m) => m.startsWith('at=error code=H10 desc="App crashed"'))).toBe(true);
    expect(router.some((m) => m.startsWith("at=info"))).toBe(false);
    expect(
      ((await call(sim, "GET", "/apps/shop-staging/dynos/web.1")).json as { state: string }).state,
    ).not.toBe("up");
    await control(sim, "DELETE", `/__sim/scenarios/${id}`);
    await sim.advance(15);
    expect(
      ((await call(sim, "GET", "/apps/shop-staging/dynos/web.1")).json as { state: string }).state,
    ).toBe("up");
  });

  it("5xx-storm answers the requested share of requests with status=500 at=info", async () => {
    const { lines } = await run({
      app: "billing-api",
      name: "5xx-storm",
      params: { fraction: 0.5 },
      seconds: 120,
      filter: { dyno: "router" },
    });
    const statuses = lines.map((l) => Number(/ status=(\d+)/.exec(l)?.[1]));
    const errors = lines.filter((l) => /: at=info .* status=500 /.test(l));
    expect(statuses.length).toBeGreaterThan(200);
    expect(errors.length / statuses.length).toBeGreaterThan(0.4);
    expect(errors.length / statuses.length).toBeLessThan(0.6);
  });

  it("slow-requests multiplies service times", async () => {
    const median = (lines: string[]) => {
      const values = lines.map((l) => Number(/ service=(\d+)ms/.exec(l)?.[1])).filter((v) => v > 0);
      return values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
    };
    const slow = await run({
      app: "billing-api",
      name: "slow-requests",
      params: { factor: 20 },
      seconds: 120,
      filter: { dyno: "router" },
    });
    const normal = await run({
      app: "billing-api",
      name: "slow-requests",
      params: { factor: 1 },
      seconds: 120,
      filter: { dyno: "router" },
    });
    expect(median(slow.lines)).toBeGreaterThan(median(normal.lines) * 10);
  });

  it("h18-h13 logs sporadic H18 (sock=backend) and H13 on POSTs", async () => {
    const { lines } = await run({
      app: "shop-prod",
      name: "h18-h13",
      params: { ratePerMinute: 30 },
      seconds: 120,
      filter: { dyno: "router" },
    });
    const h18 = lines.filter((l) => l.includes("code=H18"));
    const h13 = lines.filter((l) => l.includes("code=H13"));
    expect(h18.length).toBeGreaterThan(5);
    expect(h13.length).toBeGreaterThan(5);
    for (const line of h18) {
      expect(line).toMatch(
        /router\]: sock=backend at=error code=H18 desc="Server Request Interrupted" method=POST /,
      );
    }
    for (const line of h13) {
      expect(line).toMatch(
        /router\]: at=error code=H13 desc="Connection closed without response" method=POST .* status=503 bytes=0 /,
      );
    }
  });
});

describe("platform scenarios", () => {
  it("runtime-metrics switches the feature like the PATCH does", async () => {
    const sim = await simulator();
    const started = await control(sim, "POST", "/__sim/scenarios", {
      app: "shop-staging",
      name: "runtime-metrics",
      params: { enabled: true },
    });
    expect(started.status).toBe(201);
    const feature = await call(sim, "GET", "/apps/shop-staging/features/log-runtime-metrics");
    expect(feature.json).toMatchObject({ enabled: true });
  });

  it("deploy logs the build and release, bumps the release and restarts every dyno", async () => {
    const { sim, lines } = await run({ app: "shop-prod", name: "deploy", seconds: 15 });
    const before = await call(sim, "GET", "/apps/shop-prod/dynos/web.1");
    expect(before.json).toMatchObject({ release: { version: 143 }, state: "up" });
    const api = messages(lines, "api");
    expect(api).toEqual([
      "Build started by user ops@acme.io",
      expect.stringMatching(/^Deploy [0-9a-f]{8} by user ops@acme\.io$/),
      "Release v143 created by user ops@acme.io",
      "Build succeeded",
    ]);
    for (const dyno of ["web.1", "web.2", "worker.1"]) {
      expect(messages(lines, dyno)).toContain("Restarting");
    }
  });
});
