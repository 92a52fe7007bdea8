import { describe, expect, it } from "vitest";
import {
  normalizeAddress,
  resolveClientAddress,
  throttleBucket,
  UNKNOWN_CLIENT,
} from "./client-address";

describe("normalizeAddress", () => {
  it.each([
    ["203.0.113.9", "203.0.113.9"],
    ["  203.0.113.9 ", "203.0.113.9"],
    ["203.0.113.9:51234", "203.0.113.9"],
    ["2001:DB8:0:0::1", "2001:db8::1"],
    ["[2001:db8::1]:443", "2001:db8::1"],
    ["[2001:db8::1]", "2001:db8::1"],
    ["fe80::1%eth0", "fe80::1"],
    ["0:0:0:0:0:0:0:1", "::1"],
    ["::ffff:127.0.0.1", "127.0.0.1"],
    ["::FFFF:7f00:1", "127.0.0.1"],
    ["::ffff:198.51.100.7", "198.51.100.7"],
    ["", null],
    [null, null],
    ["unknown", null],
    ["01.2.3.4", null],
    ["1.2.3", null],
    ["999.1.1.1", null],
    ["203.0.113.9, 10.0.0.1", null],
    ["<script>", null],
    ["2001:db8::1:80", "2001:db8::1:80"],
  ])("%j → %j", (text, expected) => {
    expect(normalizeAddress(text)).toBe(expected);
  });
});

describe("resolveClientAddress", () => {
  it.each([
    // direct: npm start records the socket; a client's own X-Forwarded-For changes nothing
    { case: "direct, no header", xff: null, peer: "203.0.113.9", hops: 0, want: "203.0.113.9" },
    {
      case: "direct, forged header",
      xff: "192.0.2.1",
      peer: "203.0.113.9",
      hops: 0,
      want: "203.0.113.9",
    },
    {
      case: "direct, forged chain",
      xff: "192.0.2.1, 192.0.2.2, 192.0.2.3",
      peer: "203.0.113.9",
      hops: 0,
      want: "203.0.113.9",
    },
    {
      case: "direct, mapped IPv4 socket",
      xff: null,
      peer: "::ffff:127.0.0.1",
      hops: 0,
      want: "127.0.0.1",
    },
    { case: "direct, IPv6 socket", xff: "", peer: "2001:DB8::7", hops: 0, want: "2001:db8::7" },
    // Heroku: the router appends the address it saw; the socket is the router
    {
      case: "heroku, plain",
      xff: "198.51.100.7",
      peer: "10.1.2.3",
      hops: 1,
      want: "198.51.100.7",
    },
    {
      case: "heroku, forged first hops",
      xff: "192.0.2.1, 192.0.2.2, 198.51.100.7",
      peer: "10.1.2.3",
      hops: 1,
      want: "198.51.100.7",
    },
    {
      case: "heroku, garbage on the left",
      xff: "not-an-ip, , 198.51.100.7",
      peer: "10.1.2.3",
      hops: 1,
      want: "198.51.100.7",
    },
    {
      case: "heroku, IPv6 client",
      xff: "192.0.2.1, 2001:db8:0:0::42",
      peer: "10.1.2.3",
      hops: 1,
      want: "2001:db8::42",
    },
    {
      case: "heroku without the custom server: the peer slot still counts as a hop",
      xff: "192.0.2.1, 198.51.100.7",
      peer: null,
      hops: 1,
      want: "198.51.100.7",
    },
    // Vercel overwrites the header with the client's address; no custom server, no peer
    { case: "vercel", xff: "198.51.100.7", peer: null, hops: 1, want: "198.51.100.7" },
    {
      case: "vercel, a client-written peer header is skipped as the proxy's slot",
      xff: "198.51.100.7",
      peer: "192.0.2.66",
      hops: 1,
      want: "198.51.100.7",
    },
    // two proxies (a CDN in front of Heroku)
    {
      case: "two hops",
      xff: "192.0.2.1, 198.51.100.7, 172.16.0.5",
      peer: "10.1.2.3",
      hops: 2,
      want: "198.51.100.7",
    },
    // fewer hops than configured: the leftmost entry a trusted proxy wrote, or the socket
    {
      case: "fewer hops than configured",
      xff: "198.51.100.7",
      peer: "10.1.2.3",
      hops: 3,
      want: "198.51.100.7",
    },
    {
      case: "no header though hops are configured",
      xff: null,
      peer: "10.1.2.3",
      hops: 1,
      want: "10.1.2.3",
    },
    {
      case: "a garbage hop inside the trusted part stops the walk",
      xff: "192.0.2.1, garbage, 172.16.0.5",
      peer: "10.1.2.3",
      hops: 2,
      want: "172.16.0.5",
    },
    {
      case: "a garbage last hop leaves the socket",
      xff: "192.0.2.1, garbage",
      peer: "10.1.2.3",
      hops: 1,
      want: "10.1.2.3",
    },
    // next dev: no recorded peer, Next fills X-Forwarded-For from the socket when it is absent
    { case: "next dev", xff: "127.0.0.1", peer: null, hops: 0, want: "127.0.0.1" },
    { case: "nothing at all", xff: null, peer: null, hops: 0, want: UNKNOWN_CLIENT },
    { case: "only garbage", xff: "garbage", peer: "nonsense", hops: 1, want: UNKNOWN_CLIENT },
    {
      case: "a bad peer is ignored",
      xff: "198.51.100.7",
      peer: "nonsense",
      hops: 1,
      want: "198.51.100.7",
    },
    {
      case: "negative hops count as 0",
      xff: "192.0.2.1",
      peer: "203.0.113.9",
      hops: -2,
      want: "203.0.113.9",
    },
  ])("$case → $want", ({ xff, peer, hops, want }) => {
    expect(resolveClientAddress({ forwardedFor: xff, peer, trustedProxyHops: hops })).toBe(want);
  });
});

describe("throttleBucket", () => {
  it.each([
    ["203.0.113.9", "203.0.113.9"],
    ["::ffff:203.0.113.9", "203.0.113.9"],
    ["2001:db8:aa:bb:1:2:3:4", "2001:db8:aa:bb::/64"],
    ["2001:db8:aa:bb::99", "2001:db8:aa:bb::/64"],
    ["2001:DB8:AA:BB:0:0:0:1", "2001:db8:aa:bb::/64"],
    ["2001:db8::1", "2001:db8:0:0::/64"],
    ["::1", "0:0:0:0::/64"],
    [UNKNOWN_CLIENT, UNKNOWN_CLIENT],
  ])("%s → %s", (address, expected) => {
    expect(throttleBucket(address)).toBe(expected);
  });
});
