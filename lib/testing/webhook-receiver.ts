// A local webhook endpoint for tests: records every request (method, path, headers, the raw body
// bytes) and answers with a chosen status, body, headers and delay. With `secret`, it checks each
// delivery the way a receiver should (verifyWebhookSignature on the raw bytes) and records the
// verdict; with `rejectUnsigned`, a delivery that fails the check is answered 401.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type VerifyResult, verifyWebhookSignature } from "@/lib/notify/templates/webhook";

export type WebhookReply = {
  status: number;
  body?: string;
  headers?: Record<string, string>;
  /** Wait this long before answering (a delay past the sender's timeout tests its deadline). */
  delayMs?: number;
};

export type ReceivedWebhook = {
  at: Date;
  method: string;
  /** Path and query, as requested. */
  path: string;
  /** Request headers, names in lower case. */
  headers: Record<string, string>;
  /** The body exactly as received. */
  rawBody: Buffer;
  /** The verdict of verifyWebhookSignature, when the receiver has a secret. */
  verified: VerifyResult | null;
  /** The status answered. */
  status: number;
};

export type WebhookReceiver = {
  /** Base URL, e.g. http://127.0.0.1:41234 (any path is accepted). */
  url: string;
  received: ReceivedWebhook[];
  /** The reply to every request from now on (default 200 "ok"). */
  respondWith(reply: WebhookReply): void;
  /** Replies for the next requests, in order, before falling back to the default. */
  respondNext(...replies: WebhookReply[]): void;
  close(): Promise<void>;
};

function headerMap(req: IncomingMessage): Record<string, string> {
  return Object.fromEntries(
    Object.entries(req.headers).map(([name, value]) => [
      name.toLowerCase(),
      Array.isArray(value) ? value.join(", ") : (value ?? ""),
    ]),
  );
}

async function rawBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  }
  return Buffer.concat(chunks);
}

export async function startWebhookReceiver(
  options: { secret?: string; rejectUnsigned?: boolean; toleranceSeconds?: number } = {},
): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const queue: WebhookReply[] = [];
  let fallback: WebhookReply = { status: 200, body: "ok" };
  const timers = new Set<NodeJS.Timeout>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await rawBody(req);
    const headers = headerMap(req);
    const verified =
      options.secret !== undefined
        ? verifyWebhookSignature(options.secret, headers, body, options.toleranceSeconds)
        : null;
    let reply = queue.shift() ?? fallback;
    if (options.rejectUnsigned && verified && !verified.ok) {
      reply = { status: 401, body: JSON.stringify({ error: verified.reason }) };
    }
    received.push({
      at: new Date(),
      method: req.method ?? "",
      path: req.url ?? "/",
      headers,
      rawBody: body,
      verified,
      status: reply.status,
    });
    const send = () => {
      if (res.writableEnded || res.destroyed) return;
      const text = reply.body ?? "";
      res.writeHead(reply.status, {
        "Content-Type": "text/plain; charset=utf-8",
        "Content-Length": String(Buffer.byteLength(text)),
        ...reply.headers,
      });
      res.end(text);
    };
    if (reply.delayMs) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        send();
      }, reply.delayMs);
      timers.add(timer);
    } else {
      send();
    }
  }

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    received,
    respondWith(reply) {
      fallback = reply;
    },
    respondNext(...replies) {
      queue.push(...replies);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
