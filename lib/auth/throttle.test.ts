import { describe, expect, it } from "vitest";
import {
  CLIENT_FREE_FAILURES,
  decideSignInAttempt,
  EMAIL_FAILURE_CEILING,
  MAX_PAIR_FAILURES,
  MAX_SIGN_IN_DELAY_MS,
  refusedSignInMessage,
  SIGN_IN_DELAY_STEP_MS,
  SIGN_IN_WINDOW_SECONDS,
  type SignInCounts,
} from "./throttle";

const none: SignInCounts = {
  pairFailures: 0,
  pairSecondsLeft: null,
  clientFailures: 0,
  emailFailures: 0,
};

describe("decideSignInAttempt", () => {
  it.each<[string, Partial<SignInCounts>, ReturnType<typeof decideSignInAttempt>]>([
    ["no failures anywhere", {}, { allow: true, delayMs: 0 }],
    // the (email, client) pair: the only thing ever refused
    [
      "one short of the pair limit",
      { pairFailures: MAX_PAIR_FAILURES - 1 },
      { allow: true, delayMs: 0 },
    ],
    [
      "at the pair limit: refused for the rest of the window",
      { pairFailures: MAX_PAIR_FAILURES, pairSecondsLeft: 840 },
      { allow: false, retryAfterSeconds: 840 },
    ],
    [
      "far past the pair limit",
      { pairFailures: 500, pairSecondsLeft: 12.2 },
      { allow: false, retryAfterSeconds: 13 },
    ],
    [
      "refused with an unknown window: the whole window",
      { pairFailures: MAX_PAIR_FAILURES, pairSecondsLeft: null },
      { allow: false, retryAfterSeconds: SIGN_IN_WINDOW_SECONDS },
    ],
    [
      "refused with a window about to end: at least 1 s",
      { pairFailures: MAX_PAIR_FAILURES, pairSecondsLeft: 0 },
      { allow: false, retryAfterSeconds: 1 },
    ],
    [
      "refused with a window longer than ours (a stale key): capped",
      { pairFailures: MAX_PAIR_FAILURES, pairSecondsLeft: 99_999 },
      { allow: false, retryAfterSeconds: SIGN_IN_WINDOW_SECONDS },
    ],
    // a client failing many emails (a NAT, a proxy, a sprayer): delayed, never refused
    [
      "a client within its allowance",
      { clientFailures: CLIENT_FREE_FAILURES },
      { allow: true, delayMs: 0 },
    ],
    [
      "a client one over its allowance",
      { clientFailures: CLIENT_FREE_FAILURES + 1 },
      { allow: true, delayMs: SIGN_IN_DELAY_STEP_MS },
    ],
    [
      "a client far over its allowance: the bound",
      { clientFailures: 100_000 },
      { allow: true, delayMs: MAX_SIGN_IN_DELAY_MS },
    ],
    // one email failing from many clients: delayed past the ceiling, never refused
    [
      "an email at its ceiling",
      { emailFailures: EMAIL_FAILURE_CEILING },
      { allow: true, delayMs: 0 },
    ],
    [
      "an email past its ceiling",
      { emailFailures: EMAIL_FAILURE_CEILING + 2 },
      { allow: true, delayMs: 2 * SIGN_IN_DELAY_STEP_MS },
    ],
    [
      "an email under a huge distributed attack, from a client with no failures",
      { emailFailures: 1_000_000 },
      { allow: true, delayMs: MAX_SIGN_IN_DELAY_MS },
    ],
    [
      "client and email both over: the larger wait, still bounded",
      { clientFailures: CLIENT_FREE_FAILURES + 3, emailFailures: EMAIL_FAILURE_CEILING + 1 },
      { allow: true, delayMs: 3 * SIGN_IN_DELAY_STEP_MS },
    ],
    [
      "a refused pair wins over delays",
      { pairFailures: MAX_PAIR_FAILURES, pairSecondsLeft: 60, clientFailures: 1000 },
      { allow: false, retryAfterSeconds: 60 },
    ],
    // counts read back from a cache that held something odd
    [
      "garbage counts count as none",
      { pairFailures: Number.NaN, clientFailures: -5, emailFailures: Number.POSITIVE_INFINITY },
      { allow: true, delayMs: 0 },
    ],
    [
      "a NaN window on a refused pair: the whole window",
      { pairFailures: MAX_PAIR_FAILURES, pairSecondsLeft: Number.NaN },
      { allow: false, retryAfterSeconds: SIGN_IN_WINDOW_SECONDS },
    ],
  ])("%s", (_name, counts, expected) => {
    expect(decideSignInAttempt({ ...none, ...counts })).toEqual(expected);
  });

  it("never waits longer than the bound, whatever the counts", () => {
    for (const clientFailures of [0, 11, 22, 23, 1e6]) {
      for (const emailFailures of [0, 21, 40, 1e6]) {
        const decision = decideSignInAttempt({ ...none, clientFailures, emailFailures });
        expect(decision).toMatchObject({ allow: true });
        if (decision.allow) expect(decision.delayMs).toBeLessThanOrEqual(MAX_SIGN_IN_DELAY_MS);
      }
    }
  });
});

describe("refusedSignInMessage", () => {
  it.each([
    [900, "Try again in 15 minutes,"],
    [841, "Try again in 15 minutes,"],
    [840, "Try again in 14 minutes,"],
    [61, "Try again in 2 minutes,"],
    [60, "Try again in 1 minute,"],
    [59, "Try again in 59 seconds,"],
    [1, "Try again in 1 second,"],
    [0, "Try again in 1 second,"],
    [2.4, "Try again in 3 seconds,"],
  ])("%d s → %s", (seconds, text) => {
    const message = refusedSignInMessage(seconds);
    expect(message).toContain(text);
    expect(message).toMatch(/^Too many failed sign-ins for this email from your address\./);
  });
});
