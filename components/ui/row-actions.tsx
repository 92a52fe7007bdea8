"use client";
// Small one-button forms for a row of a list (a rule, a check): toggle it, or delete it after a
// confirmation. The server action gets `id` (and `enabled` for the toggle).
import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/lib/http/action";

type Result = ActionResult<unknown>;
type Action = (previous: unknown, formData: FormData) => Promise<Result>;

function Failure({ state, small }: { state: Result | null; small?: boolean }) {
  if (!state || state.ok) return null;
  return (
    <p role="alert" className={`${small ? "text-xs" : "text-sm"} text-red-700 dark:text-red-400`}>
      {state.message}
    </p>
  );
}

/** Switches a row on or off; the button says what it will do ("Disable", "Pause"...). */
export function EnabledToggle({
  id,
  name,
  enabled,
  action,
  words = { off: "Disable", on: "Enable" },
}: {
  id: string;
  name: string;
  enabled: boolean;
  action: Action;
  /** off: the verb for an enabled row; on: for a disabled one. */
  words?: { off: string; on: string };
}) {
  const [state, formAction, pending] = useActionState<Result | null, FormData>(action, null);
  const verb = enabled ? words.off : words.on;
  return (
    <form action={formAction} className="inline-flex flex-col items-end gap-1">
      <input type="hidden" name="id" value={id} />
      <input type="hidden" name="enabled" value={enabled ? "false" : "true"} />
      <Button type="submit" variant="secondary" disabled={pending} aria-label={`${verb} ${name}`}>
        {pending ? "Saving…" : verb}
      </Button>
      <Failure state={state} small />
    </form>
  );
}

/** Deletes a row once the admin confirms `question`. */
export function DeleteButton({
  id,
  label,
  question,
  action,
}: {
  id: string;
  label: string;
  question: string;
  action: Action;
}) {
  const [state, formAction, pending] = useActionState<Result | null, FormData>(action, null);
  return (
    <form
      action={formAction}
      onSubmit={(event) => {
        if (!window.confirm(question)) event.preventDefault();
      }}
      className="flex flex-wrap items-center gap-3"
    >
      <input type="hidden" name="id" value={id} />
      <Button type="submit" variant="danger" disabled={pending}>
        {pending ? "Deleting…" : label}
      </Button>
      <Failure state={state} />
    </form>
  );
}
