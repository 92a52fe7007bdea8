"use client";

import { useActionState, useState } from "react";
import { Button } from "@/components/ui/button";
import { FormMessage } from "@/components/ui/field";
import { RelativeTime } from "@/components/ui/relative-time";
import type { ActionResult } from "@/lib/http/action";

type Result = ActionResult<{ revoked: number }>;
type Action = (previous: unknown, formData: FormData) => Promise<Result>;

/** After a rotation the old drain URL keeps working for a while; an admin whose URL leaked stops it now. */
export function RevokeOldDrainToken({
  app,
  until,
  action,
}: {
  app: string;
  /** ISO instant the old token stops working by itself; null when there is none. */
  until: string | null;
  action: Action;
}) {
  const [state, formAction, pending] = useActionState<Result | null, FormData>(action, null);
  // the page refreshes after the action: `until` is then gone (or belongs to a newer rotation)
  const [revoking, setRevoking] = useState<string | null>(null);
  if (state?.ok && revoking !== null && (until === null || until === revoking)) {
    return <FormMessage ok message={`The old drain URL of ${app} no longer works.`} />;
  }
  if (!until) return null;
  return (
    <form
      action={(formData) => {
        setRevoking(until);
        formAction(formData);
      }}
      className="space-y-2 text-sm"
    >
      <input type="hidden" name="app" value={app} />
      <p>
        The drain URL replaced by the last rotation still works until <RelativeTime iso={until} />,
        so batches Heroku had in flight are not lost. If it leaked, stop it now.
      </p>
      <Button type="submit" variant="danger" disabled={pending}>
        {pending ? "Revoking…" : "Revoke old token now"}
      </Button>
      {state && !state.ok && <FormMessage ok={false} message={state.message} />}
    </form>
  );
}
