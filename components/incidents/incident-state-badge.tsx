import { Badge, type Tone } from "@/components/ui/badge";
import type { IncidentState } from "@/lib/db/schema";

const tones: Record<IncidentState, Tone> = { pending: "warn", firing: "bad", resolved: "neutral" };
const hints: Record<IncidentState, string> = {
  pending: "Breaching, but not for long enough yet to fire",
  firing: "Breaching: people were notified",
  resolved: "No longer breaching",
};

/** pending (amber), firing (red), resolved (gray); the word carries the meaning. */
export function IncidentStateBadge({ state }: { state: IncidentState }) {
  return (
    <Badge tone={tones[state]} title={hints[state]}>
      {state}
    </Badge>
  );
}
