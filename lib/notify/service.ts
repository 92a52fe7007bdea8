// "Send test email": proves the channel works end to end, through the same outbox as alerts.
import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Config } from "@/lib/config";
import type { Ctx } from "@/lib/context";
import { notifications } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { text } from "@/lib/validation";
import { emailSenderFromConfig, smsSenderFromConfig } from "./channels";
import { deliverOutbox, enqueueNotification } from "./outbox";

export const testEmailSchema = z.object({
  to: text({ error: "Enter an email address." }).pipe(
    z.email({ error: "Enter an email address." }),
  ),
});

export const testSmsSchema = z.object({
  to: text({ error: "Enter a phone number in E.164, like +41793026727." }).regex(
    /^\+[1-9]\d{6,14}$/,
    { error: "Enter a phone number in E.164, like +41793026727." },
  ),
});

/** Queues a test email to `to` and delivers it now; returns the outbox row's outcome. */
export async function sendTestEmail({
  ctx,
  input,
  config,
}: {
  ctx: Ctx;
  input: z.output<typeof testEmailSchema>;
  config: Config;
}): Promise<{ status: string; detail: string }> {
  if (ctx.actor.type !== "user")
    throw new AppError("forbidden", "Only a person sends a test email.");
  const key = `test:${randomUUID()}`;
  await enqueueNotification(
    ctx.db,
    {
      incidentId: null,
      channel: "email",
      recipients: [input.to.toLowerCase()],
      notice: { type: "test", consoleUrl: config.appUrl, requestedBy: ctx.actor.email },
      idempotencyKey: key,
    },
    ctx.clock.now(),
  );
  const sender = emailSenderFromConfig(config);
  await deliverOutbox(ctx, { email: sender ? { sender } : null, demoMode: config.demoMode });
  const [row] = await ctx.db
    .select()
    .from(notifications)
    .where(eq(notifications.idempotencyKey, key));
  const status = row?.status ?? "pending";
  const detail =
    status === "sent"
      ? `Sent to ${input.to} through Resend (id ${row?.providerId ?? "?"}).`
      : status === "held"
        ? config.demoMode
          ? "Kept in the Outbox: demo mode (DEMO_MODE) never sends email."
          : "Kept in the Outbox: RESEND_API_KEY is not set, so nothing leaves this console."
        : `Not sent: ${row?.lastError ?? "it is queued for another try"}.`;
  return { status, detail };
}

/** Queues a test SMS to `to` and delivers it now; returns the outbox row's outcome. */
export async function sendTestSms({
  ctx,
  input,
  config,
}: {
  ctx: Ctx;
  input: z.output<typeof testSmsSchema>;
  config: Config;
}): Promise<{ status: string; detail: string }> {
  if (ctx.actor.type !== "user") throw new AppError("forbidden", "Only a person sends a test SMS.");
  const key = `test-sms:${randomUUID()}`;
  await enqueueNotification(
    ctx.db,
    {
      incidentId: null,
      channel: "sms",
      recipients: [input.to],
      notice: { type: "test", consoleUrl: config.appUrl, requestedBy: ctx.actor.email },
      idempotencyKey: key,
    },
    ctx.clock.now(),
  );
  const sender = smsSenderFromConfig(config);
  await deliverOutbox(ctx, {
    email: null,
    sms: sender ? { sender } : null,
    demoMode: config.demoMode,
  });
  const [row] = await ctx.db
    .select()
    .from(notifications)
    .where(eq(notifications.idempotencyKey, key));
  const status = row?.status ?? "pending";
  const detail =
    status === "sent"
      ? `Sent to ${input.to} through ${config.sms?.provider === "twilio" ? "Twilio" : "Infobip"} (id ${row?.providerId ?? "?"}).`
      : status === "held"
        ? config.demoMode
          ? "Kept in the Outbox: demo mode (DEMO_MODE) never sends SMS."
          : "Kept in the Outbox: no SMS provider (INFOBIP_* or TWILIO_*) is configured."
        : `Not sent: ${row?.lastError ?? "it is queued for another try"}.`;
  return { status, detail };
}
