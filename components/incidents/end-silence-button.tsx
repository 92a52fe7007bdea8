"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/lib/http/action";

type Action = (previous: unknown, formData: FormData) => Promise<ActionResult<unknown>>;

/** Ends a silence now, after a confirmation: notices and restarts resume. */
export function EndSilenceButton({
  silenceId,
  scope,
  action,
}: {
  silenceId: string;
  /** What the silence covers, in words. */
  scope: string;
  action: Action;
}) {
  const [state, formAction, pending] = useActionState<ActionResult<unknown> | null, FormData>(
    action,
    null,
  );
  return (
    <form
      action={formAction}
      className="flex flex-col items-end gap-1"
      onSubmit={(event) => {
        if (
          !window.confirm(
            `End the silence on ${scope}? Notices and restarts resume at the next evaluation.`,
          )
        ) {
          event.preventDefault();
        }
      }}
    >
      <input type="hidden" name="silenceId" value={silenceId} />
      <Button type="submit" variant="secondary" disabled={pending}>
        {pending ? "Ending…" : "End"}
        <span className="sr-only"> the silence on {scope}</span>
      </Button>
      {state && !state.ok && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {state.message}
        </p>
      )}
    </form>
  );
}
