// The channels configured for this install.
import "server-only";
import { eq } from "drizzle-orm";
import type { Config } from "@/lib/config";
import type { Ctx } from "@/lib/context";
import type { Executor } from "@/lib/db/client";
import { webhookEndpoints } from "@/lib/db/schema";
import type { DeliverOptions, WebhookTarget } from "../outbox";
import type { EmailSender, SmsSender } from "../types";
import { loadWebhookTargets as loadTargets, recordWebhookDelivery } from "../webhooks";
import { createResendSender } from "./email-resend";
import { createSmsSender } from "./sms";
import { createWebhookSender } from "./webhook";

/** Resend when RESEND_API_KEY is set, never in demo mode; null keeps emails in the outbox. */
export function emailSenderFromConfig(config: Config): EmailSender | null {
  const { resendApiKey, resendBaseUrl, from } = config.email;
  if (config.demoMode || !resendApiKey) return null;
  return createResendSender({ apiKey: resendApiKey, from, baseUrl: resendBaseUrl });
}

/** Infobip or Twilio when configured, never in demo mode; null keeps SMS in the outbox. */
export function smsSenderFromConfig(config: Config): SmsSender | null {
  return !config.demoMode && config.sms ? createSmsSender(config.sms) : null;
}

/**
 * What the deliver-outbox job sends with. In demo mode nothing leaves the console, whatever
 * provider settings are present: every notice is held in the outbox, readable there.
 */
export function deliveryFromConfig(ctx: Ctx, config: Config): DeliverOptions {
  if (config.demoMode) return { email: null, sms: null, webhooks: null, demoMode: true };
  const email = emailSenderFromConfig(config);
  const sms = smsSenderFromConfig(config);
  return {
    email: email ? { sender: email } : null,
    sms: sms ? { sender: sms } : null,
    webhooks: {
      sender: createWebhookSender(),
      load: () => loadWebhookTargets(ctx.db),
      record: (id, outcome) => recordWebhookDelivery(ctx.db, id, outcome, ctx.clock.now()),
    },
  };
}

/** The enabled endpoints a rule's webhook channel posts to (no secrets). */
export async function enabledWebhookEndpoints(db: Executor) {
  return db
    .select({
      id: webhookEndpoints.id,
      name: webhookEndpoints.name,
      preset: webhookEndpoints.preset,
    })
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.enabled, true));
}

/** Their URLs and signing secrets, decrypted, for delivery only. */
export async function loadWebhookTargets(db: Executor): Promise<WebhookTarget[]> {
  return (await loadTargets(db)).map((t) => ({
    id: t.id,
    url: t.url,
    secret: t.secret ?? null,
    preset: t.preset,
  }));
}
