// Pure formatting helpers shared by pages and client components.

/** "3 min ago", "in 2 h", "just now" between two epoch-ms instants. */
export function formatRelative(at: number, now: number): string {
  const seconds = Math.round((at - now) / 1000);
  const abs = Math.abs(seconds);
  const future = seconds > 0;
  const unit = (value: number, name: string) =>
    future ? `in ${value} ${name}` : `${value} ${name} ago`;
  if (abs < 10) return "just now";
  if (abs < 60) return unit(abs, "s");
  if (abs < 3600) return unit(Math.round(abs / 60), "min");
  if (abs < 86_400) return unit(Math.round(abs / 3600), "h");
  return unit(Math.round(abs / 86_400), "d");
}

/** 850 ms, 12.3 s, 4 min 5 s, 1 h, 2 h 30 min. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "–";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(1))} s`;
  const totalSeconds = Math.round(ms / 1000);
  if (totalSeconds < 3600) {
    const seconds = totalSeconds % 60;
    return `${Math.floor(totalSeconds / 60)} min${seconds ? ` ${seconds} s` : ""}`;
  }
  const minutes = Math.round((totalSeconds % 3600) / 60);
  return `${Math.floor(totalSeconds / 3600)} h${minutes ? ` ${minutes} min` : ""}`;
}
