// lib/heroku: the Platform API client (PLATFORM.md §1–§2): bearer auth, Range pagination, the
// request budget fed by RateLimit-Remaining, retries with backoff on 429/5xx. It knows nothing of
// rules or the UI.
import type { z } from "zod";
import { type Clock, systemClock } from "@/lib/clock";
import { HerokuApiError, HerokuBudgetError } from "./errors";
import { type Priority, RateBudget } from "./rate-budget";
import {
  accountSchema,
  appSchema,
  dynoSchema,
  errorBodySchema,
  featureSchema,
  formationSchema,
  type HerokuAccount,
  type HerokuApp,
  type HerokuDyno,
  type HerokuFeature,
  type HerokuFormation,
  type HerokuLogDrain,
  type HerokuLogSession,
  logDrainSchema,
  logSessionSchema,
  rateLimitSchema,
} from "./schemas";

export const HEROKU_ACCEPT = "application/vnd.heroku+json; version=3";

export type HerokuClientOptions = {
  apiKey: string;
  baseUrl: string;
  budget?: RateBudget;
  clock?: Clock;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** Retries after the first attempt for 429, 5xx and network errors. */
  maxRetries?: number;
  /** A budget wait longer than this refuses the call (HerokuBudgetError) instead of sleeping. */
  maxBudgetWaitMs?: number;
  timeoutMs?: number;
  random?: () => number;
};

type RequestOptions = {
  priority?: Priority;
  body?: unknown;
  range?: string;
  /**
   * Not to be repeated once it may have reached Heroku (a restart): after a timeout or a dropped
   * connection it fails as "no_answer" instead of being sent again; a refused connection is retried.
   */
  once?: boolean;
};

/** Network errors that mean the request never left: repeating it cannot repeat its effect. */
const NEVER_SENT = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
]);

function neverSent(error: unknown): boolean {
  for (let cause = error, depth = 0; cause && depth < 5; depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === "string" && NEVER_SENT.has(code)) return true;
    cause = (cause as { cause?: unknown }).cause;
  }
  return false;
}

export type LogSessionRequest = {
  dyno?: string;
  source?: "app" | "heroku";
  lines?: number;
  tail?: boolean;
};

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const enc = encodeURIComponent;

export class HerokuClient {
  readonly budget: RateBudget;
  private readonly baseUrl: string;
  private readonly clock: Clock;
  private readonly fetchImpl: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly maxRetries: number;
  private readonly maxBudgetWaitMs: number;
  private readonly timeoutMs: number;
  private readonly random: () => number;
  /** Requests sent, retries included (tests and the discovery summary report it). */
  requestCount = 0;

  constructor(private readonly options: HerokuClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.budget = options.budget ?? new RateBudget();
    this.clock = options.clock ?? systemClock;
    this.fetchImpl = options.fetch ?? fetch;
    this.sleep = options.sleep ?? sleepFor;
    this.maxRetries = options.maxRetries ?? 3;
    this.maxBudgetWaitMs = options.maxBudgetWaitMs ?? 30_000;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.random = options.random ?? Math.random;
  }

  // PLATFORM.md §1.4: exponential backoff with full jitter, honouring Retry-After.
  private backoffMs(attempt: number, retryAfterSeconds: number | undefined): number {
    if (retryAfterSeconds !== undefined) return retryAfterSeconds * 1000;
    return Math.round(this.random() * Math.min(8000, 500 * 2 ** attempt));
  }

  private async send(
    method: string,
    path: string,
    options: RequestOptions,
  ): Promise<{ response: Response; json: unknown }> {
    const priority = options.priority ?? "discover";
    let lastError: HerokuApiError | undefined;
    for (let attempt = 0; attempt <= this.maxRetries; attempt++) {
      const wait = this.budget.plan(priority, this.clock.now());
      if (wait > this.maxBudgetWaitMs) {
        throw new HerokuBudgetError(
          `Heroku API budget is low: ${priority} requests wait ${Math.ceil(wait / 1000)} s for the pool to refill.`,
          wait,
        );
      }
      if (wait > 0) await this.sleep(wait);
      this.budget.spend(priority, this.clock.now());
      this.requestCount += 1;

      let response: Response;
      try {
        response = await this.fetchImpl(`${this.baseUrl}${path}`, {
          method,
          headers: {
            Accept: HEROKU_ACCEPT,
            Authorization: `Bearer ${this.options.apiKey}`,
            "User-Agent": "dyno-monitor",
            ...(options.body !== undefined ? { "Content-Type": "application/json" } : {}),
            ...(options.range ? { Range: options.range } : {}),
          },
          body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (cause) {
        const reason = cause instanceof Error ? cause.message : String(cause);
        if (options.once && !neverSent(cause)) {
          throw new HerokuApiError({
            status: 0,
            id: "no_answer",
            message: `no answer within ${this.timeoutMs / 1000} s (${reason}); it may have been carried out, so it is not sent again`,
            cause,
          });
        }
        lastError = new HerokuApiError({ status: 0, id: "network", message: reason, cause });
        if (attempt < this.maxRetries) {
          await this.sleep(this.backoffMs(attempt, undefined));
          continue;
        }
        throw lastError;
      }

      const remaining = Number.parseInt(response.headers.get("ratelimit-remaining") ?? "", 10);
      if (Number.isFinite(remaining)) this.budget.observe(remaining, this.clock.now());
      const text = await response.text();
      let json: unknown = {};
      if (text.trim()) {
        try {
          json = JSON.parse(text);
        } catch {
          json = { message: text.slice(0, 200) };
        }
      }
      if (response.ok) return { response, json };

      const body = errorBodySchema.safeParse(json);
      const retryAfter = Number.parseFloat(response.headers.get("retry-after") ?? "");
      lastError = new HerokuApiError({
        status: response.status,
        id: (body.success ? body.data.id : undefined) ?? `http_${response.status}`,
        message:
          (body.success ? (body.data.message ?? body.data.error) : undefined)?.trim() ??
          response.statusText,
        requestId: response.headers.get("request-id") ?? undefined,
        retryAfterSeconds: Number.isFinite(retryAfter) ? retryAfter : undefined,
      });
      // A 429 means an empty pool, unless the answer itself says how much is left.
      if (response.status === 429 && !Number.isFinite(remaining))
        this.budget.exhausted(this.clock.now());
      if (lastError.retryable && attempt < this.maxRetries) {
        await this.sleep(this.backoffMs(attempt, lastError.retryAfterSeconds));
        continue;
      }
      throw lastError;
    }
    throw lastError ?? new Error("unreachable");
  }

  private async one<S extends z.ZodType>(
    method: string,
    path: string,
    schema: S,
    options: RequestOptions = {},
  ): Promise<z.output<S>> {
    const { json } = await this.send(method, path, options);
    return schema.parse(json);
  }

  /** Follows Range pagination (206 + Next-Range) until the list is complete (PLATFORM.md §1.2). */
  private async list<S extends z.ZodType>(
    path: string,
    schema: S,
    options: RequestOptions & { pageSize?: number } = {},
  ): Promise<z.output<S>[]> {
    const items: z.output<S>[] = [];
    let range: string | undefined = `id ..; max=${options.pageSize ?? 1000}`;
    for (let page = 0; range && page < 10_000; page++) {
      const { response, json } = await this.send("GET", path, { ...options, range });
      if (!Array.isArray(json)) throw new Error(`Expected a list from ${path}`);
      for (const item of json) items.push(schema.parse(item));
      range =
        response.status === 206 ? (response.headers.get("next-range") ?? undefined) : undefined;
    }
    return items;
  }

  getAccount(): Promise<HerokuAccount> {
    return this.one("GET", "/account", accountSchema);
  }

  /** Free of charge on Heroku (PLATFORM.md §1.3); refreshes the budget. */
  async getRateLimit(): Promise<number> {
    const { remaining } = await this.one("GET", "/account/rate-limits", rateLimitSchema);
    this.budget.observe(remaining, this.clock.now());
    return remaining;
  }

  listApps(options: { pageSize?: number; priority?: Priority } = {}): Promise<HerokuApp[]> {
    return this.list("/apps", appSchema, options);
  }

  getApp(app: string): Promise<HerokuApp> {
    return this.one("GET", `/apps/${enc(app)}`, appSchema);
  }

  listFormation(app: string, options: { priority?: Priority } = {}): Promise<HerokuFormation[]> {
    return this.list(`/apps/${enc(app)}/formation`, formationSchema, options);
  }

  listDynos(app: string, options: { priority?: Priority } = {}): Promise<HerokuDyno[]> {
    return this.list(`/apps/${enc(app)}/dynos`, dynoSchema, options);
  }

  listFeatures(app: string): Promise<HerokuFeature[]> {
    return this.list(`/apps/${enc(app)}/features`, featureSchema);
  }

  getFeature(app: string, name: string): Promise<HerokuFeature> {
    return this.one("GET", `/apps/${enc(app)}/features/${enc(name)}`, featureSchema);
  }

  /** PLATFORM.md §2.5: 202 and the restart happens asynchronously. */
  async restartDyno(app: string, dyno: string): Promise<void> {
    await this.send("DELETE", `/apps/${enc(app)}/dynos/${enc(dyno)}`, {
      priority: "restart",
      once: true,
    });
  }

  /** Note the plural `formations` (PLATFORM.md §2.5). */
  async restartProcessType(app: string, type: string): Promise<void> {
    await this.send("DELETE", `/apps/${enc(app)}/formations/${enc(type)}`, {
      priority: "restart",
      once: true,
    });
  }

  async restartApp(app: string): Promise<void> {
    await this.send("DELETE", `/apps/${enc(app)}/dynos`, { priority: "restart", once: true });
  }

  createLogSession(app: string, request: LogSessionRequest = {}): Promise<HerokuLogSession> {
    const body: Record<string, unknown> = {};
    if (request.dyno) body.dyno = request.dyno;
    if (request.source) body.source = request.source;
    if (request.lines !== undefined) body.lines = Math.min(1500, Math.max(0, request.lines));
    if (request.tail !== undefined) body.tail = request.tail;
    return this.one("POST", `/apps/${enc(app)}/log-sessions`, logSessionSchema, {
      priority: "poll",
      body,
    });
  }

  listLogDrains(app: string): Promise<HerokuLogDrain[]> {
    return this.list(`/apps/${enc(app)}/log-drains`, logDrainSchema);
  }

  addLogDrain(app: string, url: string): Promise<HerokuLogDrain> {
    return this.one("POST", `/apps/${enc(app)}/log-drains`, logDrainSchema, { body: { url } });
  }

  removeLogDrain(app: string, idOrUrlOrToken: string): Promise<HerokuLogDrain> {
    return this.one(
      "DELETE",
      `/apps/${enc(app)}/log-drains/${enc(idOrUrlOrToken)}`,
      logDrainSchema,
    );
  }
}

export function createHerokuClient(options: HerokuClientOptions): HerokuClient {
  return new HerokuClient(options);
}
