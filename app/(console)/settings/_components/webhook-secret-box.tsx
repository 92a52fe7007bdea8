"use client";

import { ShownOnce } from "@/components/ui/shown-once";

/** A generic webhook's signing secret, shown once, with how a receiver checks it. */
export function WebhookSecretBox({
  secret,
  name,
  rotated = false,
  onDone,
}: {
  secret: string;
  name: string;
  rotated?: boolean;
  onDone: () => void;
}) {
  return (
    <ShownOnce
      value={secret}
      noun="signing secret"
      inputId={`webhook-secret-${secret.slice(-8)}`}
      title={`${rotated ? `New signing secret for “${name}”.` : `Webhook “${name}” added.`} Copy the signing secret now: it will not be shown again.`}
      note={
        rotated ? "The old secret no longer signs deliveries; update your receiver." : undefined
      }
      onDone={onDone}
    >
      <details className="mt-3">
        <summary className="cursor-pointer font-medium">Verify it like this</summary>
        <p className="mt-2">
          Every delivery carries <code className="font-mono">X-Dyno-Monitor-Timestamp</code> and{" "}
          <code className="font-mono">X-Dyno-Monitor-Signature</code>. Compute the HMAC over the raw
          request body (not re-serialised JSON), compare in constant time, and reject timestamps
          more than 5 minutes old. README, section “Webhooks”, has the full Node example.
        </p>
        <pre className="mt-2 overflow-x-auto rounded bg-white p-3 font-mono text-xs text-slate-900 dark:bg-slate-950 dark:text-slate-100">
          {`expected = "sha256=" + hex(HMAC_SHA256(secret, timestamp + "." + rawBody))
valid    = timingSafeEqual(expected, X-Dyno-Monitor-Signature)
           && |now - timestamp| <= 300 s`}
        </pre>
      </details>
    </ShownOnce>
  );
}
