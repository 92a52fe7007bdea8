import { Badge } from "@/components/ui/badge";
import type { CheckStatus } from "@/lib/db/schema";

const LOOK: Record<
  CheckStatus | "paused",
  { tone: "ok" | "bad" | "neutral"; icon: string; word: string; title: string }
> = {
  up: { tone: "ok", icon: "●", word: "up", title: "The last run passed." },
  down: {
    tone: "bad",
    icon: "▲",
    word: "down",
    title: "The last run failed; the reason is beside it.",
  },
  unknown: {
    tone: "neutral",
    icon: "○",
    word: "not run yet",
    title: "It runs at the next tick (every 15 s).",
  },
  paused: { tone: "neutral", icon: "‖", word: "paused", title: "Disabled: kept, not run." },
};

/** Up, down, not run yet or paused: a word and a shape, the colour only repeats them. */
export function CheckStatusBadge({ status, enabled }: { status: CheckStatus; enabled: boolean }) {
  const look = LOOK[enabled ? status : "paused"];
  return (
    <Badge tone={look.tone} title={look.title}>
      <span aria-hidden className="mr-1">
        {look.icon}
      </span>
      {look.word}
    </Badge>
  );
}
