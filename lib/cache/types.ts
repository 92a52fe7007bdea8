// lib/cache: short-lived coordination state (rate limits, cooling periods, locks). Never a source
// of truth: losing it may repeat a notice, never lose data.

export type SetOptions = {
  /** Expire after this many seconds. */
  ttlSeconds?: number;
  /** Only set when the key is absent (Redis SET NX): the atomic "first one wins". */
  onlyIfAbsent?: boolean;
};

export type Cache = {
  readonly kind: "memory" | "postgres" | "upstash" | "redis";
  get(key: string): Promise<string | null>;
  /** Returns false when `onlyIfAbsent` was asked and the key already existed. */
  set(key: string, value: string, options?: SetOptions): Promise<boolean>;
  /** Adds one and returns the new count; a new key lives `ttlSeconds` (a fixed window). */
  increment(key: string, ttlSeconds: number): Promise<number>;
  /** Seconds until the key expires; null when absent or without expiry. */
  ttl(key: string): Promise<number | null>;
  delete(key: string): Promise<void>;
};
