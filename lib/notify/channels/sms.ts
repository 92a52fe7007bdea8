// The SMS channel: one file per provider (sms-<provider>.ts exports create<Provider>Sender, which
// returns an SmsSender); this file picks one from the settings. Adding a provider means one new
// file and one more case below. Settings come in as arguments (lib/config reads them).
import "server-only";
import type { SmsSender } from "@/lib/notify/types";
import { createInfobipSender, type InfobipSenderOptions } from "./sms-infobip";
import { createTwilioSender, type TwilioSenderOptions } from "./sms-twilio";

export type { SmsMessage, SmsSender } from "@/lib/notify/types";
export { INFOBIP_SEND_PATH } from "./sms-infobip";
export { TWILIO_DEFAULT_BASE_URL } from "./sms-twilio";

export type SmsProvider = "infobip" | "twilio";

export type SmsSettings =
  | ({ provider: "infobip" } & InfobipSenderOptions)
  | ({ provider: "twilio" } & TwilioSenderOptions);

export function createSmsSender(settings: SmsSettings): SmsSender {
  switch (settings.provider) {
    case "infobip":
      return createInfobipSender(settings);
    case "twilio":
      return createTwilioSender(settings);
    default: {
      const unknown: never = settings;
      throw new Error(
        `SMS sender: unknown provider ${JSON.stringify((unknown as { provider?: unknown }).provider)} (expected "infobip" or "twilio").`,
      );
    }
  }
}
