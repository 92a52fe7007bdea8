"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/lib/http/action";

type Action = (previous: unknown, formData: FormData) => Promise<ActionResult<unknown>>;

/** Acknowledging stops the reminders (and repeated restarts) of a firing incident. */
export function AcknowledgeButton({ incidentId, action }: { incidentId: string; action: Action }) {
  const [state, formAction, pending] = useActionState<ActionResult<unknown> | null, FormData>(
    action,
    null,
  );
  return (
    <form action={formAction} className="flex flex-col items-start gap-1">
      <input type="hidden" name="incidentId" value={incidentId} />
      <Button type="submit" disabled={pending}>
        {pending ? "Acknowledging…" : "Acknowledge"}
        <span className="sr-only"> this incident</span>
      </Button>
      <p className="text-xs text-slate-600 dark:text-slate-400">
        Stops reminders and repeated restarts; the resolved notice still goes out.
      </p>
      {state && !state.ok && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {state.message}
        </p>
      )}
    </form>
  );
}
