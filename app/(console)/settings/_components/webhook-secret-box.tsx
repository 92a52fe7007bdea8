"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";

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
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);
  const inputId = `webhook-secret-${secret.slice(-8)}`;
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied("yes");
    } catch {
      setCopied("failed");
    }
  };
  return (
    <div
      role="status"
      className="rounded-md border border-amber-300 bg-amber-50 p-4 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100"
    >
      <p className="font-medium">
        {rotated ? `New signing secret for “${name}”.` : `Webhook “${name}” added.`} Copy the
        signing secret now: it will not be shown again.
      </p>
      {rotated && (
        <p className="mt-1">The old secret no longer signs deliveries; update your receiver.</p>
      )}
      <div className="mt-3 flex flex-wrap items-center gap-2">
        <label htmlFor={inputId} className="sr-only">
          Signing secret
        </label>
        <input
          id={inputId}
          readOnly
          value={secret}
          onFocus={(event) => event.currentTarget.select()}
          className="min-w-0 flex-1 rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-xs text-slate-900 dark:border-slate-700 dark:bg-slate-950 dark:text-slate-100"
        />
        <Button variant="secondary" onClick={copy}>
          {copied === "yes" ? "Copied" : "Copy secret"}
        </Button>
        <Button variant="ghost" onClick={onDone}>
          I have copied it
        </Button>
      </div>
      {copied === "failed" && (
        <p role="alert" className="mt-2 text-red-700 dark:text-red-400">
          The browser refused to copy; select the secret and copy it by hand.
        </p>
      )}
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
    </div>
  );
}
