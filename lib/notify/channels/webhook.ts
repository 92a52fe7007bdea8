// Webhooks: POST the exact rendered body to the endpoint, signed (templates/webhook.ts explains the
// headers). The answer becomes a DeliveryResult: 2xx → ok; 410 Gone → not retryable (the endpoint
// was removed); 408 and 429 → retryable; any other 4xx → not retryable; 5xx, network failure and
// timeout → retryable; Retry-After is passed on. Redirects are not followed (a signed alert must
// not land on a host nobody configured): a 3xx is reported, not retryable, with where it pointed.
//
// The URL can itself be a secret (a Slack webhook URL is its own credential), so results name only
// the endpoint's origin, never its path or query, nor the parts of them a receiver echoes back.
import "server-only";
import { webhookHeaders } from "@/lib/notify/templates/webhook";
import type { DeliveryResult, WebhookMessage, WebhookSender } from "@/lib/notify/types";
import {
  clip,
  type DeliveryFailure,
  errorText,
  type FetchLike,
  failure,
  readBounded,
  scrub,
} from "./sms-http";

export const DEFAULT_WEBHOOK_TIMEOUT_MS = 10_000;
/** The part of the endpoint's answer kept in the outbox row. */
const RESPONSE_EXCERPT = 200;

export type WebhookSenderOptions = {
  /** A delivery that takes longer is abandoned and reported as retryable (default 10 s). */
  timeoutMs?: number;
  /** Default: global fetch. */
  fetch?: FetchLike;
  /** The signature's timestamp (default: the system clock). */
  now?: () => Date;
};

export function createWebhookSender(options: WebhookSenderOptions = {}): WebhookSender {
  const timeoutMs = options.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS;
  const fetchImpl: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));
  const now = options.now ?? (() => new Date());

  return {
    async send(message: WebhookMessage): Promise<DeliveryResult> {
      const target = parseEndpoint(message.url);
      if (!target.ok) return target.failure;
      const { url, origin } = target;
      const secrets = [message.secret, url.href];
      if (message.preset === "generic" && !message.secret) {
        return {
          ok: false,
          retryable: false,
          error: `The webhook to ${origin} has no signing secret: set one so receivers can verify deliveries.`,
        };
      }

      const sentAt = now();
      const headers = webhookHeaders({
        secret: message.secret,
        body: message.body,
        idempotencyKey: message.idempotencyKey,
        timestampSeconds: Math.floor(sentAt.getTime() / 1000),
      });
      const signal = AbortSignal.timeout(timeoutMs);
      let response: Response;
      let text: string;
      try {
        response = await fetchImpl(url.href, {
          method: "POST",
          headers,
          body: message.body,
          redirect: "manual",
          signal,
        });
        text = await readBounded(response, 4096);
      } catch (error) {
        return failure(
          signal.aborted
            ? `The webhook endpoint ${origin} did not answer within ${timeoutMs} ms.`
            : `Could not reach the webhook endpoint ${origin}: ${errorText(error)}`,
          { retryable: true },
          secrets,
        );
      }

      const { status } = response;
      const excerpt = clip(text, RESPONSE_EXCERPT);
      const said = `${status}${excerpt ? `: ${excerpt}` : ""}`;
      const context = { status, headers: response.headers, nowMs: now().getTime() };
      if (status >= 200 && status < 300) {
        return { ok: true, providerId: null, response: scrub(said, secrets) };
      }
      if (status >= 300 && status < 400) {
        return failure(
          `The webhook endpoint ${origin} answered ${status} and redirects to ${locationOrigin(response.headers.get("location"), url)}; redirects are not followed: put the final URL in the webhook settings.`,
          { ...context, retryable: false },
          secrets,
        );
      }
      if (status === 410) {
        return failure(
          `The webhook endpoint ${origin} is gone (${said}): remove or replace this webhook.`,
          { ...context, retryable: false },
          secrets,
        );
      }
      const retryable = status === 408 || status === 429 || status >= 500;
      return failure(
        `The webhook endpoint ${origin} answered ${said}`,
        { ...context, retryable },
        secrets,
      );
    },
  };
}

function parseEndpoint(
  value: string,
): { ok: true; url: URL; origin: string } | { ok: false; failure: DeliveryFailure } {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return {
      ok: false,
      failure: { ok: false, retryable: false, error: "The webhook URL is not a valid URL." },
    };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return {
      ok: false,
      failure: {
        ok: false,
        retryable: false,
        error: `The webhook URL must start with https:// or http:// (it is ${url.protocol}).`,
      },
    };
  }
  if (url.username || url.password) {
    return {
      ok: false,
      failure: {
        ok: false,
        retryable: false,
        error: `The webhook URL to ${url.host} carries credentials; use the signing secret instead.`,
      },
    };
  }
  return { ok: true, url, origin: url.origin };
}

/** Where a redirect points, as an origin only (its path may hold a token). */
function locationOrigin(location: string | null, base: URL): string {
  if (!location) return "nowhere (no Location header)";
  try {
    const target = new URL(location, base);
    return target.origin === base.origin ? `another path on ${target.origin}` : target.origin;
  } catch {
    return "an invalid Location";
  }
}
