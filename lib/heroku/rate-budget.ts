// The request budget of one Heroku API key (PLATFORM.md §1.3: a pool of 4500 tokens refilled at
// ~75/min, `RateLimit-Remaining` on every response). Restarts outrank polling, polling outranks
// discovery: each lower priority stops above a reserve kept for the ones above it, and everything
// but restarts slows to the refill rate once the pool runs low.

export type Priority = "restart" | "poll" | "discover";

export type BudgetPolicy = {
  pool: number;
  refillPerMinute: number;
  /** Polling never spends the pool below this: it is kept for restarts. */
  pollReserve: number;
  /** Discovery never spends the pool below this: it is kept for polling and restarts. */
  discoverReserve: number;
  /** Below this estimate, polling and discovery are paced at the refill rate. */
  paceBelow: number;
};

export const defaultBudgetPolicy: BudgetPolicy = {
  pool: 4500,
  refillPerMinute: 75,
  pollReserve: 150,
  discoverReserve: 600,
  paceBelow: 1500,
};

export type BudgetLevel = "ok" | "low" | "critical";

export type BudgetSnapshot = {
  remaining: number;
  pool: number;
  observedAt: string | null;
  level: BudgetLevel;
  /** Priorities that must currently wait for the pool to refill. */
  waiting: Priority[];
};

export class RateBudget {
  private observed: number;
  private observedAtMs: number | null = null;
  private spentSinceObservation = 0;
  private lastPacedAtMs = Number.NEGATIVE_INFINITY;

  constructor(readonly policy: BudgetPolicy = defaultBudgetPolicy) {
    this.observed = policy.pool;
  }

  /** Records `RateLimit-Remaining` from a response. */
  observe(remaining: number, at: Date): void {
    this.observed = Math.max(0, Math.min(this.policy.pool, remaining));
    this.observedAtMs = at.getTime();
    this.spentSinceObservation = 0;
  }

  /** A 429: the pool is empty now. */
  exhausted(at: Date): void {
    this.observe(0, at);
  }

  /** Tokens likely left now: the last observation, plus refill since, minus requests sent since. */
  estimate(now: Date): number {
    if (this.observedAtMs === null) return this.observed - this.spentSinceObservation;
    const refill = ((now.getTime() - this.observedAtMs) / 60_000) * this.policy.refillPerMinute;
    return Math.min(this.policy.pool, this.observed + refill) - this.spentSinceObservation;
  }

  private floor(priority: Priority): number {
    if (priority === "discover") return this.policy.discoverReserve;
    if (priority === "poll") return this.policy.pollReserve;
    return 0;
  }

  /** Milliseconds to wait before a request of this priority may be sent (0 = now). */
  plan(priority: Priority, now: Date): number {
    const estimate = this.estimate(now);
    const needed = this.floor(priority) + 1 - estimate;
    const refillWait = needed > 0 ? Math.ceil((needed / this.policy.refillPerMinute) * 60_000) : 0;
    if (priority === "restart" || estimate >= this.policy.paceBelow) return refillWait;
    const spacing = 60_000 / this.policy.refillPerMinute;
    const paceWait = Math.max(0, Math.ceil(this.lastPacedAtMs + spacing - now.getTime()));
    return Math.max(refillWait, paceWait);
  }

  /** Counts a request as sent. */
  spend(priority: Priority, now: Date): void {
    this.spentSinceObservation += 1;
    if (priority !== "restart") this.lastPacedAtMs = now.getTime();
  }

  snapshot(now: Date): BudgetSnapshot {
    const remaining = Math.max(0, Math.floor(this.estimate(now)));
    const waiting = (["discover", "poll", "restart"] as const).filter(
      (priority) => remaining <= this.floor(priority),
    );
    const level: BudgetLevel =
      remaining <= this.policy.pollReserve
        ? "critical"
        : remaining < this.policy.paceBelow
          ? "low"
          : "ok";
    return {
      remaining,
      pool: this.policy.pool,
      observedAt: this.observedAtMs === null ? null : new Date(this.observedAtMs).toISOString(),
      level,
      waiting,
    };
  }
}
