// Sign-in throttling rules, pure: failure counts in, refuse or allow (with a delay) out. Failed
// attempts slow the attacker, never the real user: only one (email, client) pair is ever refused;
// a busy client address or a much-attacked email only makes attempts wait, within a bound.

/** Every counter is a fixed window of this length, started by its first failure. */
export const SIGN_IN_WINDOW_SECONDS = 15 * 60;
/** Failures of one email from one client before that pair is refused until its window ends. */
export const MAX_PAIR_FAILURES = 5;
/** Failures from one client (any emails) before each further attempt from it waits. */
export const CLIENT_FREE_FAILURES = 10;
/** Failures of one email (all clients together) before each further attempt at it waits. */
export const EMAIL_FAILURE_CEILING = 20;
/** The wait grows by this much per failure over the client's allowance or the email's ceiling… */
export const SIGN_IN_DELAY_STEP_MS = 250;
/** …up to this bound, so a shared address (a NAT, a proxy) never waits longer than this. */
export const MAX_SIGN_IN_DELAY_MS = 3000;

export type SignInCounts = {
  /** Failures of this email from this client in the current window. */
  pairFailures: number;
  /** Seconds left in the pair's window; null when unknown. */
  pairSecondsLeft: number | null;
  /** Failures from this client, any email. */
  clientFailures: number;
  /** Failures of this email, any client. */
  emailFailures: number;
};

export type SignInDecision =
  | { allow: false; retryAfterSeconds: number }
  | { allow: true; delayMs: number };

/** A count as read from a cache: anything that is not a finite number of at least 0 counts as 0. */
const count = (value: number) => (Number.isFinite(value) && value > 0 ? Math.floor(value) : 0);

export function decideSignInAttempt(counts: SignInCounts): SignInDecision {
  if (count(counts.pairFailures) >= MAX_PAIR_FAILURES) {
    const left = counts.pairSecondsLeft;
    const retryAfterSeconds =
      left !== null && Number.isFinite(left)
        ? Math.min(SIGN_IN_WINDOW_SECONDS, Math.max(1, Math.ceil(left)))
        : SIGN_IN_WINDOW_SECONDS;
    return { allow: false, retryAfterSeconds };
  }
  const over = Math.max(
    count(counts.clientFailures) - CLIENT_FREE_FAILURES,
    count(counts.emailFailures) - EMAIL_FAILURE_CEILING,
    0,
  );
  return { allow: true, delayMs: Math.min(MAX_SIGN_IN_DELAY_MS, over * SIGN_IN_DELAY_STEP_MS) };
}

/** What the sign-in form says when a pair is refused: who is refused, and for how long. */
export function refusedSignInMessage(retryAfterSeconds: number): string {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  const minutes = Math.ceil(seconds / 60);
  const wait =
    seconds < 60
      ? `${seconds} second${seconds === 1 ? "" : "s"}`
      : `${minutes} minute${minutes === 1 ? "" : "s"}`;
  return `Too many failed sign-ins for this email from your address. Try again in ${wait}, or sign in from another network.`;
}
