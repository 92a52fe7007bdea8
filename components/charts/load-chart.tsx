"use client";

import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { DynoSeries, Marker } from "@/lib/metrics/queries";
import { ChartFrame } from "./chart-frame";
import {
  axisProps,
  type ChartWindow,
  colorAt,
  formatBucket,
  gridProps,
  MarkerNote,
  markerLines,
  TooltipBox,
  timeDomain,
  timeTickFormatter,
  timeTicks,
} from "./chart-kit";

/** 1-minute load average per dyno (the highest sample in each interval). */
export function LoadChart({
  series,
  markers,
  window,
}: {
  series: DynoSeries;
  markers: Marker[];
  window: ChartWindow;
}) {
  const peak = Math.max(0, ...series.points.flatMap((p) => series.dynos.map((d) => p[d] ?? 0)));
  return (
    <ChartFrame
      title={`Load · ${series.dynoType}`}
      testId={`chart-load-${series.dynoType}`}
      note={
        <>
          1-min load average, highest per interval · peak {peak.toFixed(2)} ·{" "}
          <MarkerNote markers={markers} />
        </>
      }
    >
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={series.points} margin={{ top: 16, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid {...gridProps} />
          <XAxis
            dataKey="t"
            type="number"
            scale="time"
            domain={timeDomain(window)}
            ticks={timeTicks(window)}
            tickFormatter={timeTickFormatter(window)}
            {...axisProps}
          />
          <YAxis
            width={48}
            domain={[0, "auto"]}
            label={{
              value: "load",
              angle: -90,
              position: "insideLeft",
              fill: "currentColor",
              fontSize: 11,
            }}
            {...axisProps}
          />
          <Tooltip
            content={({ active, payload, label }) =>
              active && payload?.length ? (
                <TooltipBox
                  title={formatBucket(Number(label), window.stepMs)}
                  rows={payload.map((entry) => ({
                    key: String(entry.dataKey),
                    color: entry.color,
                    label: entry.name,
                    value: Number(entry.value).toFixed(2),
                  }))}
                />
              ) : null
            }
          />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {series.dynos.map((dyno, index) => (
            <Line
              key={dyno}
              dataKey={dyno}
              name={dyno}
              stroke={colorAt(index)}
              strokeWidth={2}
              dot={false}
              isAnimationActive={false}
            />
          ))}
          {markerLines(markers)}
        </LineChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}
