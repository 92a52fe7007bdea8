import { index, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** Backing store of the Postgres cache (lib/cache) when no Redis is configured. */
export const cacheEntries = pgTable(
  "cache_entries",
  {
    key: text("key").primaryKey(),
    value: text("value").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
  },
  (t) => [
    // expired-entry sweep
    index("cache_entries_expires_at_idx").on(t.expiresAt),
  ],
);
