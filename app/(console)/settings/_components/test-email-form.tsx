"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { FormMessage, TextField } from "@/components/ui/field";
import type { ActionResult } from "@/lib/http/action";

type Result = ActionResult<{ status: string; detail: string }>;
type Action = (previous: unknown, formData: FormData) => Promise<Result>;

/** Sends a test email (or SMS) through the outbox and says what happened to it. */
export function TestEmailForm({
  action,
  defaultTo,
  channel = "email",
}: {
  action: Action;
  defaultTo: string;
  channel?: "email" | "sms";
}) {
  const sms = channel === "sms";
  const [state, formAction, pending] = useActionState<Result | null, FormData>(action, null);
  const errors = state && !state.ok ? state.fieldErrors : {};
  return (
    <form
      action={formAction}
      className="grid gap-3"
      aria-label={sms ? "Send a test SMS" : "Send a test email"}
      noValidate
    >
      <div className="flex flex-wrap items-end gap-3">
        <div className="min-w-64 flex-1">
          <TextField
            label={sms ? "Send a test SMS to" : "Send a test email to"}
            name="to"
            id={sms ? "test-sms-to" : "test-email-to"}
            type={sms ? "tel" : "email"}
            placeholder={sms ? "+41793026727" : undefined}
            required
            defaultValue={defaultTo}
            errors={errors.to}
          />
        </div>
        <Button type="submit" disabled={pending} className="mb-0.5">
          {pending ? "Sending…" : sms ? "Send test SMS" : "Send test email"}
        </Button>
      </div>
      {state && (
        <FormMessage
          ok={state.ok && state.data.status !== "failed"}
          message={state.ok ? state.data.detail : state.message}
        />
      )}
    </form>
  );
}
