"use client";

import { type ReactNode, useState } from "react";
import { Button } from "@/components/ui/button";

/**
 * A secret the server will never show again (an API token, a webhook's signing secret): read-only
 * field, copy button, and "I have copied it" to dismiss. `note` (under the title) and `children`
 * (under the field) say what to do with it.
 */
export function ShownOnce({
  value,
  noun,
  inputId,
  title,
  note,
  children,
  onDone,
}: {
  value: string;
  /** What the value is, in the field's label and the messages ("API token", "signing secret"). */
  noun: string;
  inputId: string;
  title: ReactNode;
  note?: ReactNode;
  children?: ReactNode;
  onDone: () => void;
}) {
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied("yes");
    } catch {
      setCopied("failed");
    }
  };
  const short = noun.split(" ").at(-1) ?? noun;
  return (
    <div
      role="status"
      className="rounded-md border border-amber-300 bg-amber-50 p-4 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100"
    >
      <p className="font-medium">{title}</p>
      {note && <p className="mt-1">{note}</p>}
      <div className="mt-3 flex flex-wrap items-center gap-2">
        <label htmlFor={inputId} className="sr-only">
          {noun.charAt(0).toUpperCase() + noun.slice(1)}
        </label>
        <input
          id={inputId}
          readOnly
          value={value}
          onFocus={(event) => event.currentTarget.select()}
          className="min-w-0 flex-1 rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-xs text-slate-900 dark:border-slate-700 dark:bg-slate-950 dark:text-slate-100"
        />
        <Button variant="secondary" onClick={copy}>
          {copied === "yes" ? "Copied" : `Copy ${short}`}
        </Button>
        <Button variant="ghost" onClick={onDone}>
          I have copied it
        </Button>
      </div>
      {copied === "failed" && (
        <p role="alert" className="mt-2 text-red-700 dark:text-red-400">
          The browser refused to copy; select the {short} and copy it by hand.
        </p>
      )}
      {children}
    </div>
  );
}
