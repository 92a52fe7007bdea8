import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningSimulator, startSimulator } from "./index";
import { call, control, createSession, readLogs, waitFor } from "./test-kit";

const START = new Date("2025-03-04T09:00:00Z");
const WINDOW = 300;
let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({
    clock: "manual",
    startAt: START,
    seed: 21,
    logSessionLifetimeSeconds: WINDOW,
  });
});
afterAll(async () => {
  await sim.close();
});

/** Every line `app` produces during the next WINDOW simulated seconds (a tail that ends with it). */
async function nextWindow(target: RunningSimulator, app: string): Promise<string[]> {
  const url = await createSession(target, app, { lines: 0, tail: true });
  const response = await fetch(url);
  await target.advance(WINDOW);
  return (await response.text()).split("\n").filter(Boolean);
}

// PLATFORM.md §4.1
const ENVELOPE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00) (app|heroku)\[([^\]]+)\]: (.*)$/;
// PLATFORM.md §4.2, Router 2.0 shape
const ROUTER_INFO =
  /^at=info method=[A-Z]+ path="[^"]+" host=\S+ request_id=[0-9a-f-]{36} fwd="[^"]*" dyno=web\.\d+ connect=\d+ms service=(\d+)ms status=(\d{3}) bytes=\d+ protocol=http(1\.1|2\.0) tls=(true tls_version=(tls1\.[23]|unknown)|false)$/;

const parse = (line: string) => {
  const match = ENVELOPE.exec(line);
  if (!match) throw new Error(`not a §4.1 line: ${line}`);
  return {
    at: Date.parse(match[1] ?? ""),
    source: match[2],
    proc: match[3],
    message: match[4] ?? "",
  };
};

describe("traffic of the demo account", () => {
  let shop: ReturnType<typeof parse>[] = [];
  beforeAll(async () => {
    shop = (await nextWindow(sim, "shop-prod")).map(parse);
  });

  it("writes every line in the §4.1 envelope with microsecond timestamps", () => {
    expect(shop.length).toBeGreaterThan(500);
  });

  it("routes 1-5 requests a second to web dynos, mostly 2xx/3xx with some 4xx", () => {
    const router = shop.filter((l) => l.proc === "router");
    expect(router.length / WINDOW).toBeGreaterThan(1);
    expect(router.length / WINDOW).toBeLessThan(5);
    const info = router.map((l) => ROUTER_INFO.exec(l.message)).filter((m) => m !== null);
    expect(info.length).toBeGreaterThan(router.length * 0.95);
    const statuses = info.map((m) => Number(m[2]));
    const ok = statuses.filter((s) => s < 400).length;
    expect(ok / statuses.length).toBeGreaterThan(0.9);
    expect(statuses.some((s) => s >= 400 && s < 500)).toBe(true);
    const services = info.map((m) => Number(m[1])).sort((a, b) => a - b);
    const median = services[Math.floor(services.length / 2)] ?? 0;
    const p99 = services[Math.floor(services.length * 0.99)] ?? 0;
    expect(median).toBeGreaterThan(5);
    expect(p99).toBeGreaterThan(median * 4);
    expect(new Set(info.map((m) => m[0].match(/dyno=(web\.\d)/)?.[1]))).toEqual(
      new Set(["web.1", "web.2"]),
    );
  });

  it("logs app output from web and worker dynos", () => {
    expect(shop.some((l) => l.source === "app" && l.proc === "web.1")).toBe(true);
    expect(shop.some((l) => l.source === "app" && l.proc === "worker.1")).toBe(true);
  });

  it("samples runtime metrics (both lines) every 20 s per dyno", () => {
    for (const dyno of ["web.1", "web.2", "worker.1"]) {
      const load = shop.filter((l) => l.proc === dyno && l.message.includes("sample#load_avg_1m="));
      const memory = shop.filter(
        (l) => l.proc === dyno && l.message.includes("sample#memory_total="),
      );
      expect(load.length).toBeGreaterThanOrEqual(14);
      expect(memory.length).toBe(load.length);
      for (let i = 1; i < load.length; i++) {
        expect(Math.abs((load[i]?.at ?? 0) - (load[i - 1]?.at ?? 0) - 20_000)).toBeLessThan(50);
      }
      expect(memory[0]?.message).toMatch(
        new RegExp(
          `^source=${dyno.replace(".", "\\.")} dyno=heroku\\.\\d+\\.[0-9a-f-]{36} sample#memory_total=\\d+\\.\\d\\dMB sample#memory_rss=\\d+\\.\\d\\dMB sample#memory_cache=\\d+\\.\\d\\dMB sample#memory_swap=\\d+\\.\\d\\dMB sample#memory_pgpgin=\\d+pages sample#memory_pgpgout=\\d+pages sample#memory_quota=(512|1024)\\.00MB$`,
        ),
      );
    }
  });

  it("logs Heroku Postgres and Redis samples once a minute", () => {
    const postgres = shop.filter((l) => l.source === "app" && l.proc === "heroku-postgres");
    const redis = shop.filter((l) => l.source === "app" && l.proc === "heroku-redis");
    expect(postgres.length).toBeGreaterThanOrEqual(4);
    expect(postgres.length).toBeLessThanOrEqual(6);
    expect(redis.length).toBeGreaterThanOrEqual(4);
    expect(postgres[0]?.message).toMatch(
      /^source=DATABASE addon=postgresql-rugged-51877 sample#current_transaction=\d+ sample#db_size=\d+bytes sample#tables=\d+ sample#active-connections=\d+ sample#waiting-connections=\d+ .*sample#wal-percentage-used=[\d.]+$/,
    );
    expect(redis[0]?.message).toMatch(
      /^source=REDIS addon=redis-angular-12093 sample#active-connections=\d+ .*sample#memory-redis=\d+bytes sample#hit-rate=[\d.]+ sample#evicted-keys=\d+$/,
    );
    expect((postgres[1]?.at ?? 0) - (postgres[0]?.at ?? 0)).toBe(60_000);
  });

  it("adds nothing while the manual clock stands still", async () => {
    const before = await readLogs(sim, "shop-prod", { lines: 50 });
    const after = await readLogs(sim, "shop-prod", { lines: 50 });
    expect(after).toEqual(before);
  });

  it("keeps only the last 1500 lines of an app", async () => {
    expect(await readLogs(sim, "shop-prod", { lines: 1500 })).toHaveLength(1500);
    const response = await call(sim, "POST", "/apps/shop-prod/log-sessions", {
      body: { lines: 5000 },
    });
    expect(response.status).toBe(201);
    const text = await (await fetch((response.json as { logplex_url: string }).logplex_url)).text();
    expect(text.split("\n").filter(Boolean)).toHaveLength(1500);
  });
});

describe("apps without runtime metrics, add-ons or web dynos", () => {
  it("emits no metric or add-on lines for shop-staging", async () => {
    const staging = (await nextWindow(sim, "shop-staging")).map(parse);
    expect(staging.filter((l) => l.proc === "router").length).toBeGreaterThan(100);
    expect(staging.some((l) => l.message.includes("sample#"))).toBe(false);
  });

  it("answers only H14 once web is scaled to 0", async () => {
    await call(sim, "PATCH", "/apps/shop-staging/formation/web", { body: { quantity: 0 } });
    const router = (await nextWindow(sim, "shop-staging"))
      .map(parse)
      .filter((l) => l.proc === "router");
    expect(router.length).toBeGreaterThan(3);
    for (const line of router) {
      expect(line.message).toMatch(
        /^at=error code=H14 desc="No web processes running" method=\S+ path="[^"]+" host=\S+ request_id=\S+ fwd="[^"]*" dyno= connect= service= status=503 bytes= /,
      );
    }
  });
});

describe("determinism", () => {
  async function run(seed: number): Promise<string[]> {
    const target = await startSimulator({ clock: "manual", startAt: START, seed });
    try {
      await target.advance(90);
      await call(target, "DELETE", "/apps/shop-prod/dynos/web.2");
      await call(target, "PATCH", "/apps/billing-api/formation/web", { body: { quantity: 3 } });
      await target.advance(45);
      const lines: string[] = [];
      for (const app of ["shop-prod", "shop-staging", "billing-api"]) {
        lines.push(...(await readLogs(target, app, { lines: 1500 })));
      }
      return lines;
    } finally {
      await target.close();
    }
  }

  it("replays identical lines for the same seed and clock steps, and different ones for another seed", async () => {
    const [a, b, c] = await Promise.all([run(77), run(77), run(78)]);
    expect(a.length).toBeGreaterThan(1000);
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
  });
});

describe("trafficScale", () => {
  it("multiplies the router request rate", async () => {
    const busy = await startSimulator({
      clock: "manual",
      startAt: START,
      seed: 21,
      trafficScale: 3,
      logSessionLifetimeSeconds: WINDOW,
    });
    try {
      const scaled = (await nextWindow(busy, "billing-api")).filter((l) =>
        l.includes(" heroku[router]: "),
      );
      const base = (await nextWindow(sim, "billing-api")).filter((l) =>
        l.includes(" heroku[router]: "),
      );
      expect(scaled.length).toBeGreaterThan(base.length * 2);
      expect(scaled.length).toBeLessThan(base.length * 4);
    } finally {
      await busy.close();
    }
  });
});

describe("the real clock", () => {
  it("produces lines on its own as wall-clock time passes", async () => {
    const real = await startSimulator({ clock: "real", seed: 21 });
    try {
      const clock = await control(real, "GET", "/__sim/clock");
      expect(clock.json).toMatchObject({ clock: "real" });
      const opened = Date.now();
      const history = await readLogs(real, "shop-prod", { lines: 1500 });
      expect(history.length).toBeGreaterThan(100);
      const url = await createSession(real, "shop-prod", { dyno: "router", lines: 0, tail: true });
      const controller = new AbortController();
      const response = await fetch(url, { signal: controller.signal });
      const reader = response.body?.getReader();
      let text = "";
      await waitFor(async () => {
        const chunk = await reader?.read();
        text += new TextDecoder().decode(chunk?.value);
        return text.split("\n").filter(Boolean).length >= 3;
      }, "live router lines");
      controller.abort();
      for (const line of text.split("\n").filter(Boolean).slice(0, 3)) {
        expect(parse(line).proc).toBe("router");
        expect(parse(line).at).toBeGreaterThan(opened - 1000);
      }
    } finally {
      await real.close();
    }
  });
});
