import { pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Settings the console learns at run time and every instance must agree on (dynos share no
 * filesystem), e.g. the APP_URL taken from the first request when the variable is unset.
 */
export const appSettings = pgTable("app_settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export type AppSetting = typeof appSettings.$inferSelect;
export type NewAppSetting = typeof appSettings.$inferInsert;
