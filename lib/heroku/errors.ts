// Typed Platform API errors carrying Heroku's `id` (PLATFORM.md §1.4).

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);

export class HerokuApiError extends Error {
  readonly status: number;
  /**
   * Heroku's error id: unauthorized, forbidden, not_found, rate_limit, ... ("network" when no
   * answer; "no_answer" when a request that must not be repeated may have been carried out).
   */
  readonly id: string;
  readonly requestId: string | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(options: {
    status: number;
    id: string;
    message: string;
    requestId?: string;
    retryAfterSeconds?: number;
    cause?: unknown;
  }) {
    super(options.message, { cause: options.cause });
    this.name = "HerokuApiError";
    this.status = options.status;
    this.id = options.id;
    this.requestId = options.requestId;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  get retryable(): boolean {
    return this.id === "network" || RETRYABLE_STATUS.has(this.status);
  }

  /** One sentence for the console; never a stack trace. */
  get userMessage(): string {
    switch (this.id) {
      case "unauthorized":
        return "The Heroku API key was refused. Check HEROKU_API_KEY (heroku authorizations:create makes a new one).";
      case "forbidden":
      case "suspended":
      case "delinquent":
        return `Heroku refused access (${this.id}): ${this.message}`;
      case "rate_limit":
        return "Heroku's API rate limit is exhausted for this account; requests resume as the budget refills.";
      case "not_found":
        return this.message;
      case "network":
        return `Heroku's API could not be reached: ${this.message}`;
      case "no_answer":
        return `Heroku's API gave ${this.message}`;
      default:
        return `Heroku answered ${this.status} ${this.id}: ${this.message}`;
    }
  }
}

/** The request budget refused a call so that higher-priority calls keep their reserve. */
export class HerokuBudgetError extends Error {
  readonly waitMs: number;
  constructor(message: string, waitMs: number) {
    super(message);
    this.name = "HerokuBudgetError";
    this.waitMs = waitMs;
  }
}
