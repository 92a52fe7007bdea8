"use client";

import {
  Bar,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { formatDuration } from "@/lib/format";
import type { Marker, RequestPoint, RequestSeries } from "@/lib/metrics/queries";
import { ChartFrame } from "./chart-frame";
import {
  axisProps,
  type ChartWindow,
  DANGER,
  formatBucket,
  gridProps,
  MarkerNote,
  markerLines,
  TooltipBox,
  timeDomain,
  timeTickFormatter,
  timeTicks,
} from "./chart-kit";

// A fixed locale: this note renders on the server too, and must match on hydration.
const count = new Intl.NumberFormat("en-US");
const OK_COLOR = "#6366f1";
const P95_COLOR = "#f59e0b";

const nonErrorRate = (p: RequestPoint) =>
  Math.max(0, Math.round((p.perMin - p.perMin5xx) * 100) / 100);

/** Requests per minute (5xx stacked in red) and p95 service time on the right axis. */
export function RequestsChart({
  series,
  markers,
  window,
}: {
  series: RequestSeries;
  markers: Marker[];
  window: ChartWindow;
}) {
  const { requests, errors5xx } = series.totals;
  const errorRate = requests > 0 ? ((errors5xx / requests) * 100).toFixed(1) : "0";
  return (
    <ChartFrame
      title="Requests, 5xx and p95"
      testId="chart-requests"
      note={
        <>
          {count.format(requests)} requests · {count.format(errors5xx)} 5xx ({errorRate}%) ·{" "}
          <MarkerNote markers={markers} />
        </>
      }
      empty={
        requests === 0
          ? {
              title: "No router traffic in this window",
              body: "Requests per minute, 5xx responses and p95 service time appear here from Heroku's router lines once this app receives web traffic and its logs are ingested (log drain or polling).",
            }
          : null
      }
    >
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart data={series.points} margin={{ top: 16, right: 8, bottom: 0, left: 0 }}>
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
            label={{
              value: "req/min",
              angle: -90,
              position: "insideLeft",
              fill: "currentColor",
              fontSize: 11,
            }}
            {...axisProps}
          />
          <YAxis
            yAxisId="ms"
            orientation="right"
            width={56}
            tickFormatter={(v: number) => formatDuration(v)}
            label={{
              value: "p95",
              angle: 90,
              position: "insideRight",
              fill: "currentColor",
              fontSize: 11,
            }}
            {...axisProps}
          />
          <Tooltip
            cursor={{ fill: "currentColor", fillOpacity: 0.08, stroke: "none" }}
            content={({ active, payload, label }) => {
              const point = payload?.[0]?.payload as RequestPoint | undefined;
              if (!active || !point) return null;
              return (
                <TooltipBox
                  title={formatBucket(Number(label), window.stepMs)}
                  rows={[
                    {
                      key: "req",
                      color: OK_COLOR,
                      label: "requests",
                      value: `${point.requests} (${point.perMin}/min)`,
                    },
                    { key: "5xx", color: DANGER, label: "5xx", value: String(point.errors5xx) },
                    {
                      key: "router",
                      label: "router errors (H codes)",
                      value: String(point.routerErrors),
                    },
                    { key: "p50", label: "p50 service", value: formatDuration(point.p50Ms) },
                    {
                      key: "p95",
                      color: P95_COLOR,
                      label: "p95 service",
                      value: formatDuration(point.p95Ms),
                    },
                    { key: "max", label: "max service", value: formatDuration(point.maxMs) },
                  ]}
                />
              );
            }}
          />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Bar
            dataKey={nonErrorRate}
            name="requests (not 5xx), req/min"
            stackId="req"
            fill={OK_COLOR}
            isAnimationActive={false}
          />
          <Bar
            dataKey="perMin5xx"
            name="5xx, req/min"
            stackId="req"
            fill={DANGER}
            isAnimationActive={false}
          />
          <Line
            yAxisId="ms"
            dataKey="p95Ms"
            name="p95 service time (ms)"
            stroke={P95_COLOR}
            strokeWidth={2}
            dot={false}
            connectNulls={false}
            isAnimationActive={false}
          />
          {markerLines(markers)}
        </ComposedChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}
