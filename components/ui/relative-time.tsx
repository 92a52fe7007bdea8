"use client";

import { useEffect, useState } from "react";
import { formatRelative } from "@/lib/format";

/** A UTC instant shown in the viewer's time zone, with "3 min ago" beside it and the ISO time on hover. */
export function RelativeTime({
  iso,
  relativeOnly = false,
}: {
  iso: string | null;
  relativeOnly?: boolean;
}) {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  if (!iso) return <span className="text-slate-500">never</span>;
  const at = new Date(iso);
  const local = now === null ? `${iso.replace("T", " ").slice(0, 19)} UTC` : at.toLocaleString();
  const relative = now === null ? "" : formatRelative(at.getTime(), now);
  return (
    <time dateTime={iso} title={`${iso} (UTC)`} suppressHydrationWarning>
      {relativeOnly ? relative || local : local}
      {!relativeOnly && relative && (
        <span className="ml-1 text-slate-500 dark:text-slate-400">({relative})</span>
      )}
    </time>
  );
}
