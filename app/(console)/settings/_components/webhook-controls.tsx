"use client";

import { useActionState, useState } from "react";
import { Button } from "@/components/ui/button";
import { FormMessage } from "@/components/ui/field";
import type { ActionResult } from "@/lib/http/action";
import { WebhookSecretBox } from "./webhook-secret-box";

type Action<T> = (previous: unknown, formData: FormData) => Promise<ActionResult<T>>;
type TestResult = { ok: boolean; status: number | null; detail: string };

export type WebhookControlActions = {
  sendTest: Action<TestResult>;
  setEnabled: Action<{ id: string; enabled: boolean }>;
  rotateSecret: Action<{ id: string; name: string; secret: string }>;
  remove: Action<{ id: string; name: string }>;
};

/** One endpoint's buttons: send test, enable/disable, rotate secret (generic only), delete. */
export function WebhookControls({
  webhook,
  actions,
}: {
  webhook: { id: string; name: string; enabled: boolean; signed: boolean };
  actions: WebhookControlActions;
}) {
  const [test, testAction, testing] = useActionState<ActionResult<TestResult> | null, FormData>(
    actions.sendTest,
    null,
  );
  const [toggle, toggleAction, toggling] = useActionState<
    ActionResult<{ id: string; enabled: boolean }> | null,
    FormData
  >(actions.setEnabled, null);
  const [rotation, rotateAction, rotating] = useActionState<
    ActionResult<{ id: string; name: string; secret: string }> | null,
    FormData
  >(actions.rotateSecret, null);
  const [removal, removeAction, removing] = useActionState<
    ActionResult<{ id: string; name: string }> | null,
    FormData
  >(actions.remove, null);
  const [dismissed, setDismissed] = useState<string | null>(null);
  const label = `“${webhook.name}”`;
  const rotated = rotation?.ok && rotation.data.secret !== dismissed ? rotation.data : null;
  const failure = [toggle, rotation, removal].find((state) => state && !state.ok);

  return (
    <div className="grid gap-2">
      <div className="flex flex-wrap gap-2">
        <form action={testAction}>
          <input type="hidden" name="webhookId" value={webhook.id} />
          <Button type="submit" variant="secondary" disabled={testing}>
            {testing ? "Sending…" : "Send test"}
            <span className="sr-only"> to {label}</span>
          </Button>
        </form>
        <form action={toggleAction}>
          <input type="hidden" name="webhookId" value={webhook.id} />
          <input type="hidden" name="enabled" value={webhook.enabled ? "false" : "true"} />
          <Button type="submit" variant="secondary" disabled={toggling}>
            {webhook.enabled ? "Disable" : "Enable"}
            <span className="sr-only"> {label}</span>
          </Button>
        </form>
        {webhook.signed && (
          <form
            action={rotateAction}
            onSubmit={(event) => {
              if (
                !window.confirm(
                  `Rotate the signing secret of ${label}? Deliveries are signed with the new secret at once; the receiver must be updated.`,
                )
              ) {
                event.preventDefault();
              }
            }}
          >
            <input type="hidden" name="webhookId" value={webhook.id} />
            <Button type="submit" variant="secondary" disabled={rotating}>
              {rotating ? "Rotating…" : "Rotate secret"}
              <span className="sr-only"> of {label}</span>
            </Button>
          </form>
        )}
        <form
          action={removeAction}
          onSubmit={(event) => {
            if (
              !window.confirm(
                `Delete the webhook ${label}? Alerts stop going to it. This cannot be undone.`,
              )
            ) {
              event.preventDefault();
            }
          }}
        >
          <input type="hidden" name="webhookId" value={webhook.id} />
          <Button type="submit" variant="danger" disabled={removing}>
            {removing ? "Deleting…" : "Delete"}
            <span className="sr-only"> {label}</span>
          </Button>
        </form>
      </div>
      {test && (
        <FormMessage
          ok={test.ok && test.data.ok}
          message={
            test.ok
              ? test.data.ok
                ? `Test sent. ${test.data.detail}`
                : `Test failed${test.data.status ? ` (HTTP ${test.data.status})` : ""}: ${test.data.detail}`
              : test.message
          }
        />
      )}
      {failure && !failure.ok && <FormMessage ok={false} message={failure.message} />}
      {rotated && (
        <WebhookSecretBox
          secret={rotated.secret}
          name={rotated.name}
          rotated
          onDone={() => setDismissed(rotated.secret)}
        />
      )}
    </div>
  );
}
