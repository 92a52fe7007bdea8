"use client";

import {
  Bar,
  CartesianGrid,
  ComposedChart,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { ChartFrame } from "@/components/charts/chart-frame";
import {
  axisProps,
  type ChartWindow,
  DANGER,
  formatBucket,
  gridProps,
  TooltipBox,
  timeDomain,
  timeTickFormatter,
  timeTicks,
} from "@/components/charts/chart-kit";
import type { ResponsePoint } from "@/lib/checks/queries";
import { formatDuration } from "@/lib/format";

const AVG_COLOR = "#6366f1";
const MAX_COLOR = "#f59e0b";

/**
 * Mean and slowest response time per interval of the runs that got an answer, failed runs as red
 * bars on their own axis (a timeout's wait is not a response time).
 */
export function ResponseTimeChart({
  points,
  window,
  rangeLabel,
}: {
  points: ResponsePoint[];
  window: ChartWindow;
  rangeLabel: string;
}) {
  const runs = points.reduce((sum, p) => sum + p.ok + p.failed, 0);
  const failures = points.reduce((sum, p) => sum + p.failed, 0);
  const means = points.flatMap((p) => (p.avgMs === null ? [] : [p.avgMs]));
  const mean = means.length ? means.reduce((a, b) => a + b, 0) / means.length : null;
  return (
    <ChartFrame
      title={`Last ${rangeLabel}: mean and slowest answer, failed runs in red`}
      testId="chart-check-response-time"
      note={`${runs} runs · ${failures} failed · mean ${formatDuration(mean)}`}
      empty={
        runs === 0
          ? {
              title: `No runs in the last ${rangeLabel}`,
              body: "Response times appear here once the run-checks job has run this check (every 15 s it runs the checks that are due).",
            }
          : null
      }
    >
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart data={points} margin={{ top: 16, right: 8, bottom: 0, left: 0 }}>
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
            width={56}
            domain={[0, "auto"]}
            tickFormatter={(v: number) => formatDuration(v)}
            label={{
              value: "ms",
              angle: -90,
              position: "insideLeft",
              fill: "currentColor",
              fontSize: 11,
            }}
            {...axisProps}
          />
          <YAxis
            yAxisId="failures"
            orientation="right"
            width={32}
            allowDecimals={false}
            {...axisProps}
          />
          <Tooltip
            cursor={{ fill: "currentColor", fillOpacity: 0.08, stroke: "none" }}
            content={({ active, payload, label }) => {
              const point = payload?.[0]?.payload as ResponsePoint | undefined;
              if (!active || !point) return null;
              return (
                <TooltipBox
                  title={formatBucket(Number(label), window.stepMs)}
                  rows={
                    point.ok + point.failed === 0
                      ? []
                      : [
                          {
                            key: "avg",
                            color: AVG_COLOR,
                            label: "mean",
                            value: formatDuration(point.avgMs),
                          },
                          {
                            key: "max",
                            color: MAX_COLOR,
                            label: "slowest",
                            value: formatDuration(point.maxMs),
                          },
                          {
                            key: "runs",
                            color: DANGER,
                            label: "failed runs",
                            value: `${point.failed} of ${point.ok + point.failed}`,
                          },
                        ]
                  }
                />
              );
            }}
          />
          <Bar
            yAxisId="failures"
            dataKey="failed"
            name="failed runs"
            fill={DANGER}
            fillOpacity={0.5}
            isAnimationActive={false}
          />
          <Line
            dataKey="avgMs"
            name="mean"
            stroke={AVG_COLOR}
            dot={{ r: 1.5, fill: AVG_COLOR }}
            strokeWidth={2}
            connectNulls={false}
            isAnimationActive={false}
          />
          <Line
            dataKey="maxMs"
            name="slowest"
            stroke={MAX_COLOR}
            dot={false}
            strokeDasharray="4 3"
            connectNulls={false}
            isAnimationActive={false}
          />
        </ComposedChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}
