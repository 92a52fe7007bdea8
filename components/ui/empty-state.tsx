import type { ReactNode } from "react";

/** What will appear here, and how to get it. */
export function EmptyState({
  title,
  children,
  action,
}: {
  title: string;
  children: ReactNode;
  action?: ReactNode;
}) {
  return (
    <div className="rounded-lg border border-dashed border-slate-300 px-6 py-10 text-center dark:border-slate-700">
      <h3 className="text-sm font-semibold">{title}</h3>
      <div className="mx-auto mt-1.5 max-w-prose text-sm text-slate-600 dark:text-slate-400">
        {children}
      </div>
      {action && <div className="mt-4">{action}</div>}
    </div>
  );
}
