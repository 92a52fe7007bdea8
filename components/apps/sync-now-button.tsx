"use client";

import { useActionState, useEffect, useState } from "react";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/lib/http/action";

type Result = ActionResult<{ status: string; detail: string | null; error: string | null }>;
type Action = (previous: unknown, formData: FormData) => Promise<Result>;
type Progress = {
  running: boolean;
  progress: { label: string; done: number; total: number } | null;
};

/** Runs discovery now and shows its progress (polled from /api/discovery) and its result. */
export function SyncNowButton({ action }: { action: Action }) {
  const [state, formAction, pending] = useActionState<Result | null, FormData>(action, null);
  const [progress, setProgress] = useState<Progress["progress"]>(null);
  useEffect(() => {
    if (!pending) {
      setProgress(null);
      return;
    }
    let stopped = false;
    const poll = async () => {
      try {
        const response = await fetch("/api/discovery", { cache: "no-store" });
        if (response.ok && !stopped) setProgress(((await response.json()) as Progress).progress);
      } catch {
        // the next poll tries again
      }
    };
    void poll();
    const timer = setInterval(poll, 700);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [pending]);

  let message: string | null = null;
  if (pending) message = progress ? `Syncing… ${progress.label}` : "Syncing…";
  else if (state?.ok && state.data.status === "busy")
    message = "A sync is already running; its result appears here shortly.";
  else if (state?.ok && state.data.status === "failed")
    message = `Sync failed: ${state.data.error ?? "see the System page"}`;
  else if (state?.ok) message = `Synced: ${state.data.detail ?? "done"}.`;
  else if (state && !state.ok) message = state.message;

  return (
    <form action={formAction} className="flex flex-wrap items-center gap-3">
      <Button type="submit" disabled={pending}>
        {pending ? "Syncing…" : "Sync now"}
      </Button>
      {pending && progress && progress.total > 0 && (
        <progress
          className="h-2 w-32 overflow-hidden rounded"
          max={progress.total}
          value={progress.done}
          aria-label="Sync progress"
        />
      )}
      {message && (
        <span role="status" className="text-sm text-slate-700 dark:text-slate-300">
          {message}
        </span>
      )}
    </form>
  );
}
