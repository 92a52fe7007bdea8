import { MemoryChart } from "@/components/charts/memory-chart";
import { EmptyState } from "@/components/ui/empty-state";
import { getMarkers, getMemorySeries, settle } from "@/lib/metrics/queries";
import { PanelError } from "./panel-states";
import { RuntimeMetricsHint } from "./runtime-metrics-hint";
import { chartWindow, type PanelProps } from "./types";

export async function MemoryPanel({
  appId,
  appName,
  runtimeMetrics,
  window,
}: PanelProps & { appName: string; runtimeMetrics: boolean | null }) {
  const [series, markers] = await Promise.all([
    settle("memory", getMemorySeries(appId, window)),
    settle("markers", getMarkers(appId, window)),
  ]);
  if (!series.ok) return <PanelError what="the memory charts" />;
  if (series.data.length === 0) {
    return (
      <div data-testid="chart-memory-empty">
        <EmptyState title="No memory samples in this window">
          <RuntimeMetricsHint
            appName={appName}
            runtimeMetrics={runtimeMetrics}
            what="RSS and swap"
          />
        </EmptyState>
      </div>
    );
  }
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      {series.data.map((type) => (
        <MemoryChart
          key={type.dynoType}
          series={type}
          markers={markers.ok ? markers.data : []}
          window={chartWindow(window)}
        />
      ))}
    </div>
  );
}
