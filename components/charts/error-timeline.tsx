"use client";

import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { Marker, ErrorTimeline as Timeline } from "@/lib/metrics/queries";
import { ChartFrame } from "./chart-frame";
import {
  axisProps,
  type ChartWindow,
  formatBucket,
  gridProps,
  MarkerNote,
  markerLines,
  TooltipBox,
  timeDomain,
  timeTickFormatter,
  timeTicks,
} from "./chart-kit";

// Families keep related colours: router (H) warm, runtime (R) purple/pink, logging (L) blue.
const FAMILY_COLORS: Record<string, string[]> = {
  H: ["#f59e0b", "#ea580c", "#facc15", "#b45309", "#fb923c"],
  R: ["#a855f7", "#ec4899", "#8b5cf6", "#d946ef"],
  L: ["#0ea5e9", "#06b6d4"],
};
const CRASH_COLOR = "#ef4444";

function codeColors(codes: readonly string[]): Record<string, string> {
  const used: Record<string, number> = {};
  return Object.fromEntries(
    codes.map((code) => {
      if (code === "crashed") return [code, CRASH_COLOR];
      const family = FAMILY_COLORS[code[0] ?? ""] ?? ["#64748b"];
      const index = used[code[0] ?? ""] ?? 0;
      used[code[0] ?? ""] = index + 1;
      return [code, family[index % family.length] ?? "#64748b"];
    }),
  );
}

/** Error events per interval, stacked by code; hovering a bar explains each code. */
export function ErrorTimelineChart({
  timeline,
  markers,
  window,
  title = "Error events per interval, stacked by code",
}: {
  timeline: Timeline;
  markers: Marker[];
  window: ChartWindow;
  title?: string;
}) {
  const colors = codeColors(timeline.codes);
  const formatTick = timeTickFormatter(window);
  const total = Object.values(timeline.totals).reduce((sum, n) => sum + n, 0);
  return (
    <ChartFrame
      title={title}
      testId="chart-errors"
      note={
        <>
          {total} events in this window · <MarkerNote markers={markers} />
        </>
      }
      footer={
        <ul className="mt-3 flex flex-wrap gap-x-4 gap-y-1 text-xs">
          {timeline.codes.map((code) => {
            const info = timeline.explain[code];
            return (
              <li key={code}>
                <span
                  aria-hidden
                  className="mr-1 inline-block size-2 rounded-sm"
                  style={{ backgroundColor: colors[code] }}
                />
                <a
                  className="underline"
                  href={info?.href}
                  rel="noreferrer"
                  target="_blank"
                  title={info?.advice ?? undefined}
                >
                  <span className="font-semibold">{code}</span> {info?.description}
                </a>{" "}
                <span className="text-slate-500 dark:text-slate-400">
                  ×{timeline.totals[code] ?? 0}
                </span>
              </li>
            );
          })}
        </ul>
      }
      empty={
        timeline.codes.length === 0
          ? {
              title: "No errors in this window",
              body: "Router (H10, H12…), runtime (R14, R15…) and logging (L10) errors and crashes appear here per interval, stacked by code, as soon as this app's logs report them.",
            }
          : null
      }
    >
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={timeline.points} margin={{ top: 16, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid {...gridProps} />
          <XAxis
            dataKey="t"
            type="number"
            scale="time"
            domain={timeDomain(window)}
            ticks={timeTicks(window)}
            tickFormatter={formatTick}
            {...axisProps}
          />
          <YAxis
            allowDecimals={false}
            width={48}
            label={{
              value: "events",
              angle: -90,
              position: "insideLeft",
              fill: "currentColor",
              fontSize: 11,
            }}
            {...axisProps}
          />
          <Tooltip
            cursor={{ fill: "currentColor", fillOpacity: 0.08, stroke: "none" }}
            content={({ active, payload, label }) =>
              active && payload?.length ? (
                <TooltipBox
                  title={formatBucket(Number(label), window.stepMs)}
                  rows={payload
                    .filter((entry) => Number(entry.value) > 0)
                    .reverse()
                    .map((entry) => {
                      const code = String(entry.dataKey);
                      const info = timeline.explain[code];
                      return {
                        key: code,
                        color: colors[code],
                        label: (
                          <>
                            <span className="font-semibold">{code}</span> {info?.description}
                            {info?.advice && (
                              <span className="block text-slate-500 dark:text-slate-400">
                                {info.advice}
                              </span>
                            )}
                          </>
                        ),
                        value: String(entry.value),
                      };
                    })}
                />
              ) : null
            }
          />
          {timeline.codes.map((code) => (
            <Bar
              key={code}
              dataKey={code}
              name={code}
              stackId="errors"
              fill={colors[code]}
              isAnimationActive={false}
            />
          ))}
          {markerLines(markers)}
        </BarChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}
