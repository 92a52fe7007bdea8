// The counters behind sign-in throttling (rules in ./throttle): failures per (email, client), per
// client and per email, each a fixed window in the cache; works on every cache kind.
import { createHash } from "node:crypto";
import type { Cache } from "@/lib/cache/types";
import { throttleBucket } from "./client-address";
import { decideSignInAttempt, SIGN_IN_WINDOW_SECONDS, type SignInDecision } from "./throttle";

// Emails are hashed: the cache (a Postgres table, a shared Redis) need not hold a list of them.
const emailDigest = (email: string) =>
  createHash("sha256").update(email.trim().toLowerCase()).digest("base64url").slice(0, 22);

function keysFor(email: string, client: string) {
  const who = emailDigest(email);
  const from = throttleBucket(client);
  return {
    pair: `sign-in:fail:pair:${who}:${from}`,
    client: `sign-in:fail:client:${from}`,
    email: `sign-in:fail:email:${who}`,
  };
}

const asCount = (value: string | null) => Number.parseInt(value ?? "0", 10) || 0;

/**
 * Decides whether this attempt may check its password. The pair counts the attempt before the
 * check (a success deletes it), so guesses sent in parallel cannot all pass on one count.
 */
export async function beginSignInAttempt(
  cache: Cache,
  email: string,
  client: string,
): Promise<SignInDecision> {
  const keys = keysFor(email, client);
  const pairAttempts = await cache.increment(keys.pair, SIGN_IN_WINDOW_SECONDS);
  const [clientFailures, emailFailures, pairSecondsLeft] = await Promise.all([
    cache.get(keys.client),
    cache.get(keys.email),
    cache.ttl(keys.pair),
  ]);
  return decideSignInAttempt({
    pairFailures: pairAttempts - 1,
    pairSecondsLeft,
    clientFailures: asCount(clientFailures),
    emailFailures: asCount(emailFailures),
  });
}

/** A wrong password or unknown email: the pair already counted it in beginSignInAttempt. */
export async function recordSignInFailure(
  cache: Cache,
  email: string,
  client: string,
): Promise<void> {
  const keys = keysFor(email, client);
  await Promise.all([
    cache.increment(keys.client, SIGN_IN_WINDOW_SECONDS),
    cache.increment(keys.email, SIGN_IN_WINDOW_SECONDS),
  ]);
}

/** A success clears that pair only: the client's and the email's counts keep slowing others. */
export async function recordSignInSuccess(
  cache: Cache,
  email: string,
  client: string,
): Promise<void> {
  await cache.delete(keysFor(email, client).pair);
}
