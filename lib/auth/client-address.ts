// Which address a request comes from, for sign-in throttling. Pure: the caller reads the headers
// and the setting. Only hops a trusted proxy appended are believed; a client writes the rest.
import { isIP } from "node:net";

/** Set by scripts/server.mjs from the TCP socket on every request, overwriting what a client sent. */
export const PEER_HEADER = "x-dyno-monitor-peer";

/** What scripts/server.mjs sets on globalThis, so a peer header is only believed where it wrote it. */
export const PEER_RECORDED_FLAG = "dyno-monitor.peer-recorded";

/** Used when no usable address is known: every such request shares one throttling bucket. */
export const UNKNOWN_CLIENT = "unknown";

/**
 * One address in its canonical text: IPv4 dotted, IPv6 lowercased and compressed (RFC 5952),
 * IPv4-mapped IPv6 as IPv4; a port, brackets or a zone are dropped. Null for anything else.
 */
export function normalizeAddress(text: string | null | undefined): string | null {
  let value = (text ?? "").trim();
  if (value === "") return null;
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  if (bracketed?.[1]) value = bracketed[1];
  else if (/^[\d.]+:\d+$/.test(value)) value = value.slice(0, value.lastIndexOf(":"));
  value = value.replace(/%.*$/, "");
  const version = isIP(value);
  if (version === 4) return value;
  if (version !== 6) return null;
  const canonical = new URL(`http://[${value}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (!mapped?.[1] || !mapped[2]) return canonical;
  const high = Number.parseInt(mapped[1], 16);
  const low = Number.parseInt(mapped[2], 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join(".");
}

/**
 * The client address: `trustedProxyHops` entries from the right end of the chain
 * [X-Forwarded-For entries…, peer], where each trusted proxy appended the address it saw.
 * 0 hops is the peer (the socket) itself. The walk never goes further left than configured, and
 * stops early at a missing or malformed entry (a proxy that appended fewer hops than configured):
 * what a client wrote on the left never counts. Without a recorded peer (`next dev`, Vercel: no
 * custom server) the peer slot is still counted as a hop; with 0 hops Next's own value is used,
 * the last X-Forwarded-For entry (the socket when the client sent no header of its own).
 */
export function resolveClientAddress({
  forwardedFor,
  peer,
  trustedProxyHops,
}: {
  forwardedFor: string | null | undefined;
  peer: string | null | undefined;
  trustedProxyHops: number;
}): string {
  const forwarded = (forwardedFor ?? "").split(",").map(normalizeAddress);
  const peerAddress = normalizeAddress(peer);
  const hops = Math.max(0, Math.trunc(trustedProxyHops) || 0);
  let chain: (string | null)[];
  let steps: number;
  if (peerAddress) {
    chain = [...forwarded, peerAddress];
    steps = hops;
  } else {
    chain = forwarded;
    steps = Math.max(0, hops - 1);
  }
  let index = chain.length - 1;
  if (index < 0 || !chain[index]) return UNKNOWN_CLIENT;
  for (let step = 0; step < steps && index > 0 && chain[index - 1]; step++) index--;
  return chain[index] ?? UNKNOWN_CLIENT;
}

/** Expands a canonical IPv6 address to its eight groups. */
function ipv6Groups(address: string): string[] {
  const [head = "", tail] = address.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const zeros = tail === undefined ? [] : Array(8 - left.length - right.length).fill("0");
  return [...left, ...zeros, ...right];
}

/**
 * The throttling bucket of an address: an IPv4 address itself, an IPv6 address's /64 (one host
 * is usually given a whole /64, so counting single IPv6 addresses would let it rotate freely).
 */
export function throttleBucket(address: string): string {
  const normalized = normalizeAddress(address);
  if (!normalized) return address;
  if (isIP(normalized) === 4) return normalized;
  return `${ipv6Groups(normalized).slice(0, 4).join(":")}::/64`;
}
