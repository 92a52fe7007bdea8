// Webhook endpoints that alerts are posted to. The URL is stored encrypted (a Slack incoming-webhook
// URL is its own credential) beside a masked hint, and so is a generic endpoint's signing secret.
import { sql } from "drizzle-orm";
import { boolean, check, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

export const webhookPresets = ["generic", "slack"] as const;
export type WebhookPresetName = (typeof webhookPresets)[number];

export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    preset: text("preset").$type<WebhookPresetName>().notNull(),
    /** AES-256-GCM of the URL under SECRETS_KEY, bound to the row id (lib/checks/secrets.ts). */
    urlCiphertext: text("url_ciphertext").notNull(),
    /** `https://hooks.slack.com/•••`: scheme and host only, all the console ever shows. */
    urlHint: text("url_hint").notNull(),
    /** The generic preset's HMAC signing secret, sealed like the URL; null for Slack. */
    secretCiphertext: text("secret_ciphertext"),
    enabled: boolean("enabled").notNull().default(true),
    /** Who added it (email of the admin), kept when the user is removed. */
    createdBy: text("created_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastDeliveryAt: timestamp("last_delivery_at", { withTimezone: true }),
    /** "ok: 200: ok" or "failed: <why>", from the last delivery or test. */
    lastStatus: text("last_status"),
  },
  (t) => [check("webhook_endpoints_preset_check", sql`${t.preset} in ('generic', 'slack')`)],
);

export type WebhookEndpoint = typeof webhookEndpoints.$inferSelect;
export type NewWebhookEndpoint = typeof webhookEndpoints.$inferInsert;
