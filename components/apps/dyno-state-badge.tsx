import { Badge, type Tone } from "@/components/ui/badge";

const tones: Record<string, Tone> = {
  up: "ok",
  starting: "info",
  crashed: "bad",
  down: "neutral",
  idle: "neutral",
};
const meanings: Record<string, string> = {
  up: "Running",
  starting: "Booting; a web dyno must bind $PORT within 60 s",
  crashed: "The process exited unexpectedly; Heroku restarts it after a cool-off",
  down: "Stopped on purpose (scaled down, stopped or sleeping)",
  idle: "Eco dyno sleeping until the next request",
};

/** A dyno's state as a word (colour only repeats it), explained on hover. */
export function DynoStateBadge({ name, state }: { name?: string; state: string }) {
  return (
    <Badge tone={tones[state] ?? "warn"} title={meanings[state] ?? state}>
      {name ? `${name} ${state}` : state}
    </Badge>
  );
}
