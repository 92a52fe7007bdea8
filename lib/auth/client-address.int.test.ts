// scripts/server.mjs (what `npm start` runs) in front of a handler that answers the address the
// app derives, as the sign-in route does: whatever a client writes, the socket decides.
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PEER_HEADER, PEER_RECORDED_FLAG } from "./client-address";
import { clientIp } from "./config";

type PeerServerModule = {
  PEER_HEADER: string;
  PEER_RECORDED_FLAG: string;
  createPeerServer: (handle: (req: IncomingMessage, res: ServerResponse) => void) => Server;
};

// PEER_TEST_PORT lets a shared machine pick the port; 0 takes a free one
const port = Number(process.env.PEER_TEST_PORT ?? 0);
let peerServer: PeerServerModule;
let server: Server;
let base: string;

beforeAll(async () => {
  const file = pathToFileURL(join(process.cwd(), "scripts", "server.mjs")).href;
  peerServer = (await import(/* @vite-ignore */ file)) as PeerServerModule;
  server = peerServer.createPeerServer((req, res) => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === "string") headers.set(name, value);
    }
    res.setHeader("content-type", "application/json");
    res.end(
      JSON.stringify({
        peer: req.headers[peerServer.PEER_HEADER],
        // the app's own reading, with its defaults: 0 hops, peer recorded by this process
        direct: clientIp(headers, { trustedProxyHops: 0 }),
        heroku: clientIp(headers, { trustedProxyHops: 1 }),
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function seen(headers: Record<string, string>) {
  const response = await fetch(`${base}/api/auth/callback/credentials`, { headers });
  return (await response.json()) as { peer: string; direct: string; heroku: string };
}

describe("scripts/server.mjs", () => {
  it("uses the names lib/auth/client-address reads", async () => {
    expect(peerServer.PEER_HEADER).toBe(PEER_HEADER);
    expect(peerServer.PEER_RECORDED_FLAG).toBe(PEER_RECORDED_FLAG);
  });

  it.each<{ case: string; headers: Record<string, string> }>([
    { case: "no headers", headers: {} },
    { case: "a forged X-Forwarded-For", headers: { "x-forwarded-for": "192.0.2.1" } },
    {
      case: "a forged chain",
      headers: { "x-forwarded-for": "192.0.2.1, 192.0.2.2, 198.51.100.7" },
    },
    { case: "a forged peer header", headers: { "x-dyno-monitor-peer": "192.0.2.9" } },
    {
      case: "both forged",
      headers: { "x-forwarded-for": "192.0.2.1", "x-dyno-monitor-peer": "192.0.2.9" },
    },
    { case: "a forged X-Real-IP", headers: { "x-real-ip": "192.0.2.3" } },
  ])("records the socket, never what the client wrote: $case", async ({ headers }) => {
    const answer = await seen(headers);
    expect(answer.peer).toBe("127.0.0.1");
    expect(answer.direct).toBe("127.0.0.1");
  });

  it("behind one trusted proxy, takes the hop it appended, not the ones before", async () => {
    // here the test plays the proxy: it appends 198.51.100.7 to a client's forged hop
    const answer = await seen({ "x-forwarded-for": "192.0.2.1, 198.51.100.7" });
    expect(answer.heroku).toBe("198.51.100.7");
  });
});
