import type { Cache } from "@/lib/cache/types";

// Failed sign-ins are counted per email and per client address in a fixed 15-minute window.
export const SIGN_IN_WINDOW_SECONDS = 15 * 60;
export const MAX_FAILURES_PER_EMAIL = 5;
export const MAX_FAILURES_PER_IP = 30;

const emailKey = (email: string) => `sign-in:fail:email:${email.toLowerCase()}`;
const ipKey = (ip: string) => `sign-in:fail:ip:${ip}`;

/** Seconds the caller must wait, or 0 when another attempt is allowed. */
export async function signInBlockedFor(cache: Cache, email: string, ip: string): Promise<number> {
  const [byEmail, byIp] = await Promise.all([cache.get(emailKey(email)), cache.get(ipKey(ip))]);
  const waits: Promise<number | null>[] = [];
  if (Number(byEmail ?? 0) >= MAX_FAILURES_PER_EMAIL) waits.push(cache.ttl(emailKey(email)));
  if (Number(byIp ?? 0) >= MAX_FAILURES_PER_IP) waits.push(cache.ttl(ipKey(ip)));
  if (waits.length === 0) return 0;
  const ttls = await Promise.all(waits);
  return Math.max(1, ...ttls.map((t) => t ?? SIGN_IN_WINDOW_SECONDS));
}

export async function recordSignInFailure(cache: Cache, email: string, ip: string): Promise<void> {
  await Promise.all([
    cache.increment(emailKey(email), SIGN_IN_WINDOW_SECONDS),
    cache.increment(ipKey(ip), SIGN_IN_WINDOW_SECONDS),
  ]);
}

export async function clearSignInFailures(cache: Cache, email: string): Promise<void> {
  await cache.delete(emailKey(email));
}
