import { RequestsChart } from "@/components/charts/requests-chart";
import { getMarkers, getRequestSeries, settle } from "@/lib/metrics/queries";
import { PanelError } from "./panel-states";
import { chartWindow, type PanelProps } from "./types";

export async function RequestsPanel({ appId, window }: PanelProps) {
  const [series, markers] = await Promise.all([
    settle("requests", getRequestSeries(appId, window)),
    settle("markers", getMarkers(appId, window)),
  ]);
  if (!series.ok) return <PanelError what="the requests chart" />;
  return (
    <RequestsChart
      series={series.data}
      markers={markers.ok ? markers.data : []}
      window={chartWindow(window)}
    />
  );
}
