// Historical metrics in a queryable format: GET /api/apps/[app]/metrics as JSON or CSV.
import "server-only";
import { z } from "zod";
import { getAppByName } from "@/lib/apps/queries";
import { AppError } from "@/lib/errors";
import { queryInt, textProblem } from "@/lib/validation";
import { getErrorTimeline, getLoadSeries, getMemorySeries, getRequestSeries } from "./queries";

const MAX_POINTS = 20_000;

export const metricsQuerySchema = z
  .object({
    series: z
      .enum(["memory", "load", "requests", "errors"], {
        error: "series is memory, load, requests or errors.",
      })
      .default("memory"),
    from: z.iso
      .datetime({ offset: true, error: "from is an ISO 8601 time, like 2026-11-24T10:00:00Z." })
      .optional(),
    to: z.iso
      .datetime({ offset: true, error: "to is an ISO 8601 time, like 2026-11-24T16:00:00Z." })
      .optional(),
    step: queryInt("step", { min: 60, max: 86_400 }).default(300),
    dynoType: z
      .string()
      .regex(/^[\w-]+$/, { error: "dynoType is a process type, like web." })
      .optional(),
    format: z.enum(["json", "csv"], { error: "format is json or csv." }).default("json"),
  })
  .transform((value, ctx) => {
    const to = value.to ? new Date(value.to) : new Date();
    const from = value.from ? new Date(value.from) : new Date(to.getTime() - 6 * 3_600_000);
    if (from >= to)
      ctx.addIssue({ code: "custom", path: ["from"], message: "from must be before to." });
    if ((to.getTime() - from.getTime()) / 1000 / value.step > MAX_POINTS) {
      ctx.addIssue({
        code: "custom",
        path: ["step"],
        message: `That window needs more than ${MAX_POINTS} points: use a larger step.`,
      });
    }
    return { ...value, window: { from, to, stepSeconds: value.step } };
  });
export type MetricsQuery = z.infer<typeof metricsQuerySchema>;

type Row = Record<string, string | number | null>;

/** One flat table: a row per bucket (and per dyno type for memory and load). */
export async function exportMetrics(
  appName: string,
  query: MetricsQuery,
): Promise<{ columns: string[]; rows: Row[] }> {
  // a name no app can have (NUL, a lone surrogate) must not reach the query
  const app = textProblem(appName) === null ? await getAppByName(appName) : undefined;
  if (!app) throw new AppError("not_found", `There is no app named ${appName}.`);
  const options = query.dynoType ? { dynoType: query.dynoType } : {};
  const iso = (t: number) => new Date(t).toISOString();
  if (query.series === "errors") {
    const timeline = await getErrorTimeline(app.id, query.window, options);
    return {
      columns: ["time", ...timeline.codes],
      rows: timeline.points.map((p) => ({
        time: iso(p.t),
        ...Object.fromEntries(timeline.codes.map((c) => [c, p[c] ?? 0])),
      })),
    };
  }
  if (query.series === "requests") {
    const series = await getRequestSeries(app.id, query.window, options);
    return {
      columns: ["time", "requests", "errors_5xx", "router_errors", "p50_ms", "p95_ms", "max_ms"],
      rows: series.points.map((p) => ({
        time: iso(p.t),
        requests: p.requests,
        errors_5xx: p.errors5xx,
        router_errors: p.routerErrors,
        p50_ms: p.p50Ms,
        p95_ms: p.p95Ms,
        max_ms: p.maxMs,
      })),
    };
  }
  const groups =
    query.series === "memory"
      ? await getMemorySeries(app.id, query.window, options)
      : await getLoadSeries(app.id, query.window, options);
  const dynos = [...new Set(groups.flatMap((g) => g.dynos))];
  const unit = query.series === "memory" ? "rss_mb" : "load_1m";
  const columns = [
    "time",
    "dyno_type",
    ...dynos.map((d) => `${d}_${unit}`),
    ...(query.series === "memory" ? ["quota_mb"] : []),
  ];
  const rows: Row[] = [];
  for (const group of groups) {
    for (const point of group.points) {
      const row: Row = { time: iso(point.t), dyno_type: group.dynoType };
      for (const dyno of group.dynos) row[`${dyno}_${unit}`] = point[dyno] ?? null;
      if (query.series === "memory")
        row.quota_mb = (group as { quotaMb?: number | null }).quotaMb ?? null;
      rows.push(row);
    }
  }
  return { columns, rows };
}

function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(table: { columns: string[]; rows: Row[] }): string {
  const lines = [table.columns.join(",")];
  for (const row of table.rows) lines.push(table.columns.map((c) => csvCell(row[c])).join(","));
  return `${lines.join("\n")}\n`;
}
