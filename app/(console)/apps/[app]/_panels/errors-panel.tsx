import { ErrorTimelineChart } from "@/components/charts/error-timeline";
import { getErrorTimeline, getMarkers, settle } from "@/lib/metrics/queries";
import { PanelError } from "./panel-states";
import { chartWindow, type PanelProps } from "./types";

export async function ErrorsPanel({ appId, window }: PanelProps) {
  const [timeline, markers] = await Promise.all([
    settle("errors", getErrorTimeline(appId, window)),
    settle("markers", getMarkers(appId, window)),
  ]);
  if (!timeline.ok) return <PanelError what="the error timeline" />;
  return (
    <ErrorTimelineChart
      timeline={timeline.data}
      markers={markers.ok ? markers.data : []}
      window={chartWindow(window)}
    />
  );
}
