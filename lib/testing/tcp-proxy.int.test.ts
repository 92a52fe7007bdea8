import { once } from "node:events";
import { connect, createServer, type Server, type Socket } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTcpProxy, type TcpProxy } from "./tcp-proxy";

// an echo server stands in for Postgres; each test has its own proxy in front of it
let echo: Server;
let proxy: TcpProxy;
beforeAll(async () => {
  echo = createServer((socket) => socket.pipe(socket));
  echo.listen(3230, "127.0.0.1");
  await once(echo, "listening");
});
afterAll(async () => {
  await new Promise((resolve) => echo.close(resolve));
});
let nextPort = 15438;
beforeEach(async () => {
  proxy = await startTcpProxy({ host: "127.0.0.1", port: 3230 }, { port: nextPort++ });
});
afterEach(async () => {
  await proxy.close();
});

async function open(): Promise<Socket> {
  const socket = connect(proxy.port, "127.0.0.1");
  await once(socket, "connect");
  return socket;
}

/** Everything the socket receives within `ms`. */
async function received(socket: Socket, ms: number): Promise<string> {
  let text = "";
  const onData = (chunk: Buffer) => {
    text += chunk.toString();
  };
  socket.on("data", onData);
  await new Promise((resolve) => setTimeout(resolve, ms));
  socket.off("data", onData);
  return text;
}

describe("the TCP proxy", () => {
  it("forwards, holds every byte while paused and delivers them in order on resume", async () => {
    const socket = await open();
    socket.write("one");
    expect(await received(socket, 200)).toBe("one");
    proxy.pause();
    socket.write("two");
    const late = await open(); // still accepted while paused
    late.write("three");
    expect(await received(socket, 300)).toBe("");
    const arriving = received(socket, 300);
    const lateArriving = received(late, 300);
    await proxy.resume();
    expect(await arriving).toBe("two");
    expect(await lateArriving).toBe("three");
    socket.destroy();
    late.destroy();
  });

  it("holds only the connections open now with openOnly, letting new ones through", async () => {
    const old = await open();
    proxy.pause({ openOnly: true });
    old.write("held");
    const fresh = await open();
    fresh.write("passes");
    expect(await received(fresh, 200)).toBe("passes");
    expect(await received(old, 200)).toBe("");
    const arriving = received(old, 300);
    await proxy.resume();
    expect(await arriving).toBe("held");
    old.destroy();
    fresh.destroy();
  });

  it("drops every connection and refuses new ones while cut, and takes them again on resume", async () => {
    const socket = await open();
    const closed = once(socket, "close");
    await proxy.cut();
    await closed;
    expect(proxy.connections).toBe(0);
    const refused = connect(proxy.port, "127.0.0.1");
    const [error] = (await once(refused, "error")) as [NodeJS.ErrnoException];
    expect(error.code).toBe("ECONNREFUSED");
    await proxy.resume();
    const again = await open();
    again.write("back");
    expect(await received(again, 200)).toBe("back");
    again.destroy();
  });
});
