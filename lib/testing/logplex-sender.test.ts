import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  answerVerdict,
  backoffMs,
  drainTarget,
  type LogplexAnswer,
  LogplexSender,
  percentile,
} from "./logplex-sender";

describe("percentile", () => {
  it.each([
    [[], 0.99, 0],
    [[5], 0.5, 5],
    [[3, 1, 2], 0.5, 2],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.99, 10],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.5, 6],
    [[10, 1], 0, 1],
  ])("%j at %d is %d", (values, q, expected) => {
    expect(percentile(values, q)).toBe(expected);
  });
});

describe("backoffMs", () => {
  it.each([
    [1, 250],
    [2, 500],
    [3, 1000],
    [5, 4000],
    [9, 4000],
  ])("retry %d waits %d ms", (retry, expected) => {
    expect(backoffMs(retry, 250, 4000)).toBe(expected);
  });
});

describe("answerVerdict", () => {
  it.each([
    [200, "delivered"],
    [204, "delivered"],
    [400, "dropped"],
    [401, "dropped"],
    [404, "dropped"],
    [413, "dropped"],
    [429, "retry"],
    [500, "retry"],
    [503, "retry"],
    [0, "retry"],
  ] as const)("status %d is %s (PLATFORM.md §6.3)", (status, expected) => {
    expect(answerVerdict(status)).toBe(expected);
  });
});

describe("drainTarget", () => {
  it.each([
    ["http://h:1/api/drains/x.secret", "http://h:1/api/drains/x.secret", null],
    [
      "http://drain:s3cret@h:1/api/drains/x",
      "http://h:1/api/drains/x",
      `Basic ${Buffer.from("drain:s3cret").toString("base64")}`,
    ],
    [
      "http://drain:a%2Fb@h:1/api/drains/x",
      "http://h:1/api/drains/x",
      `Basic ${Buffer.from("drain:a/b").toString("base64")}`,
    ],
  ])("%s posts to %s with %s", (url, target, authorization) => {
    expect(drainTarget(url)).toEqual({ target, authorization });
  });
});

type Seen = { frameId: string; count: string; authorization: string | undefined; body: string };

/** A drain endpoint whose answers the test scripts, one per request; then 204. */
async function drainServer(
  script: ((req: IncomingMessage, res: ServerResponse) => void)[],
): Promise<{ url: string; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      seen.push({
        frameId: String(req.headers["logplex-frame-id"]),
        count: String(req.headers["logplex-msg-count"]),
        authorization: req.headers.authorization,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      const next = script.shift();
      if (next) next(req, res);
      else res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const batch = (tag: number, text = `line ${tag}\n`) => ({
  body: `${Buffer.byteLength(text)} ${text}`,
  count: 1,
  tag,
});

const fast = { firstBackoffMs: 10, maxBackoffMs: 20 };

describe("LogplexSender", () => {
  it("retries a batch whose kept-alive socket the server closed under it (npm run bench crashed on it)", async () => {
    // the health check leaves a kept-alive socket; the server drops it as the first batch goes out
    // on it, as `npm start` did after its 5 s keep-alive timeout while the bench built its bodies
    const { url, seen } = await drainServer([
      (_req, res) => res.writeHead(200).end(),
      (req) => req.socket.destroy(),
    ]);
    await (await fetch(`${url}/api/health`)).arrayBuffer();
    const answers: LogplexAnswer[] = [];
    const sender = new LogplexSender({ url, ...fast, onAnswer: (a) => answers.push(a) });
    sender.enqueue(batch(1));
    await sender.idle();
    expect(answers.map((a) => [a.status, a.failure])).toEqual([
      [0, "connection"],
      [204, undefined],
    ]);
    expect(sender.stats()).toMatchObject({ deliveredLines: 1, retries: 1 });
    expect(new Set(seen.slice(1).map((s) => s.frameId)).size).toBe(1);
  });

  it("retries 503, 429 and a request that times out, with the same frame id", async () => {
    const { url, seen } = await drainServer([
      (_req, res) => res.writeHead(503, { "Retry-After": "1" }).end(),
      (_req, res) => res.writeHead(429).end(),
      () => {
        // never answered: the sender gives up waiting and tries again
      },
    ]);
    const answers: LogplexAnswer[] = [];
    const sender = new LogplexSender({
      url,
      ...fast,
      timeoutMs: 1_000,
      onAnswer: (a) => answers.push(a),
    });
    sender.enqueue(batch(1));
    await sender.idle();
    expect(answers.slice(0, 3).map((a) => a.failure ?? a.status)).toEqual([503, 429, "timeout"]);
    expect(answers.at(-1)?.status).toBe(204);
    expect(new Set(seen.map((s) => s.frameId)).size).toBe(1);
    expect(sender.stats()).toMatchObject({ deliveredLines: 1, droppedLines: 0, expiredLines: 0 });
  });

  it("drops a batch refused with another 4xx and counts its lines", async () => {
    const { url, seen } = await drainServer([(_req, res) => res.writeHead(401).end()]);
    const sender = new LogplexSender({ url, ...fast });
    sender.enqueue({ ...batch(1), count: 3 });
    await sender.idle();
    expect(seen).toHaveLength(1);
    expect(sender.stats()).toMatchObject({ requests: 1, retries: 0, droppedLines: 3 });
  });

  it("gives a frame id up when its retry window closes", async () => {
    const always503 = Array.from(
      { length: 50 },
      () => (_req: IncomingMessage, res: ServerResponse) => {
        res.writeHead(503).end();
      },
    );
    const { url } = await drainServer(always503);
    const sender = new LogplexSender({ url, ...fast, retryWindowMs: 100 });
    sender.enqueue(batch(1));
    await sender.idle();
    expect(sender.stats()).toMatchObject({ deliveredLines: 0, expiredLines: 1 });
  });

  it("sends URL credentials as Basic auth and the rest of the URL as the target", async () => {
    const { url, seen } = await drainServer([]);
    const target = new URL("/api/drains/abc", url);
    target.username = "drain";
    target.password = "the-secret";
    const sender = new LogplexSender({ url: target.toString() });
    sender.enqueue(batch(1));
    await sender.idle();
    expect(seen[0]?.authorization).toBe(
      `Basic ${Buffer.from("drain:the-secret").toString("base64")}`,
    );
  });

  it("sends queued batches together up to the batch size, with their total count", async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { url, seen } = await drainServer([
      (_req, res) => {
        void held.then(() => res.writeHead(204).end());
      },
    ]);
    const sender = new LogplexSender({ url, maxBatchBytes: 30 });
    sender.enqueue(batch(1, "first\n"));
    // queued while the first request is in flight: the next request takes what fits in 30 bytes
    sender.enqueue(batch(2, "second\n"));
    sender.enqueue(batch(3, "third\n"));
    sender.enqueue(batch(4, "a much longer fourth line\n"));
    release();
    await sender.idle();
    expect(seen.map((s) => [s.count, s.body])).toEqual([
      ["1", "6 first\n"],
      ["2", "7 second\n6 third\n"],
      ["1", "26 a much longer fourth line\n"],
    ]);
  });

  it("pushes the oldest queued batches out of a full buffer, like Logplex's L10", async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { url, seen } = await drainServer([
      (_req, res) => {
        void held.then(() => res.writeHead(204).end());
      },
    ]);
    const sender = new LogplexSender({ url, bufferLines: 2, maxBatchBytes: 0 });
    for (let tag = 1; tag <= 5; tag++) sender.enqueue(batch(tag));
    release();
    await sender.idle();
    expect(seen.map((s) => s.body)).toEqual([batch(1).body, batch(4).body, batch(5).body]);
    expect(sender.stats()).toMatchObject({ deliveredLines: 3, overflowLines: 2 });
  });
});
