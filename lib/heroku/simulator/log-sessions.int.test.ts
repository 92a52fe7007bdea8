import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningSimulator, startSimulator } from "./index";
import { call, createSession, readLogs, waitFor } from "./test-kit";

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({
    clock: "manual",
    startAt: new Date("2025-03-04T09:00:00Z"),
    seed: 4,
    logSessionLifetimeSeconds: 120,
  });
  await sim.advance(300);
});
afterAll(async () => {
  await sim.close();
});

const proc = (line: string) => /^\S+ (app|heroku)\[([^\]]+)\]: /.exec(line)?.[2];
const source = (line: string) => /^\S+ (app|heroku)\[/.exec(line)?.[1];

/** Reads a stream as it arrives; `lines` fills up until the server ends it or `stop` is called. */
async function openStream(url: string, accept = "text/plain") {
  const controller = new AbortController();
  const response = await fetch(url, { headers: { Accept: accept }, signal: controller.signal });
  const lines: string[] = [];
  let raw = "";
  const reader = response.body?.getReader();
  const decoder = new TextDecoder();
  const done = (async () => {
    if (!reader) return;
    try {
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) return;
        raw += decoder.decode(chunk.value, { stream: true });
        const parts = raw.split("\n");
        raw = parts.pop() ?? "";
        lines.push(...parts);
      }
    } catch {
      // aborted by stop()
    }
  })();
  return { response, lines, done, stop: () => controller.abort() };
}

describe("creating a session", () => {
  it("answers 201 with a logplex_url on the simulator's own host", async () => {
    const response = await call(sim, "POST", "/apps/shop-prod/log-sessions", {
      body: { lines: 10, tail: false },
    });
    expect(response.status).toBe(201);
    expect(response.json).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      logplex_url: expect.stringMatching(
        new RegExp(
          `^${sim.url.replace(/\./g, "\\.")}/logs/stream\\?session=[0-9a-f-]{36}&token=[\\w-]+$`,
        ),
      ),
      created_at: "2025-03-04T09:05:00Z",
      updated_at: "2025-03-04T09:05:00Z",
    });
  });

  it("refuses an unknown source with 422 and an unknown app with 404", async () => {
    const bad = await call(sim, "POST", "/apps/shop-prod/log-sessions", {
      body: { source: "kernel" },
    });
    expect(bad.status).toBe(422);
    expect(bad.json).toMatchObject({ id: "invalid_params" });
    const missing = await call(sim, "POST", "/apps/nope/log-sessions", { body: {} });
    expect(missing.status).toBe(404);
  });
});

describe("replay", () => {
  it("replays the last `lines` lines oldest first, then closes", async () => {
    const all = await readLogs(sim, "shop-prod", { lines: 1500 });
    const last20 = await readLogs(sim, "shop-prod", { lines: 20 });
    expect(last20).toEqual(all.slice(-20));
    expect(await readLogs(sim, "shop-prod", { lines: 0 })).toEqual([]);
  });

  it("replays 100 lines when `lines` is omitted", async () => {
    const url = await createSession(sim, "billing-api", {});
    const text = await (await fetch(url)).text();
    expect(text.endsWith("\n")).toBe(true);
    expect(text.split("\n").filter(Boolean)).toHaveLength(100);
  });

  it("filters by source", async () => {
    const heroku = await readLogs(sim, "shop-prod", { source: "heroku", lines: 300 });
    const app = await readLogs(sim, "shop-prod", { source: "app", lines: 300 });
    expect(heroku).toHaveLength(300);
    expect(heroku.every((l) => source(l) === "heroku")).toBe(true);
    expect(app.every((l) => source(l) === "app")).toBe(true);
    expect(new Set(app.map(proc))).toEqual(
      new Set(["web.1", "web.2", "worker.1", "heroku-postgres", "heroku-redis"]),
    );
  });

  it("filters by dyno name, by process type prefix (dyno_name or dyno), and by router", async () => {
    const web1 = await readLogs(sim, "shop-prod", { dyno: "web.1", lines: 200 });
    expect(new Set(web1.map(proc))).toEqual(new Set(["web.1"]));
    expect(new Set(web1.map(source))).toEqual(new Set(["app", "heroku"]));
    const web = await readLogs(sim, "shop-prod", { dyno_name: "web", lines: 300 });
    expect(new Set(web.map(proc))).toEqual(new Set(["web.1", "web.2"]));
    const router = await readLogs(sim, "shop-prod", { dyno: "router", lines: 50 });
    expect(router).toHaveLength(50);
    expect(router.every((l) => proc(l) === "router")).toBe(true);
    const both = await readLogs(sim, "shop-prod", { dyno: "worker", source: "heroku", lines: 50 });
    expect(both.every((l) => proc(l) === "worker.1" && source(l) === "heroku")).toBe(true);
  });
});

describe("the stream URL", () => {
  it("answers 404 to an unknown session or a wrong token, and serves a session once", async () => {
    const url = await createSession(sim, "shop-prod", { lines: 5 });
    expect(
      (await fetch(url.replace(/session=[^&]+/, "session=00000000-0000-4000-8000-000000000000")))
        .status,
    ).toBe(404);
    expect((await fetch(url.replace(/token=[^&]+/, "token=forged"))).status).toBe(404);
    const first = await fetch(url);
    expect(first.status).toBe(200);
    expect((await first.text()).split("\n").filter(Boolean)).toHaveLength(5);
    expect((await fetch(url)).status).toBe(404);
  });

  it("expires a session that is not connected within 300 simulated seconds", async () => {
    const fresh = await createSession(sim, "shop-prod", { lines: 5 });
    const stale = await createSession(sim, "shop-prod", { lines: 5 });
    await sim.advance(200);
    expect((await fetch(fresh)).status).toBe(200);
    await sim.advance(101);
    const response = await fetch(stale);
    expect(response.status).toBe(404);
  });
});

describe("tail", () => {
  it("replays, then streams the lines produced as the clock advances", async () => {
    const url = await createSession(sim, "shop-prod", { lines: 5, tail: true });
    const stream = await openStream(url);
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get("content-type")).toMatch(/^text\/plain/);
    await waitFor(() => stream.lines.length >= 5, "the replay");
    expect(stream.lines).toHaveLength(5);
    await sim.advance(10);
    await waitFor(() => stream.lines.length > 20, "tailed lines");
    const history = await readLogs(sim, "shop-prod", { lines: 1500 });
    const tailed = stream.lines.slice(5);
    const at = history.indexOf(tailed[0] ?? "");
    expect(at).toBeGreaterThan(0);
    await waitFor(() => stream.lines.length - 5 === history.length - at, "every new line");
    expect(stream.lines.slice(5)).toEqual(history.slice(at));
    stream.stop();
    await stream.done;
  });

  it("applies filters to tailed lines too", async () => {
    const url = await createSession(sim, "shop-prod", { dyno: "router", lines: 0, tail: true });
    const stream = await openStream(url);
    await sim.advance(20);
    await waitFor(() => stream.lines.length > 10, "router lines");
    expect(stream.lines.every((l) => proc(l) === "router")).toBe(true);
    stream.stop();
    await stream.done;
  });

  it("ends the tail after its lifetime in simulated time", async () => {
    const url = await createSession(sim, "shop-staging", { lines: 1, tail: true });
    const stream = await openStream(url);
    await sim.advance(60);
    await waitFor(() => stream.lines.length > 1, "tailed lines");
    await sim.advance(61);
    await stream.done;
    const count = stream.lines.length;
    await sim.advance(30);
    expect(stream.lines.length).toBe(count);
  });

  it("frames lines as SSE when the client asks for text/event-stream", async () => {
    const url = await createSession(sim, "billing-api", { lines: 3, tail: true });
    const stream = await openStream(url, "text/event-stream");
    expect(stream.response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    await sim.advance(5);
    await waitFor(() => stream.lines.length >= 30, "SSE frames");
    stream.stop();
    await stream.done;
    const frames = stream.lines.slice(0, 30);
    const ids: number[] = [];
    for (let i = 0; i < 30; i += 3) {
      expect(frames[i]).toMatch(/^id: \d+$/);
      expect(frames[i + 1]).toMatch(
        /^data: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00 (app|heroku)\[[^\]]+\]: /,
      );
      expect(frames[i + 2]).toBe("");
      ids.push(Number(frames[i]?.slice(4)));
    }
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
  });
});
