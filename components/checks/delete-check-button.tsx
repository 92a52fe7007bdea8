"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/lib/http/action";

type Result = ActionResult<unknown>;
type Action = (previous: unknown, formData: FormData) => Promise<Result>;

/** Deletes a check and its results after the admin confirms. */
export function DeleteCheckButton({
  checkId,
  name,
  action,
}: {
  checkId: string;
  name: string;
  action: Action;
}) {
  const [state, formAction, pending] = useActionState<Result | null, FormData>(action, null);
  return (
    <form
      action={formAction}
      onSubmit={(event) => {
        if (!window.confirm(`Delete the check “${name}” and all its results?`)) {
          event.preventDefault();
        }
      }}
      className="flex flex-wrap items-center gap-3"
    >
      <input type="hidden" name="id" value={checkId} />
      <Button type="submit" variant="danger" disabled={pending}>
        {pending ? "Deleting…" : "Delete check"}
      </Button>
      {state && !state.ok && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {state.message}
        </p>
      )}
    </form>
  );
}
