"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";

/**
 * Re-renders the page's server components every `seconds` (no flicker: the router swaps data in
 * place), shows when it last did, and pauses while the pointer rests on the page or the tab is
 * hidden, so a chart being read does not move.
 */
export function AutoRefresh({ seconds = 15 }: { seconds?: number }) {
  const router = useRouter();
  const [updatedAt, setUpdatedAt] = useState(() => Date.now());
  const [now, setNow] = useState(() => Date.now());
  const [paused, setPaused] = useState(false);
  const pausedRef = useRef(false);

  useEffect(() => {
    const main = document.querySelector("main");
    const enter = () => {
      pausedRef.current = true;
      setPaused(true);
    };
    const leave = () => {
      pausedRef.current = false;
      setPaused(false);
    };
    main?.addEventListener("pointerenter", enter);
    main?.addEventListener("pointerleave", leave);
    const timer = setInterval(() => {
      setNow(Date.now());
      if (pausedRef.current || document.hidden) return;
      setUpdatedAt((last) => {
        if (Date.now() - last < seconds * 1000) return last;
        router.refresh();
        return Date.now();
      });
    }, 1000);
    return () => {
      clearInterval(timer);
      main?.removeEventListener("pointerenter", enter);
      main?.removeEventListener("pointerleave", leave);
    };
  }, [router, seconds]);

  const age = Math.max(0, Math.round((now - updatedAt) / 1000));
  return (
    <p className="text-xs text-slate-500 dark:text-slate-400" aria-live="off">
      updated {age < 2 ? "just now" : `${age} s ago`}
      {paused ? " · paused while you read" : ` · refreshes every ${seconds} s`}
    </p>
  );
}
