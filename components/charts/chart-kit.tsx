"use client";

import type { ReactNode } from "react";
import { ReferenceLine } from "recharts";
import type { Marker, MarkerKind } from "@/lib/metrics/queries";

/** The visible window in epoch ms and the bucket step; points sit at bucket starts. */
export type ChartWindow = { from: number; to: number; stepMs: number };

// Mid-tone colours readable on white and on slate-900; series are also named in legend and tooltip.
export const PALETTE = [
  "#6366f1", // indigo-500
  "#10b981", // emerald-500
  "#f59e0b", // amber-500
  "#0ea5e9", // sky-500
  "#d946ef", // fuchsia-500
  "#14b8a6", // teal-500
  "#f97316", // orange-500
  "#8b5cf6", // violet-500
  "#84cc16", // lime-500
  "#ec4899", // pink-500
];
export const colorAt = (index: number) => PALETTE[index % PALETTE.length] ?? "#64748b";
export const DANGER = "#ef4444"; // red-500

export const axisProps = {
  stroke: "currentColor",
  tick: { fill: "currentColor", fontSize: 11 },
  tickLine: false,
} as const;

export const gridProps = { stroke: "currentColor", strokeOpacity: 0.15, vertical: false } as const;

/** Bars are centred on their bucket start: pad half a step each side so none is clipped. */
export function timeDomain(window: ChartWindow): [number, number] {
  return [window.from - window.stepMs / 2, window.to - window.stepMs / 2];
}

export function timeTicks(window: ChartWindow, count = 6): number[] {
  const span = window.to - window.from;
  const raw = span / count;
  const nice = [
    60_000, 300_000, 900_000, 1_800_000, 3_600_000, 10_800_000, 21_600_000, 43_200_000, 86_400_000,
    172_800_000, 432_000_000,
  ];
  const step = nice.find((n) => n >= raw) ?? raw;
  // Align to local midnight-friendly boundaries via the local offset.
  const offset = new Date(window.from).getTimezoneOffset() * 60_000;
  const first = Math.ceil((window.from - offset) / step) * step + offset;
  const ticks: number[] = [];
  for (let t = first; t < window.to; t += step) ticks.push(t);
  return ticks;
}

/** Axis labels in the viewer's time zone: clock time within a day, date and time beyond. */
export function timeTickFormatter(window: ChartWindow): (t: number) => string {
  const long = window.to - window.from > 86_400_000;
  return (t: number) =>
    new Date(t).toLocaleString(
      undefined,
      long
        ? { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" }
        : { hour: "2-digit", minute: "2-digit" },
    );
}

export function formatBucket(t: number, stepMs: number): string {
  const start = new Date(t);
  const end = new Date(t + stepMs);
  const date = start.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
  const until = end.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
  return `${date} – ${until}`;
}

const MARKER_STYLE: Record<MarkerKind, { color: string; icon: string; dash: string }> = {
  restart: { color: "#f59e0b", icon: "↻", dash: "4 3" },
  release: { color: "#6366f1", icon: "▲", dash: "2 2" },
  crash: { color: DANGER, icon: "✕", dash: "6 2" },
};

/** Vertical lines for restarts, releases and crashes; labels only while they fit. */
export function markerLines(markers: readonly Marker[], yAxisId?: string): ReactNode[] {
  const labelled = markers.length <= 8;
  return markers.map((marker, index) => {
    const style = MARKER_STYLE[marker.kind];
    // Alternate sides and heights so neighbouring labels do not print over each other.
    const odd = index % 2 === 1;
    return (
      <ReferenceLine
        key={`${marker.kind}-${marker.t}`}
        x={marker.t}
        yAxisId={yAxisId}
        stroke={style.color}
        strokeDasharray={style.dash}
        ifOverflow="hidden"
        label={
          labelled
            ? {
                value: `${style.icon} ${marker.label}`,
                position: odd ? ("insideTopRight" as const) : ("insideTopLeft" as const),
                offset: odd ? 16 : 4,
                fontSize: 10,
                fill: "currentColor",
              }
            : undefined
        }
      />
    );
  });
}

export function MarkerNote({ markers }: { markers: readonly Marker[] }) {
  if (markers.length === 0) return null;
  const counts = markers.reduce<Record<MarkerKind, number>>(
    (acc, marker) => {
      acc[marker.kind]++;
      return acc;
    },
    { restart: 0, release: 0, crash: 0 },
  );
  const parts = (Object.keys(counts) as MarkerKind[])
    .filter((kind) => counts[kind] > 0)
    .map((kind) => (
      <span key={kind} className="whitespace-nowrap">
        <span style={{ color: MARKER_STYLE[kind].color }} aria-hidden>
          {MARKER_STYLE[kind].icon}
        </span>{" "}
        {counts[kind]} {kind === "restart" ? "restart" : kind}
        {counts[kind] === 1 ? "" : "s"}
      </span>
    ));
  return <span className="inline-flex flex-wrap gap-x-3">{parts}</span>;
}

export type TooltipRow = { key: string; color?: string; label: ReactNode; value: ReactNode };

/** Tooltip box that follows the theme (Recharts' default is white on dark). */
export function TooltipBox({ title, rows }: { title: ReactNode; rows: TooltipRow[] }) {
  return (
    <div className="max-w-xs rounded-md border border-slate-200 bg-white px-3 py-2 text-xs text-slate-800 shadow-md dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100">
      <p className="mb-1 font-medium">{title}</p>
      {rows.length === 0 ? (
        <p className="text-slate-500 dark:text-slate-400">nothing in this interval</p>
      ) : (
        <ul className="space-y-0.5">
          {rows.map((row) => (
            <li key={row.key} className="flex items-start gap-2">
              {row.color && (
                <span
                  aria-hidden
                  className="mt-1 inline-block size-2 shrink-0 rounded-sm"
                  style={{ backgroundColor: row.color }}
                />
              )}
              <span className="min-w-0 flex-1">{row.label}</span>
              <span className="font-mono tabular-nums">{row.value}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
