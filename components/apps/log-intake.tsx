"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { FormMessage } from "@/components/ui/field";
import type { ActionResult } from "@/lib/http/action";

type Result = ActionResult<{ url: string; command: string }>;
type Action = (previous: unknown, formData: FormData) => Promise<Result>;

/** Admins add (or rotate) the app's log drain through the Platform API; the URL is shown once. */
export function EnableDrainButton({
  app,
  hasDrain,
  action,
}: {
  app: string;
  hasDrain: boolean;
  action: Action;
}) {
  const [state, formAction, pending] = useActionState<Result | null, FormData>(action, null);
  return (
    <form action={formAction} className="space-y-2">
      <input type="hidden" name="app" value={app} />
      <Button type="submit" variant="secondary" disabled={pending}>
        {pending
          ? "Adding the drain…"
          : hasDrain
            ? `Rotate the log drain of ${app}`
            : `Add a log drain to ${app}`}
      </Button>
      {state?.ok && (
        <div className="space-y-1 text-sm">
          <FormMessage
            ok
            message={`Drain added through the Heroku API. Its URL holds a secret: it is shown this once.${
              hasDrain ? " The previous URL keeps working for 10 minutes, then stops." : ""
            }`}
          />
          <p>
            To add it yourself elsewhere:{" "}
            <code className="break-all rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs dark:bg-slate-800">
              {state.data.command}
            </code>
          </p>
        </div>
      )}
      {state && !state.ok && <FormMessage ok={false} message={state.message} />}
    </form>
  );
}
