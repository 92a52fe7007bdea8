"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/lib/http/action";

type Result = ActionResult<unknown>;
type Action = (previous: unknown, formData: FormData) => Promise<Result>;

/** Enables or disables a rule from the list; the button names what it will do. */
export function RuleEnabledToggle({
  ruleId,
  name,
  enabled,
  action,
}: {
  ruleId: string;
  name: string;
  enabled: boolean;
  action: Action;
}) {
  const [state, formAction, pending] = useActionState<Result | null, FormData>(action, null);
  return (
    <form action={formAction} className="inline-flex flex-col items-end gap-1">
      <input type="hidden" name="id" value={ruleId} />
      <input type="hidden" name="enabled" value={enabled ? "false" : "true"} />
      <Button
        type="submit"
        variant="secondary"
        disabled={pending}
        aria-label={`${enabled ? "Disable" : "Enable"} ${name}`}
      >
        {pending ? "Saving…" : enabled ? "Disable" : "Enable"}
      </Button>
      {state && !state.ok && (
        <p role="alert" className="text-xs text-red-700 dark:text-red-400">
          {state.message}
        </p>
      )}
    </form>
  );
}
