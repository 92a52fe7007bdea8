// Webhook endpoints: admins add, toggle, rotate, test and delete them; the outbox reads them through
// loadWebhookTargets. URLs and signing secrets are sealed at rest and leave this module in full only
// there, or once (the secret) on create and rotate. Every change is audited in its own transaction.
import "server-only";
import { randomBytes, randomUUID } from "node:crypto";
import { asc, eq } from "drizzle-orm";
import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import { processSecretBox, type SecretBox } from "@/lib/checks/secrets";
import type { Ctx, UserActor } from "@/lib/context";
import { type Executor, getDb } from "@/lib/db/client";
import { type WebhookEndpoint, webhookEndpoints, webhookPresets } from "@/lib/db/schema";
import { AppError, type FieldErrors, forbidden, notFound } from "@/lib/errors";
import { log } from "@/lib/log";
import { maskUrl, maskUrls } from "@/lib/mask-urls";
import { text } from "@/lib/validation";
import { createWebhookSender } from "./channels/webhook";
import { renderWebhookBody } from "./templates/webhook";
import type { DeliveryResult, WebhookPreset, WebhookSender } from "./types";

export const WEBHOOK_SECRET_PREFIX = "whsec_";
export const WEBHOOK_NAME_MAX = 80;
export const WEBHOOK_URL_MAX = 2048;
/** Hosts where plain http is accepted: a receiver on this machine, for trying things out. */
const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1"]);
const STATUS_MAX = 300;

/** Why a webhook URL is refused, or null when it is acceptable. */
export function webhookUrlProblem(value: string): string | null {
  if (value.length === 0) return "Enter the endpoint's URL.";
  if (value.length > WEBHOOK_URL_MAX)
    return `Use at most ${WEBHOOK_URL_MAX} characters for the URL.`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "Enter a full URL, like https://example.com/hooks/dyno-monitor.";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return `The URL must start with https:// (it starts with ${url.protocol}//).`;
  }
  if (url.protocol === "http:" && !LOCAL_HOSTS.has(url.hostname)) {
    return "Use https://. Plain http:// is accepted only for localhost and 127.0.0.1.";
  }
  if (url.username || url.password) {
    return "Remove the user name and password from the URL: receivers check the signature instead.";
  }
  return null;
}

/** One schema for the Settings form and the service. */
export const webhookEndpointInputSchema = z.object({
  name: text({ error: "Name the webhook, e.g. “#ops in Slack”." })
    .min(1, { error: "Name the webhook, e.g. “#ops in Slack”, so you can tell it apart." })
    .max(WEBHOOK_NAME_MAX, {
      error: `Use at most ${WEBHOOK_NAME_MAX} characters for the webhook's name.`,
    }),
  url: text({ error: "Enter the endpoint's URL." }).superRefine((value, ctx) => {
    const problem = webhookUrlProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  }),
  preset: z.enum(webhookPresets, {
    error: "Choose generic (signed JSON) or slack (Slack incoming webhook).",
  }),
});
export type WebhookEndpointInput = z.infer<typeof webhookEndpointInputSchema>;

export const webhookIdSchema = z.object({ webhookId: z.uuid({ error: "Unknown webhook." }) });
export type WebhookIdInput = z.infer<typeof webhookIdSchema>;

export const setWebhookEnabledSchema = webhookIdSchema.extend({
  enabled: z.enum(["true", "false"], { error: "Choose on or off." }).transform((v) => v === "true"),
});
export type SetWebhookEnabledInput = z.output<typeof setWebhookEnabledSchema>;

/** What the console may see of an endpoint: never the URL past its host, never the secret. */
export type WebhookEndpointSummary = {
  id: string;
  name: string;
  preset: WebhookPreset;
  urlHint: string;
  /** Generic endpoints sign with a secret; Slack's URL is its own credential. */
  signed: boolean;
  enabled: boolean;
  createdBy: string;
  createdAt: Date;
  lastDeliveryAt: Date | null;
  lastStatus: string | null;
  /** Whether the last delivery (or test) succeeded; null before the first. */
  lastOk: boolean | null;
};

/** What the outbox needs to deliver: the decrypted URL and secret (empty for Slack). */
export type WebhookTarget = {
  id: string;
  name: string;
  url: string;
  secret: string;
  preset: WebhookPreset;
};

export type WebhookTestResult = {
  ok: boolean;
  /** The endpoint's HTTP status, when it answered. */
  status: number | null;
  /** The endpoint's answer or why the delivery failed, free of the URL's path and the secret. */
  detail: string;
};

type SecretsOption = { secrets?: SecretBox };

/** `https://hooks.slack.com/•••`: scheme and host; the path (often a token) and query masked. */
export function webhookUrlHint(value: string): string {
  return maskUrl(value);
}

/** `whsec_` and 32 random bytes in base64url. */
export function generateWebhookSecret(): string {
  return `${WEBHOOK_SECRET_PREFIX}${randomBytes(32).toString("base64url")}`;
}

/** The text kept in last_status: "ok: <answer>" or "failed: <why>", any URL in it masked. */
export function deliveryStatusText(result: DeliveryResult): string {
  const status = maskUrls(result.ok ? `ok: ${result.response}` : `failed: ${result.error}`);
  return status.length > STATUS_MAX ? `${status.slice(0, STATUS_MAX - 1)}…` : status;
}

function toSummary(row: WebhookEndpoint): WebhookEndpointSummary {
  return {
    id: row.id,
    name: row.name,
    preset: row.preset,
    urlHint: row.urlHint,
    signed: row.secretCiphertext !== null,
    enabled: row.enabled,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    lastDeliveryAt: row.lastDeliveryAt,
    // masked again as it is shown: rows written before masking covered query strings
    lastStatus: row.lastStatus === null ? null : maskUrls(row.lastStatus),
    lastOk: row.lastStatus === null ? null : row.lastStatus.startsWith("ok"),
  };
}

function adminOf(ctx: Pick<Ctx, "actor">): UserActor {
  if (ctx.actor.type !== "user" || ctx.actor.role !== "admin") {
    throw forbidden("Only an admin manages webhooks.");
  }
  return ctx.actor;
}

function parseInput(input: unknown): WebhookEndpointInput {
  const parsed = webhookEndpointInputSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const fields: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const key = issue.path.length ? issue.path.join(".") : "_";
    fields[key] ??= [];
    fields[key].push(issue.message);
  }
  throw new AppError("validation", "Some fields need attention.", { fields });
}

async function findEndpoint(db: Executor, id: string): Promise<WebhookEndpoint> {
  if (!z.uuid().safeParse(id).success) throw notFound("The webhook");
  const [row] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
  if (!row) throw notFound("The webhook");
  return row;
}

/** Adds an endpoint. A generic one gets a signing secret, returned here and never again. */
export async function createWebhookEndpoint(
  ctx: Ctx,
  input: unknown,
  { secrets = processSecretBox }: SecretsOption = {},
): Promise<{ endpoint: WebhookEndpointSummary; secret: string | null }> {
  const actor = adminOf(ctx);
  const { name, url, preset } = parseInput(input);
  const id = randomUUID();
  const secret = preset === "generic" ? generateWebhookSecret() : null;
  const urlHint = webhookUrlHint(url);
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(webhookEndpoints)
      .values({
        id,
        name,
        preset,
        urlCiphertext: secrets.encrypt(url, id),
        urlHint,
        secretCiphertext: secret === null ? null : secrets.encrypt(secret, id),
        enabled: true,
        createdBy: actor.email,
        createdAt: now,
      })
      .returning();
    if (!row) throw new AppError("internal", "The webhook was not created.");
    await recordAudit(tx, actor, {
      action: "webhook.create",
      target: name,
      detail: { id, preset, urlHint },
      at: now,
    });
    return { endpoint: toSummary(row), secret };
  });
}

/** Every endpoint by name, with its URL hint only. */
export async function listWebhookEndpoints(db: Executor): Promise<WebhookEndpointSummary[]> {
  const rows = await db
    .select()
    .from(webhookEndpoints)
    .orderBy(asc(webhookEndpoints.name), asc(webhookEndpoints.createdAt));
  return rows.map(toSummary);
}

/** The Settings page's read, on the process's database. */
export async function getWebhookEndpoints(): Promise<WebhookEndpointSummary[]> {
  return listWebhookEndpoints(getDb());
}

export async function deleteWebhookEndpoint(ctx: Ctx, id: string): Promise<WebhookEndpointSummary> {
  const actor = adminOf(ctx);
  return ctx.db.transaction(async (tx) => {
    const row = await findEndpoint(tx, id);
    await tx.delete(webhookEndpoints).where(eq(webhookEndpoints.id, row.id));
    await recordAudit(tx, actor, {
      action: "webhook.delete",
      target: row.name,
      detail: { id: row.id, preset: row.preset, urlHint: row.urlHint },
      at: ctx.clock.now(),
    });
    return toSummary(row);
  });
}

/** Turns deliveries to an endpoint on or off; setting the state it already has changes nothing. */
export async function setWebhookEnabled(
  ctx: Ctx,
  id: string,
  enabled: boolean,
): Promise<WebhookEndpointSummary> {
  const actor = adminOf(ctx);
  return ctx.db.transaction(async (tx) => {
    const row = await findEndpoint(tx, id);
    if (row.enabled === enabled) return toSummary(row);
    const [updated] = await tx
      .update(webhookEndpoints)
      .set({ enabled })
      .where(eq(webhookEndpoints.id, row.id))
      .returning();
    if (!updated) throw notFound("The webhook");
    await recordAudit(tx, actor, {
      action: enabled ? "webhook.enable" : "webhook.disable",
      target: row.name,
      detail: { id: row.id },
      at: ctx.clock.now(),
    });
    return toSummary(updated);
  });
}

/** A new signing secret for a generic endpoint, returned here and never again; the old one stops. */
export async function rotateWebhookSecret(
  ctx: Ctx,
  id: string,
  { secrets = processSecretBox }: SecretsOption = {},
): Promise<{ endpoint: WebhookEndpointSummary; secret: string }> {
  const actor = adminOf(ctx);
  return ctx.db.transaction(async (tx) => {
    const row = await findEndpoint(tx, id);
    if (row.preset !== "generic") {
      throw new AppError(
        "conflict",
        "Slack webhooks have no signing secret: the URL is the credential. To change it, delete this webhook and add the new URL.",
      );
    }
    const secret = generateWebhookSecret();
    const [updated] = await tx
      .update(webhookEndpoints)
      .set({ secretCiphertext: secrets.encrypt(secret, row.id) })
      .where(eq(webhookEndpoints.id, row.id))
      .returning();
    if (!updated) throw notFound("The webhook");
    await recordAudit(tx, actor, {
      action: "webhook.rotate_secret",
      target: row.name,
      detail: { id: row.id },
      at: ctx.clock.now(),
    });
    return { endpoint: toSummary(updated), secret };
  });
}

function unseal(row: WebhookEndpoint, secrets: SecretBox): WebhookTarget {
  return {
    id: row.id,
    name: row.name,
    preset: row.preset,
    url: secrets.decrypt(row.urlCiphertext, row.id),
    secret: row.secretCiphertext === null ? "" : secrets.decrypt(row.secretCiphertext, row.id),
  };
}

const UNREADABLE =
  "failed: the stored URL or secret cannot be decrypted (SECRETS_KEY changed?); delete this webhook and add it again.";

/**
 * Enabled endpoints with their URL and secret decrypted, for delivery (server-side only). One that
 * cannot be decrypted is skipped, logged and marked on its row; the others are still returned.
 */
export async function loadWebhookTargets(
  db: Executor,
  { secrets = processSecretBox }: SecretsOption = {},
): Promise<WebhookTarget[]> {
  const rows = await db
    .select()
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.enabled, true))
    .orderBy(asc(webhookEndpoints.name), asc(webhookEndpoints.createdAt));
  const targets: WebhookTarget[] = [];
  for (const row of rows) {
    try {
      targets.push(unseal(row, secrets));
    } catch (error) {
      log.warn("webhook endpoint skipped: cannot decrypt", { webhook: row.id, error });
      await db
        .update(webhookEndpoints)
        .set({ lastStatus: UNREADABLE })
        .where(eq(webhookEndpoints.id, row.id));
    }
  }
  return targets;
}

/** Records the outcome of a delivery to an endpoint (the outbox calls it after each attempt). */
export async function recordWebhookDelivery(
  db: Executor,
  id: string,
  result: DeliveryResult,
  at: Date,
): Promise<void> {
  await db
    .update(webhookEndpoints)
    .set({ lastDeliveryAt: at, lastStatus: deliveryStatusText(result) })
    .where(eq(webhookEndpoints.id, id));
}

/**
 * Sends a test notice to one endpoint now (enabled or not), outside the outbox, and records the
 * outcome on the endpoint and in the audit log.
 */
export async function sendWebhookTest(
  ctx: Ctx,
  id: string,
  options: SecretsOption & { consoleUrl: string; sender?: WebhookSender; demoMode?: boolean },
): Promise<WebhookTestResult> {
  const actor = adminOf(ctx);
  const row = await findEndpoint(ctx.db, id);
  if (options.demoMode) {
    return {
      ok: false,
      status: null,
      detail: "Not sent: demo mode (DEMO_MODE) never sends webhooks.",
    };
  }
  let target: WebhookTarget;
  try {
    target = unseal(row, options.secrets ?? processSecretBox);
  } catch (cause) {
    throw new AppError("conflict", UNREADABLE.replace(/^failed: t/, "T"), { cause });
  }
  const sender = options.sender ?? createWebhookSender({ now: () => ctx.clock.now() });
  const body = renderWebhookBody(
    { type: "test", consoleUrl: options.consoleUrl, requestedBy: actor.email },
    target.preset,
  );
  const result = await sender.send({
    url: target.url,
    secret: target.secret,
    preset: target.preset,
    body,
    idempotencyKey: `test:${randomUUID()}`,
  });
  const at = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    await recordWebhookDelivery(tx, row.id, result, at);
    await recordAudit(tx, actor, {
      action: "webhook.test",
      target: row.name,
      detail: { id: row.id, ok: result.ok, status: result.ok ? null : (result.status ?? null) },
      at,
    });
  });
  return result.ok
    ? { ok: true, status: statusOf(result.response), detail: `Delivered: ${result.response}` }
    : { ok: false, status: result.status ?? null, detail: result.error };
}

/** The sender's success text starts with the status ("200: ok"). */
function statusOf(response: string): number | null {
  const match = /^(\d{3})\b/.exec(response);
  return match ? Number(match[1]) : null;
}
