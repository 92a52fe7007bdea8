"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/lib/http/action";

type Result = ActionResult<{ status: string; processed: number }>;
type Action = (previous: unknown, formData: FormData) => Promise<Result>;

export function RunJobButton({ job, action }: { job: string; action: Action }) {
  const [state, formAction, pending] = useActionState<Result | null, FormData>(action, null);
  return (
    <form action={formAction} className="flex items-center gap-2">
      <input type="hidden" name="job" value={job} />
      <Button type="submit" variant="secondary" disabled={pending} aria-label={`Run ${job} now`}>
        {pending ? "Running…" : "Run now"}
      </Button>
      {state && (
        <span role="status" className="text-xs text-slate-600 dark:text-slate-400">
          {state.ok ? `${state.data.status}, ${state.data.processed} processed` : state.message}
        </span>
      )}
    </form>
  );
}
