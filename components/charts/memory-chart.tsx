"use client";

import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { Marker, MemorySeries } from "@/lib/metrics/queries";
import { ChartFrame } from "./chart-frame";
import {
  axisProps,
  type ChartWindow,
  colorAt,
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

const mb = (value: unknown) => `${Number(value).toFixed(0)} MB`;

/** RSS per dyno (solid), swap per dyno (dashed, only when used), and the dyno type's quota. */
export function MemoryChart({
  series,
  markers,
  window,
}: {
  series: MemorySeries;
  markers: Marker[];
  window: ChartWindow;
}) {
  const { quotaMb, dynos, points } = series;
  const swapping = dynos.filter((dyno) => points.some((p) => (p[`${dyno}:swap`] ?? 0) > 0));
  const peak = Math.max(
    0,
    ...points.flatMap((p) => dynos.map((dyno) => (p[dyno] ?? 0) + (p[`${dyno}:swap`] ?? 0))),
  );
  const peakPercent = quotaMb ? Math.round((peak / quotaMb) * 100) : null;
  const top = Math.max(peak, quotaMb ?? 0) * 1.1 || 1;
  return (
    <ChartFrame
      title={`Memory · ${series.dynoType}`}
      testId={`chart-memory-${series.dynoType}`}
      note={
        <>
          {quotaMb
            ? `quota ${quotaMb} MB per dyno · peak RSS + swap ${Math.round(peak)} MB (${peakPercent}% of quota)`
            : "quota unknown"}
          {swapping.length > 0 && ` · swap in use on ${swapping.join(", ")}`} ·{" "}
          <MarkerNote markers={markers} />
        </>
      }
    >
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={points} margin={{ top: 16, right: 8, bottom: 0, left: 0 }}>
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
            domain={[0, Math.ceil(top)]}
            width={56}
            tickFormatter={(v: number) => `${v}`}
            label={{
              value: "MB",
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
                    value:
                      quotaMb && !String(entry.dataKey).endsWith(":swap")
                        ? `${mb(entry.value)} (${Math.round((Number(entry.value) / quotaMb) * 100)}%)`
                        : mb(entry.value),
                  }))}
                />
              ) : null
            }
          />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {quotaMb !== null && (
            <ReferenceLine
              y={quotaMb}
              stroke={DANGER}
              strokeWidth={1.5}
              label={{
                value: `quota ${quotaMb} MB`,
                position: "insideTopRight",
                fill: DANGER,
                fontSize: 11,
              }}
            />
          )}
          {dynos.map((dyno, index) => (
            <Line
              key={dyno}
              dataKey={dyno}
              name={`${dyno} RSS`}
              stroke={colorAt(index)}
              strokeWidth={2}
              dot={false}
              isAnimationActive={false}
            />
          ))}
          {swapping.map((dyno) => (
            <Line
              key={`${dyno}:swap`}
              dataKey={`${dyno}:swap`}
              name={`${dyno} swap`}
              stroke={colorAt(dynos.indexOf(dyno))}
              strokeDasharray="5 4"
              strokeWidth={1.5}
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
