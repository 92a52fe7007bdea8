"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/lib/http/action";

type Result = ActionResult<unknown>;
type Action = (previous: unknown, formData: FormData) => Promise<Result>;

/** Pauses or resumes a check; the button names what it will do. */
export function CheckEnabledToggle({
  checkId,
  name,
  enabled,
  action,
}: {
  checkId: string;
  name: string;
  enabled: boolean;
  action: Action;
}) {
  const [state, formAction, pending] = useActionState<Result | null, FormData>(action, null);
  return (
    <form action={formAction} className="inline-flex flex-col items-end gap-1">
      <input type="hidden" name="id" value={checkId} />
      <input type="hidden" name="enabled" value={enabled ? "false" : "true"} />
      <Button
        type="submit"
        variant="secondary"
        disabled={pending}
        aria-label={`${enabled ? "Pause" : "Resume"} ${name}`}
      >
        {pending ? "Saving…" : enabled ? "Pause" : "Resume"}
      </Button>
      {state && !state.ok && (
        <p role="alert" className="text-xs text-red-700 dark:text-red-400">
          {state.message}
        </p>
      )}
    </form>
  );
}
