"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/lib/http/action";

type Action = (previous: unknown, formData: FormData) => Promise<ActionResult<unknown>>;

/** Puts a held or failed email back in line for the deliver-outbox job. */
export function RetryNotificationButton({
  notificationId,
  subject,
  action,
}: {
  notificationId: string;
  subject: string;
  action: Action;
}) {
  const [state, formAction, pending] = useActionState<ActionResult<unknown> | null, FormData>(
    action,
    null,
  );
  return (
    <form action={formAction} className="flex flex-col items-end gap-1">
      <input type="hidden" name="notificationId" value={notificationId} />
      <Button type="submit" variant="secondary" disabled={pending}>
        {pending ? "Queuing…" : "Retry"}
        <span className="sr-only"> “{subject}”</span>
      </Button>
      {state &&
        (state.ok ? (
          <p role="status" className="text-xs text-slate-600 dark:text-slate-400">
            Queued; sent by the next deliver-outbox run.
          </p>
        ) : (
          <p role="alert" className="text-sm text-red-700 dark:text-red-400">
            {state.message}
          </p>
        ))}
    </form>
  );
}
