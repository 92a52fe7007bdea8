import { LoadChart } from "@/components/charts/load-chart";
import { EmptyState } from "@/components/ui/empty-state";
import { getLoadSeries, getMarkers, settle } from "@/lib/metrics/queries";
import { PanelError } from "./panel-states";
import { RuntimeMetricsHint } from "./runtime-metrics-hint";
import { chartWindow, type PanelProps } from "./types";

export async function LoadPanel({
  appId,
  appName,
  runtimeMetrics,
  window,
}: PanelProps & { appName: string; runtimeMetrics: boolean | null }) {
  const [series, markers] = await Promise.all([
    settle("load", getLoadSeries(appId, window)),
    settle("markers", getMarkers(appId, window)),
  ]);
  if (!series.ok) return <PanelError what="the load charts" />;
  if (series.data.length === 0) {
    return (
      <div data-testid="chart-load-empty">
        <EmptyState title="No load samples in this window">
          <RuntimeMetricsHint
            appName={appName}
            runtimeMetrics={runtimeMetrics}
            what="Load averages"
          />
        </EmptyState>
      </div>
    );
  }
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      {series.data.map((type) => (
        <LoadChart
          key={type.dynoType}
          series={type}
          markers={markers.ok ? markers.data : []}
          window={chartWindow(window)}
        />
      ))}
    </div>
  );
}
