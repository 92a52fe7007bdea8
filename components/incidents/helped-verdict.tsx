import { Badge } from "@/components/ui/badge";
import type { ActionStatus } from "@/lib/db/schema";

/** ✓ helped / ✗ did not help / pending (a performed restart not judged yet) / – (no restart). */
export function HelpedVerdict({
  status,
  helped,
  reason,
}: {
  status: ActionStatus;
  helped: boolean | null;
  reason: string | null;
}) {
  if (status !== "performed") {
    return (
      <span className="text-slate-500 dark:text-slate-400" title="Nothing was restarted">
        –
      </span>
    );
  }
  if (helped === null) {
    return (
      <Badge tone="neutral" title="Judged 15 minutes after the restart">
        pending
      </Badge>
    );
  }
  return (
    <span className="inline-flex min-w-36 flex-col items-start gap-0.5">
      <Badge tone={helped ? "ok" : "bad"} title={reason ?? undefined}>
        <span className="whitespace-nowrap">
          <span aria-hidden>{helped ? "✓" : "✗"}</span> {helped ? "helped" : "did not help"}
        </span>
      </Badge>
      {reason && <span className="text-xs text-slate-500 dark:text-slate-400">{reason}</span>}
    </span>
  );
}
