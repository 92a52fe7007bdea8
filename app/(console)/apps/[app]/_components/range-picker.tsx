import Link from "next/link";
import { RANGE_SPECS, RANGES, type Range } from "@/lib/metrics/buckets";

/** Time range as links (`?range=…`), so a chart view is shareable; the current one is marked. */
export function RangePicker({ current }: { current: Range }) {
  return (
    <nav aria-label="Time range">
      <ul className="inline-flex overflow-hidden rounded-md border border-slate-300 text-sm dark:border-slate-700">
        {RANGES.map((range) => {
          const active = range === current;
          return (
            <li key={range} className="border-slate-300 not-first:border-l dark:border-slate-700">
              <Link
                href={{ query: { range } }}
                scroll={false}
                aria-current={active ? "page" : undefined}
                className={`block px-3 py-1.5 font-medium ${
                  active
                    ? "bg-indigo-600 text-white"
                    : "text-slate-700 hover:bg-slate-100 dark:text-slate-200 dark:hover:bg-slate-800"
                }`}
              >
                <span className="sr-only">last </span>
                {RANGE_SPECS[range].label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
