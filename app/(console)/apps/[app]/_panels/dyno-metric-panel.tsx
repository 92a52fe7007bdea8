// Memory and load: one chart per dyno type from runtime metrics, the same states for both (error,
// empty with the runtime-metrics hint, charts with markers).
import type { ReactNode } from "react";
import { LoadChart } from "@/components/charts/load-chart";
import { MemoryChart } from "@/components/charts/memory-chart";
import { EmptyState } from "@/components/ui/empty-state";
import type { TimeWindow } from "@/lib/metrics/buckets";
import {
  type DynoSeries,
  getLoadSeries,
  getMarkers,
  getMemorySeries,
  type Marker,
  settle,
} from "@/lib/metrics/queries";
import { PanelError } from "./panel-states";
import { RuntimeMetricsHint } from "./runtime-metrics-hint";
import { chartWindow, type PanelProps } from "./types";

type MetricPanelProps = PanelProps & { appName: string; runtimeMetrics: boolean | null };

async function DynoMetricPanel<T extends DynoSeries>({
  noun,
  hint,
  read,
  chart,
  appId,
  appName,
  runtimeMetrics,
  window,
}: MetricPanelProps & {
  noun: string;
  hint: string;
  read: (appId: string, window: TimeWindow) => Promise<T[]>;
  chart: (series: T, markers: Marker[], window: ReturnType<typeof chartWindow>) => ReactNode;
}) {
  const [series, markers] = await Promise.all([
    settle(noun, read(appId, window)),
    settle("markers", getMarkers(appId, window)),
  ]);
  if (!series.ok) return <PanelError what={`the ${noun} charts`} />;
  if (series.data.length === 0) {
    return (
      <div data-testid={`chart-${noun}-empty`}>
        <EmptyState title={`No ${noun} samples in this window`}>
          <RuntimeMetricsHint appName={appName} runtimeMetrics={runtimeMetrics} what={hint} />
        </EmptyState>
      </div>
    );
  }
  const markerList = markers.ok ? markers.data : [];
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      {series.data.map((type) => (
        <div key={type.dynoType}>{chart(type, markerList, chartWindow(window))}</div>
      ))}
    </div>
  );
}

export function MemoryPanel(props: MetricPanelProps) {
  return DynoMetricPanel({
    ...props,
    noun: "memory",
    hint: "RSS and swap",
    read: getMemorySeries,
    chart: (series, markers, window) => (
      <MemoryChart series={series} markers={markers} window={window} />
    ),
  });
}

export function LoadPanel(props: MetricPanelProps) {
  return DynoMetricPanel({
    ...props,
    noun: "load",
    hint: "Load averages",
    read: getLoadSeries,
    chart: (series, markers, window) => (
      <LoadChart series={series} markers={markers} window={window} />
    ),
  });
}
