// The outbox (DESIGN.md "Outbox"): a notification row is written in the same transaction as the
// incident change that causes it; `deliverOutbox` (the deliver-outbox job) sends pending rows with
// retries, backoff and the provider's idempotency key. Without a provider (no RESEND_API_KEY) an
// email is "held": kept, readable in the console, never lost.
import { and, eq, inArray, lte, sql } from "drizzle-orm";
import type { Ctx } from "@/lib/context";
import type { Executor } from "@/lib/db/client";
import { queryRows } from "@/lib/db/execute";
import { type Channel, type Notification, notifications, users } from "@/lib/db/schema";
import { maskUrls } from "@/lib/mask-urls";
import { renderEmail } from "./templates/email";
import { renderSms } from "./templates/sms";
import { renderWebhookBody } from "./templates/webhook";
import type {
  DeliveryResult,
  EmailSender,
  Notice,
  SmsSender,
  WebhookPreset,
  WebhookSender,
} from "./types";

/** Attempts before a retryable failure becomes final. */
export const MAX_ATTEMPTS = 8;
const LEASE_SECONDS = 60;
/**
 * A batch starts sends only this long after its claim: a send started last (sender deadlines are at
 * most 15 s) ends before the claim does, so no other deliverer can take a row and send it again.
 */
const SEND_WINDOW_SECONDS = LEASE_SECONDS / 2;

export type Enqueue = {
  incidentId: string | null;
  channel: Channel;
  /** email: addresses; sms: one phone number; webhook: the endpoint's name. */
  recipients: string[];
  notice: Notice;
  /** Unique per message: two evaluators enqueuing the same notice store it once. */
  idempotencyKey: string;
  /** webhook: the endpoint that receives it, and its payload preset. */
  webhook?: { endpointId: string; preset: WebhookPreset };
};

/** The message as the channel sends it, rendered once when it is queued. */
function renderFor(input: Enqueue): { subject: string; body: Record<string, unknown> } {
  const email = renderEmail(input.notice);
  if (input.channel === "sms")
    return { subject: email.subject, body: { text: renderSms(input.notice) } };
  if (input.channel === "webhook" && input.webhook) {
    return {
      subject: email.subject,
      body: {
        endpointId: input.webhook.endpointId,
        preset: input.webhook.preset,
        json: renderWebhookBody(input.notice, input.webhook.preset),
      },
    };
  }
  return { subject: email.subject, body: { html: email.html, text: email.text } };
}

/** Backoff after `attempts` failed sends: 30 s, 1 min, 2 min... capped at one hour. */
export function backoffSeconds(attempts: number, retryAfterSeconds?: number): number {
  const exponential = Math.min(3600, 30 * 2 ** Math.max(0, attempts - 1));
  return Math.max(exponential, retryAfterSeconds ?? 0);
}

/** Writes a notification; returns false when one with the same key exists already. */
export async function enqueueNotification(
  db: Executor,
  input: Enqueue,
  now: Date,
): Promise<boolean> {
  const message = renderFor(input);
  const inserted = await db
    .insert(notifications)
    .values({
      incidentId: input.incidentId,
      channel: input.channel,
      type: input.notice.type,
      recipients: input.recipients,
      subject: message.subject,
      body: message.body,
      idempotencyKey: input.idempotencyKey,
      nextAttemptAt: now,
      createdAt: now,
    })
    .onConflictDoNothing()
    .returning({ id: notifications.id });
  return inserted.length > 0;
}

/** Who gets an alert: the rule's recipients, else ALERT_RECIPIENTS, else every admin. */
export async function resolveRecipients(
  db: Executor,
  ruleRecipients: readonly string[],
  configured: readonly string[],
): Promise<string[]> {
  if (ruleRecipients.length > 0) return [...ruleRecipients];
  if (configured.length > 0) return [...configured];
  const admins = await db.select({ email: users.email }).from(users).where(eq(users.role, "admin"));
  return admins.map((a) => a.email);
}

export type WebhookTarget = {
  id: string;
  url: string;
  secret: string | null;
  preset: WebhookPreset;
};

export type DeliverOptions = {
  /** null: no provider configured, emails are held in the outbox. */
  email: { sender: EmailSender } | null;
  /** null: no SMS provider configured, SMS are held. */
  sms?: { sender: SmsSender } | null;
  /** Endpoints are read (decrypted) only when a webhook row is due. */
  webhooks?: {
    sender: WebhookSender;
    load: () => Promise<WebhookTarget[]>;
    /** Told each delivery's outcome, so Settings shows each endpoint's last status. */
    record?: (endpointId: string, result: DeliveryResult) => Promise<void>;
  } | null;
  /** Demo mode: nothing is sent, whatever senders are given; every notice is held. */
  demoMode?: boolean;
  limit?: number;
};

export const DEMO_HELD_REASON =
  "Not sent: demo mode (DEMO_MODE) never sends email, SMS or webhooks. The message is kept here.";

export type DeliverSummary = {
  sent: number;
  held: number;
  retrying: number;
  failed: number;
  /** Claimed but not tried: the batch's send window was over (a slow provider); next run. */
  deferred: number;
};

async function claim(
  db: Executor,
  now: Date,
  leaseUntil: string,
  limit: number,
): Promise<Notification[]> {
  const ids = await queryRows<{ id: string }>(
    db,
    sql`update notifications set lease_until = ${leaseUntil}::timestamptz
        where id in (
          select id from notifications
          where status = 'pending' and next_attempt_at <= ${now.toISOString()}::timestamptz
            and (lease_until is null or lease_until < ${now.toISOString()}::timestamptz)
          order by next_attempt_at
          limit ${limit}
          for update skip locked)
        returning id`,
  );
  if (ids.length === 0) return [];
  return db
    .select()
    .from(notifications)
    .where(
      inArray(
        notifications.id,
        ids.map((r) => r.id),
      ),
    );
}

/** Sends what is due; each row ends sent, held, retrying later or failed, with its reason. */
export async function deliverOutbox(ctx: Ctx, options: DeliverOptions): Promise<DeliverSummary> {
  const now = ctx.clock.now();
  const leaseUntil = new Date(now.getTime() + LEASE_SECONDS * 1000).toISOString();
  const rows = await claim(ctx.db, now, leaseUntil, options.limit ?? 50);
  const summary: DeliverSummary = { sent: 0, held: 0, retrying: 0, failed: 0, deferred: 0 };
  let webhookTargets: WebhookTarget[] | undefined;
  for (const [index, row] of rows.entries()) {
    if (ctx.clock.now().getTime() - now.getTime() > SEND_WINDOW_SECONDS * 1000) {
      const rest = rows.slice(index).map((r) => r.id);
      // only rows still under this batch's claim go back in line
      await ctx.db
        .update(notifications)
        .set({ leaseUntil: null })
        .where(
          and(
            inArray(notifications.id, rest),
            eq(notifications.status, "pending"),
            eq(notifications.leaseUntil, new Date(leaseUntil)),
          ),
        );
      summary.deferred = rest.length;
      break;
    }
    const done = (set: Partial<Notification>) =>
      ctx.db
        .update(notifications)
        .set({ ...set, leaseUntil: null })
        .where(and(eq(notifications.id, row.id), eq(notifications.status, "pending")));
    if (row.recipients.length === 0) {
      await done({
        status: "failed",
        lastError:
          row.channel === "sms"
            ? "No phone number: set the rule's recipients or ALERT_SMS_RECIPIENTS."
            : "No recipients: set the rule's recipients or ALERT_RECIPIENTS.",
      });
      summary.failed++;
      continue;
    }
    const body = row.body as Record<string, unknown>;
    const text = (key: string) => (typeof body[key] === "string" ? (body[key] as string) : "");
    let send: (() => Promise<DeliveryResult>) | null = null;
    let heldBecause = "";
    if (options.demoMode) {
      heldBecause = DEMO_HELD_REASON;
    } else if (row.channel === "email") {
      const sender = options.email?.sender;
      heldBecause = "Not sent: RESEND_API_KEY is not set. The message is kept here.";
      if (sender) {
        send = () =>
          sender.send({
            to: row.recipients,
            subject: row.subject,
            html: text("html"),
            text: text("text"),
            idempotencyKey: row.idempotencyKey,
          });
      }
    } else if (row.channel === "sms") {
      const sender = options.sms?.sender;
      heldBecause = "Not sent: no SMS provider (INFOBIP_* or TWILIO_*) is configured.";
      if (sender) {
        send = () =>
          sender.send({
            to: row.recipients[0] ?? "",
            text: text("text"),
            idempotencyKey: row.idempotencyKey,
          });
      }
    } else if (row.channel === "webhook" && options.webhooks) {
      const { sender, load } = options.webhooks;
      webhookTargets ??= await load();
      const target = webhookTargets.find((t) => t.id === body.endpointId);
      if (!target) {
        await done({
          status: "failed",
          lastError: "The webhook endpoint was removed or disabled.",
        });
        summary.failed++;
        continue;
      }
      const record = options.webhooks.record;
      send = async () => {
        const result = await sender.send({
          url: target.url,
          secret: target.secret ?? "",
          preset: target.preset,
          body: text("json"),
          idempotencyKey: row.idempotencyKey,
        });
        await record?.(target.id, result);
        return result;
      };
    } else {
      heldBecause = "Not sent: webhooks are not set up.";
    }
    if (!send) {
      await done({ status: "held", lastError: heldBecause });
      summary.held++;
      continue;
    }
    const attempts = row.attempts + 1;
    const result = await send();
    if (result.ok) {
      await done({
        status: "sent",
        attempts,
        sentAt: ctx.clock.now(),
        providerId: result.providerId,
        providerResponse: maskUrls(result.response).slice(0, 500),
        lastError: null,
      });
      summary.sent++;
    } else if (result.retryable && attempts < MAX_ATTEMPTS) {
      // from the failure, not from the batch's start: a slow batch must not shorten the wait
      const wait = backoffSeconds(attempts, result.retryAfterSeconds);
      await done({
        attempts,
        lastError: maskUrls(result.error).slice(0, 500),
        nextAttemptAt: new Date(ctx.clock.now().getTime() + wait * 1000),
      });
      summary.retrying++;
    } else {
      await done({ status: "failed", attempts, lastError: maskUrls(result.error).slice(0, 500) });
      summary.failed++;
    }
  }
  return summary;
}

/** Puts a held or failed notification back in line (after a provider was configured). */
export async function retryNotification(db: Executor, id: string, now: Date): Promise<boolean> {
  const updated = await db
    .update(notifications)
    .set({ status: "pending", nextAttemptAt: now, leaseUntil: null })
    .where(and(eq(notifications.id, id), inArray(notifications.status, ["held", "failed"])))
    .returning({ id: notifications.id });
  return updated.length > 0;
}

export async function dueCount(db: Executor, now: Date): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(notifications)
    .where(and(eq(notifications.status, "pending"), lte(notifications.nextAttemptAt, now)));
  return Number(row?.n ?? 0);
}
