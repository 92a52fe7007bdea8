import type { ChartWindow } from "@/components/charts/chart-kit";
import type { TimeWindow } from "@/lib/metrics/buckets";

export type PanelProps = { appId: string; window: TimeWindow };

export const chartWindow = (window: TimeWindow): ChartWindow => ({
  from: window.from.getTime(),
  to: window.to.getTime(),
  stepMs: window.stepSeconds * 1000,
});
