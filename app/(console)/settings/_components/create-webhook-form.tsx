"use client";

import { useActionState, useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { FormMessage, SelectField, TextField } from "@/components/ui/field";
import type { ActionResult } from "@/lib/http/action";
import { WebhookSecretBox } from "./webhook-secret-box";

type Created = { id: string; name: string; preset: "generic" | "slack"; secret: string | null };
type Result = ActionResult<Created>;
type Action = (previous: unknown, formData: FormData) => Promise<Result>;

/** Adds a webhook; a generic one's signing secret is shown once in a box to copy from. */
export function CreateWebhookForm({ action }: { action: Action }) {
  const [state, formAction, pending] = useActionState<Result | null, FormData>(action, null);
  const [dismissed, setDismissed] = useState<string | null>(null);
  const [preset, setPreset] = useState<string>("generic");
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (state?.ok) {
      form.current?.reset();
      setPreset("generic");
    }
  }, [state]);
  const created = state?.ok && state.data.id !== dismissed ? state.data : null;
  const errors = state && !state.ok ? state.fieldErrors : {};
  const values = state && !state.ok ? state.values : undefined;
  return (
    <div className="grid gap-4">
      {created?.secret && (
        <WebhookSecretBox
          secret={created.secret}
          name={created.name}
          onDone={() => setDismissed(created.id)}
        />
      )}
      {created && !created.secret && (
        <FormMessage
          ok
          message={`Webhook “${created.name}” added. Its URL is its credential: use Send test to check that it reaches the channel.`}
        />
      )}
      <form
        ref={form}
        action={formAction}
        className="grid gap-3"
        aria-label="Add a webhook"
        noValidate
      >
        <h3 className="text-sm font-semibold">Add webhook</h3>
        {state && !state.ok && <FormMessage ok={false} message={state.message} />}
        <div className="grid gap-3 sm:grid-cols-2">
          <TextField
            label="Name"
            name="name"
            id="webhook-name"
            required
            maxLength={80}
            placeholder="#ops in Slack"
            defaultValue={values?.name}
            errors={errors.name}
          />
          <SelectField
            label="Format"
            name="preset"
            id="webhook-preset"
            value={preset}
            onChange={(event) => setPreset(event.currentTarget.value)}
            errors={errors.preset}
          >
            <option value="generic">Generic JSON, signed</option>
            <option value="slack">Slack incoming webhook</option>
          </SelectField>
        </div>
        <TextField
          label="URL"
          name="url"
          id="webhook-url"
          type="url"
          required
          autoComplete="off"
          placeholder={
            preset === "slack"
              ? "https://hooks.slack.com/services/T…/B…/…"
              : "https://example.com/hooks/dyno-monitor"
          }
          hint={
            preset === "slack"
              ? "Slack's incoming-webhook URL (https://hooks.slack.com/services/…). Any https URL that accepts Slack's format works too. The URL is stored encrypted and never shown again in full."
              : "https:// (plain http only for localhost and 127.0.0.1). Deliveries are signed with a secret shown once after you add it."
          }
          defaultValue={values?.url}
          errors={errors.url}
        />
        <div>
          <Button type="submit" disabled={pending}>
            {pending ? "Adding…" : "Add webhook"}
          </Button>
        </div>
      </form>
    </div>
  );
}
