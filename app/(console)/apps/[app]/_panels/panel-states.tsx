import { ChartSkeleton } from "@/components/charts/chart-frame";

export function PanelSkeleton({ label, charts = 1 }: { label: string; charts?: number }) {
  return (
    <div role="status" aria-label={`Loading ${label}`} className="grid gap-6 lg:grid-cols-2">
      {Array.from({ length: charts }, (_, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: placeholders have no identity
        <div key={index} className={charts === 1 ? "lg:col-span-2" : undefined}>
          <div className="mb-2 h-4 w-40 animate-pulse rounded bg-slate-100 dark:bg-slate-800" />
          <ChartSkeleton />
        </div>
      ))}
    </div>
  );
}

export function PanelError({ what }: { what: string }) {
  return (
    <p
      role="alert"
      className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950 dark:text-red-200"
    >
      Could not load {what}. The rest of the page is unaffected; reload to try again, and see the
      server log for the cause.
    </p>
  );
}
