import Link from "next/link";
import { RelativeTime } from "@/components/ui/relative-time";
import type { CheckFailure } from "@/lib/checks/queries";

/** Recent failed runs with their reason in words; each names its check unless `showCheck` is off. */
export function FailureList({
  failures,
  showCheck = true,
}: {
  failures: CheckFailure[];
  showCheck?: boolean;
}) {
  if (failures.length === 0) {
    return (
      <p className="text-sm text-slate-600 dark:text-slate-400">
        No failed runs in the last 30 days. A failure shows its reason here: timeout, connection
        refused, DNS, wrong status, missing text, list too long, table missing.
      </p>
    );
  }
  return (
    <ul className="divide-y divide-slate-100 text-sm dark:divide-slate-800">
      {failures.map((failure) => (
        <li
          key={`${failure.checkId}-${failure.at}`}
          className="flex flex-wrap items-baseline gap-x-3 py-2"
        >
          <span className="text-slate-600 dark:text-slate-400">
            <RelativeTime iso={failure.at} />
          </span>
          {showCheck && (
            <Link
              href={`/checks/${failure.checkId}`}
              className="font-medium text-indigo-700 hover:underline dark:text-indigo-300"
            >
              {failure.checkName}
            </Link>
          )}
          <span className="text-red-800 dark:text-red-300">{failure.error}</span>
        </li>
      ))}
    </ul>
  );
}
