// Historical metrics of one app, as JSON or CSV (`format=csv`): memory, load, requests or errors.
import { withRoute } from "@/lib/http/route";
import { exportMetrics, metricsQuerySchema, toCsv } from "@/lib/metrics/export";

export const dynamic = "force-dynamic";

// Next hands params over decoded already: decoding again turned "%25" into a URIError (a 500)
export const GET = withRoute<{ app: string }, "user">("user", async ({ req, params }) => {
  const query = metricsQuerySchema.parse(Object.fromEntries(new URL(req.url).searchParams));
  const table = await exportMetrics(params.app, query);
  if (query.format === "csv") {
    return new Response(toCsv(table), {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="${params.app}-${query.series}.csv"`,
      },
    });
  }
  return {
    app: params.app,
    series: query.series,
    from: query.window.from,
    to: query.window.to,
    stepSeconds: query.step,
    ...table,
  };
});
