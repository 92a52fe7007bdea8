"use client";

import { type ReactNode, useEffect, useState } from "react";
import { EmptyState } from "@/components/ui/empty-state";

/**
 * Title, legend note and empty state around one chart. The chart itself draws after mount: its
 * axes show the viewer's time zone, which the server does not know.
 */
export function ChartFrame({
  title,
  note,
  testId,
  empty,
  height = 256,
  footer,
  children,
}: {
  title: ReactNode;
  note?: ReactNode;
  testId: string;
  /** When set, the chart is replaced by this empty state (what will appear, how to get it). */
  empty?: { title: string; body: ReactNode } | null;
  height?: number;
  /** Below the chart, e.g. links explaining codes; hidden with the empty state. */
  footer?: ReactNode;
  children: ReactNode;
}) {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  return (
    <figure data-testid={testId} className="min-w-0">
      <figcaption className="mb-2 flex flex-wrap items-baseline justify-between gap-x-3 gap-y-1">
        <span className="text-sm font-semibold">{title}</span>
        {note && <span className="text-xs text-slate-600 dark:text-slate-400">{note}</span>}
      </figcaption>
      {empty ? (
        <EmptyState title={empty.title}>{empty.body}</EmptyState>
      ) : mounted ? (
        <div className="text-slate-500 dark:text-slate-400" style={{ height }}>
          {children}
        </div>
      ) : (
        <ChartSkeleton height={height} />
      )}
      {!empty && footer}
    </figure>
  );
}

export function ChartSkeleton({ height = 256 }: { height?: number }) {
  return (
    <div
      aria-hidden
      className="animate-pulse rounded-md bg-slate-100 dark:bg-slate-800"
      style={{ height }}
    />
  );
}
