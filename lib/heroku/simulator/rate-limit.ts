// PLATFORM.md §1.3: one token pool per account, 1 token per request, refilled continuously.

export type RateLimitOptions = { pool: number; refillPerMinute: number };

export class RateLimiter {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly options: RateLimitOptions,
    private readonly now: () => number,
  ) {
    this.tokens = options.pool;
    this.updatedAt = now();
  }

  private refill(): void {
    const now = this.now();
    const minutes = Math.max(0, now - this.updatedAt) / 60_000_000;
    this.tokens = Math.min(this.options.pool, this.tokens + minutes * this.options.refillPerMinute);
    this.updatedAt = now;
  }

  remaining(): number {
    this.refill();
    return Math.floor(this.tokens);
  }

  /** Spends one token; false when the pool is empty. */
  take(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Seconds until one token is back. */
  retryAfterSeconds(): number {
    this.refill();
    if (this.options.refillPerMinute <= 0) return 3600;
    return Math.max(1, Math.ceil(((1 - this.tokens) / this.options.refillPerMinute) * 60));
  }
}
