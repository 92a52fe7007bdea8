// The channels configured for this install.
import "server-only";
import { eq } from "drizzle-orm";
import type { Config } from "@/lib/config";
import type { Executor } from "@/lib/db/client";
import { webhookEndpoints } from "@/lib/db/schema";
import type { WebhookTarget } from "../outbox";
import type { EmailSender, SmsSender } from "../types";
import { loadWebhookTargets as loadTargets } from "../webhooks";
import { createResendSender } from "./email-resend";
import { createSmsSender } from "./sms";

/** Resend when RESEND_API_KEY is set; null keeps emails in the outbox. */
export function emailSenderFromConfig(config: Config): EmailSender | null {
  const { resendApiKey, resendBaseUrl, from } = config.email;
  if (!resendApiKey) return null;
  return createResendSender({ apiKey: resendApiKey, from, baseUrl: resendBaseUrl });
}

/** Infobip or Twilio when configured; null keeps SMS in the outbox. */
export function smsSenderFromConfig(config: Config): SmsSender | null {
  return config.sms ? createSmsSender(config.sms) : null;
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
