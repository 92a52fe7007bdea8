// The channels configured for this install.
import "server-only";
import type { Config } from "@/lib/config";
import type { EmailSender } from "../types";
import { createResendSender } from "./email-resend";

/** Resend when RESEND_API_KEY is set; null keeps emails in the outbox. */
export function emailSenderFromConfig(config: Config): EmailSender | null {
  const { resendApiKey, resendBaseUrl, from } = config.email;
  if (!resendApiKey) return null;
  return createResendSender({ apiKey: resendApiKey, from, baseUrl: resendBaseUrl });
}
