// A local Upstash Redis REST API in front of a real Redis, for tests: no npm package serves the
// protocol, and the real @upstash/redis SDK should be what the tests drive. It speaks what the SDK
// (v1.39, pkg/http.ts and pkg/pipeline.ts) sends and expects:
//   - every call is a POST with `Authorization: Bearer <token>`; anything else is 401 {"error"};
//   - `/` takes one command as a JSON array (`["set","k","v","nx","ex",60]`, numbers allowed) and
//     answers {"result"} or, when Redis refuses it, 400 {"error"};
//   - `/pipeline` takes `[[...], [...]]` and answers 200 with one {"result"} | {"error"} per command;
//   - `/multi-exec` runs the same list in one MULTI/EXEC: the same answer, or 400 {"error"} when
//     Redis discards the transaction;
//   - with `Upstash-Encoding: base64` string results are base64, following the SDK's decode():
//     a command's own result stays as is when it is the status "OK", strings inside an array reply
//     are always encoded (the SDK decodes every one), integers and null are left alone.
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import IORedis from "ioredis";

export type UpstashServer = {
  /** Base URL to give the SDK (UPSTASH_REDIS_REST_URL). */
  url: string;
  /** The token it accepts (UPSTASH_REDIS_REST_TOKEN). */
  token: string;
  /** Every authorised request, oldest first: which endpoint and whether base64 was asked. */
  requests: { path: string; base64: boolean; commands: string[] }[];
  close(): Promise<void>;
};

type Arg = string | number | boolean;
type Reply = { result: unknown } | { error: string };

const MAX_BODY_BYTES = 1024 * 1024;
const b64 = (value: string) => Buffer.from(value, "utf8").toString("base64");

/** A command's own result (top level, or one entry of a pipeline / transaction). */
function encodeResult(value: unknown): unknown {
  if (typeof value === "string") return value === "OK" ? value : b64(value);
  if (Array.isArray(value)) return value.map(encodeArrayItem);
  return value;
}

function encodeArrayItem(value: unknown): unknown {
  if (typeof value === "string") return b64(value);
  if (Array.isArray(value)) return value.map(encodeResult);
  return value;
}

function parseCommand(value: unknown): [string, ...string[]] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new Error('ERR a command is a non-empty JSON array, e.g. ["get","key"]');
  }
  return value.map((arg: unknown) => {
    if (typeof arg === "string" || typeof arg === "number" || typeof arg === "boolean") {
      return String(arg as Arg);
    }
    throw new Error(`ERR command arguments are strings or numbers, got ${JSON.stringify(arg)}`);
  }) as [string, ...string[]];
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) reject(new Error("ERR request body is larger than 1 MB"));
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export async function startUpstashServer(options: {
  /** The real Redis behind it, e.g. redis://127.0.0.1:6379. */
  redisUrl: string;
  token?: string;
}): Promise<UpstashServer> {
  const token = options.token ?? `upstash-test-${randomBytes(12).toString("hex")}`;
  const redis = new IORedis(options.redisUrl, {
    connectTimeout: 2000,
    commandTimeout: 5000,
    maxRetriesPerRequest: 1,
  });
  redis.on("error", () => {}); // each failed call answers with the reason instead
  const requests: UpstashServer["requests"] = [];

  const reply = (settled: [Error | null, unknown][], base64: boolean): Reply[] =>
    settled.map(([error, result]) =>
      error ? { error: error.message } : { result: base64 ? encodeResult(result) : result },
    );

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.headers.authorization !== `Bearer ${token}`) {
      send(res, 401, { error: "Unauthorized" });
      return;
    }
    if (req.method !== "POST") {
      send(res, 405, { error: `ERR ${req.method} is not supported: every call is a POST` });
      return;
    }
    const path = new URL(req.url ?? "/", "http://upstash.local").pathname.replace(/(.)\/+$/, "$1");
    const base64 = req.headers["upstash-encoding"] === "base64";
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch (error) {
      send(res, 400, { error: `ERR the body is not JSON: ${message(error)}` });
      return;
    }

    if (path === "/") {
      let command: [string, ...string[]];
      try {
        command = parseCommand(body);
      } catch (error) {
        send(res, 400, { error: message(error) });
        return;
      }
      requests.push({ path, base64, commands: [command[0].toLowerCase()] });
      try {
        const result = await redis.call(...command);
        send(res, 200, { result: base64 ? encodeResult(result) : result });
      } catch (error) {
        send(res, 400, { error: message(error) });
      }
      return;
    }

    if (path === "/pipeline" || path === "/multi-exec") {
      let commands: [string, ...string[]][];
      try {
        if (!Array.isArray(body) || body.length === 0) {
          throw new Error("ERR a pipeline is a non-empty JSON array of commands");
        }
        commands = body.map(parseCommand);
      } catch (error) {
        send(res, 400, { error: message(error) });
        return;
      }
      requests.push({ path, base64, commands: commands.map((c) => c[0].toLowerCase()) });
      const batch = commands.map((command) => ["call", ...command]);
      try {
        const settled =
          path === "/pipeline"
            ? await redis.pipeline(batch).exec()
            : await redis.multi(batch).exec();
        if (!settled) throw new Error("EXECABORT the transaction was discarded");
        send(res, 200, reply(settled, base64));
      } catch (error) {
        send(res, 400, { error: message(error) });
      }
      return;
    }

    send(res, 404, { error: `ERR unknown endpoint ${path}: use /, /pipeline or /multi-exec` });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { error: message(error) });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    token,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
