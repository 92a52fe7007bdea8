// The production HTTP server (`npm start` runs it after its checks and build): Next's request
// handler behind node:http, which first records each request's socket address in a header the
// client cannot set. Route handlers never see the socket, and Next only fills X-Forwarded-For from
// it when the client sent none (next/dist/server/base-server.js: `??=`), so sign-in throttling
// could not tell a client from the address it claims. Plain JavaScript: it runs with plain node.
//   node scripts/server.mjs [--port 3000]   (default: PORT, else 3000)
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** lib/auth/client-address.ts reads these two names. */
export const PEER_HEADER = "x-dyno-monitor-peer";
export const PEER_RECORDED_FLAG = "dyno-monitor.peer-recorded";

/**
 * A node:http server that sets PEER_HEADER to the socket's address on every request, replacing
 * whatever the client sent under that name, then hands the request to `handle`. It also tells the
 * app, in this process only, that the header is this server's own writing.
 */
export function createPeerServer(handle) {
  globalThis[Symbol.for(PEER_RECORDED_FLAG)] = true;
  return createServer((req, res) => {
    req.headers[PEER_HEADER] = req.socket.remoteAddress ?? "";
    Promise.resolve(handle(req, res)).catch((error) => {
      // console, not stderr: instrumentation.ts's guard redacts secrets from what it prints
      console.error("request failed", error);
      if (!res.headersSent) res.statusCode = 500;
      res.end();
    });
  });
}

function portFromArgs(args) {
  const index = args.indexOf("--port");
  const value = index === -1 ? process.env.PORT : args[index + 1];
  const port = Number(value ?? 3000);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`--port must be a port number (1-65535), got ${JSON.stringify(value)}`);
  }
  return port;
}

/** lib/system/shutdown.ts leaves the app's shutdown steps on globalThis under this name. */
const SHUTDOWN_HOOK = "dyno-monitor.shutdown";
// Heroku sends SIGKILL 30 s after SIGTERM (DEPLOY.md §Stop): whatever is left by then is cut
const SHUTDOWN_LIMIT_MS = 27_000;
const REQUEST_GRACE_MS = 10_000;

/**
 * The config `next build` resolved (.next/required-server-files.json), as Next's standalone server
 * uses it: without it Next loads next.config.ts at run time, through `typescript`, a devDependency.
 */
function builtConfig(dir) {
  const file = join(dir, ".next", "required-server-files.json");
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, "utf8")).config;
}

/** Starts Next's production server for the app in `dir` on `port`; resolves once it listens. */
export async function startProductionServer({ dir, port }) {
  // as `next start` does; set before Next (and React) load
  process.env.NODE_ENV ??= "production";
  const conf = builtConfig(dir);
  // Next's router reads the built config from here instead of loading next.config.ts
  if (conf) process.env.__NEXT_PRIVATE_STANDALONE_CONFIG = JSON.stringify(conf);
  const { default: next } = await import("next");
  const app = next({ dev: false, dir, hostname: "localhost", port, ...(conf ? { conf } : {}) });
  await app.prepare();
  const server = createPeerServer(app.getRequestHandler());
  server.on("error", (error) => {
    process.stderr.write(`server failed: ${error.message}\n`);
    process.exit(1);
  });
  let stopping = false;
  const stop = (signal) => {
    if (stopping) return;
    stopping = true;
    // `next start`'s exit codes
    const code = signal === "SIGINT" ? 130 : 143;
    setTimeout(() => process.exit(code), SHUTDOWN_LIMIT_MS).unref();
    // no new connections; requests in flight finish (idle keep-alive sockets close now)
    const drained = new Promise((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    // a request still open after 10 s (a stream, a stuck client) is cut: the shutdown must fit
    setTimeout(() => server.closeAllConnections(), REQUEST_GRACE_MS).unref();
    const shutdown = globalThis[Symbol.for(SHUTDOWN_HOOK)];
    Promise.all([drained, typeof shutdown === "function" ? shutdown() : undefined])
      .catch(() => {})
      .finally(() => process.exit(code));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  // like `next start`: every interface, IPv6 and IPv4
  await new Promise((resolve) => server.listen(port, resolve));
  return server;
}

async function main() {
  const port = portFromArgs(process.argv.slice(2));
  await startProductionServer({ dir: fileURLToPath(new URL("..", import.meta.url)), port });
  process.stdout.write(`Ready on port ${port}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    process.stderr.write(`${error?.stack ?? error}\n`);
    process.exit(1);
  });
}
