"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/lib/http/action";

type Action = (previous: unknown, formData: FormData) => Promise<ActionResult<unknown>>;

/** "Revoke" with a confirmation: scripts using the token get 401 from the next call. */
export function RevokeApiTokenButton({
  tokenId,
  name,
  owner,
  action,
}: {
  tokenId: string;
  name: string;
  /** The owner's email when it is not the viewer's own token. */
  owner?: string;
  action: Action;
}) {
  const [state, formAction, pending] = useActionState<ActionResult<unknown> | null, FormData>(
    action,
    null,
  );
  const label = owner ? `“${name}” of ${owner}` : `“${name}”`;
  return (
    <form
      action={formAction}
      className="flex flex-col items-end gap-1"
      onSubmit={(event) => {
        if (
          !window.confirm(
            `Revoke the API token ${label}? Scripts using it get 401 from their next call. This cannot be undone.`,
          )
        ) {
          event.preventDefault();
        }
      }}
    >
      <input type="hidden" name="tokenId" value={tokenId} />
      <Button type="submit" variant="danger" disabled={pending}>
        {pending ? "Revoking…" : "Revoke"}
        <span className="sr-only"> {label}</span>
      </Button>
      {state && !state.ok && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {state.message}
        </p>
      )}
    </form>
  );
}
