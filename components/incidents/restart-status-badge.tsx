import { Badge, type Tone } from "@/components/ui/badge";
import type { ActionStatus } from "@/lib/db/schema";

const labels: Record<ActionStatus, [label: string, tone: Tone, hint: string]> = {
  performed: ["performed", "ok", "Heroku restarted it"],
  skipped_cooling: [
    "skipped: cooling",
    "neutral",
    "Restarted recently; waiting out the cooling period",
  ],
  skipped_loop_guard: [
    "skipped: loop guard",
    "warn",
    "Restarted too often in the last hour; a person has to look",
  ],
  skipped_dry_run: ["skipped: dry run", "info", "The rule is in dry-run mode"],
  skipped_silenced: ["skipped: silenced", "neutral", "A silence covers this target"],
  failed: ["failed", "bad", "Heroku refused or the request failed"],
};

export function RestartStatusBadge({ status }: { status: ActionStatus }) {
  const [label, tone, hint] = labels[status];
  return (
    <Badge tone={tone} title={hint}>
      {label}
    </Badge>
  );
}
