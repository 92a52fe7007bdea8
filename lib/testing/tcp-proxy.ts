// A TCP proxy a test controls, for outages without touching the real server behind it (the
// machine's Postgres is shared): `pause` holds every byte in both directions (the server seems to
// hang: connections open, queries never answer), `cut` drops every connection and refuses new ones
// (the server seems down), `resume` ends either and delivers what was held, in order.
import { createServer, type Server, Socket } from "node:net";

export type TcpTarget = { host: string; port: number };

export type TcpProxy = {
  /** The port the proxy listens on, on 127.0.0.1. */
  readonly port: number;
  /** Connections currently open through the proxy. */
  readonly connections: number;
  /** Holds bytes both ways, on open connections and on new ones (which are still accepted). */
  pause(): void;
  /** Destroys every connection and refuses new ones (the port stops listening). */
  cut(): Promise<void>;
  /** Ends a pause or a cut: held bytes are delivered and new connections go through again. */
  resume(): Promise<void>;
  /** Destroys every connection and stops listening for good. */
  close(): Promise<void>;
};

/** One direction of a connection: forwards chunks unless paused, then keeps them in order. */
type Leg = { from: Socket; to: Socket; held: Buffer[] };

function forward(leg: Leg, isPaused: () => boolean): void {
  leg.from.on("data", (chunk: Buffer) => {
    if (isPaused() || leg.held.length > 0) {
      leg.held.push(chunk);
      return;
    }
    if (!leg.to.write(chunk)) {
      leg.from.pause();
      leg.to.once("drain", () => leg.from.resume());
    }
  });
}

function flush(leg: Leg): void {
  const chunks = leg.held.splice(0);
  for (const chunk of chunks) if (!leg.to.destroyed) leg.to.write(chunk);
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : port);
    });
  });
}

function stopListening(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) resolve();
    else server.close(() => resolve());
  });
}

/** Starts a proxy to `target` on 127.0.0.1:`port` (0: any free port). */
export async function startTcpProxy(
  target: TcpTarget,
  options: { port?: number } = {},
): Promise<TcpProxy> {
  let paused = false;
  const pairs = new Set<{ client: Socket; server: Socket; legs: Leg[] }>();

  const server = createServer((client) => {
    const upstream = new Socket();
    const pair = {
      client,
      server: upstream,
      legs: [
        { from: client, to: upstream, held: [] as Buffer[] },
        { from: upstream, to: client, held: [] as Buffer[] },
      ],
    };
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) {
      socket.on("error", drop);
      socket.on("close", drop);
    }
    for (const leg of pair.legs) forward(leg, () => paused);
    upstream.connect(target.port, target.host);
  });

  const port = await listen(server, options.port ?? 0);

  const destroyAll = () => {
    for (const pair of [...pairs]) {
      pair.client.destroy();
      pair.server.destroy();
    }
    pairs.clear();
  };

  return {
    port,
    get connections() {
      return pairs.size;
    },
    pause() {
      paused = true;
    },
    async cut() {
      await Promise.all([stopListening(server), Promise.resolve(destroyAll())]);
    },
    async resume() {
      paused = false;
      for (const pair of pairs) for (const leg of pair.legs) flush(leg);
      if (!server.listening) await listen(server, port);
    },
    async close() {
      paused = false;
      destroyAll();
      await stopListening(server);
    },
  };
}
