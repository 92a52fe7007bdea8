import type { Uptime } from "@/lib/checks/queries";

const fmt = (value: number | null) =>
  value === null ? "–" : `${value.toFixed(value === 100 || value === 0 ? 0 : 2)}\u00a0%`;

/** Uptime over 24 h / 7 d / 30 d as three figures; "–" where nothing ran. */
export function UptimeFigures({ uptime, compact = false }: { uptime: Uptime; compact?: boolean }) {
  const items = [
    ["24 h", uptime.h24],
    ["7 d", uptime.d7],
    ["30 d", uptime.d30],
  ] as const;
  return (
    <dl className={compact ? "grid grid-cols-3 gap-x-3 text-xs" : "grid grid-cols-3 gap-4"}>
      {items.map(([label, value]) => (
        <div key={label}>
          <dt className="text-slate-500 dark:text-slate-400">{label}</dt>
          <dd
            className={`whitespace-nowrap tabular-nums ${compact ? "" : "text-lg font-semibold"} ${
              value !== null && value < 99 ? "text-red-700 dark:text-red-400" : ""
            }`}
          >
            {fmt(value)}
          </dd>
        </div>
      ))}
    </dl>
  );
}
