import { formatRelative } from "@/lib/format";

/** "UTC" form of an instant, identical on server and client. */
export function formatUtc(iso: string): string {
  return `${iso.replace("T", " ").slice(0, 19)} UTC`;
}

/**
 * "3 min ago" against a `now` the server fixed, with the absolute time on hover: rendered on the
 * server, so nothing differs at hydration.
 */
export function TimeAgo({ iso, now }: { iso: string | null; now: number }) {
  if (!iso) return <span className="text-slate-500 dark:text-slate-400">–</span>;
  return (
    <time dateTime={iso} title={formatUtc(iso)} className="whitespace-nowrap">
      {formatRelative(new Date(iso).getTime(), now)}
    </time>
  );
}
