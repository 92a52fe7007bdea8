// Readiness for load balancers, Playwright and CI: public, reveals no secrets.
import { withRoute } from "@/lib/http/route";
import { checkHealth } from "@/lib/system/health";

export const dynamic = "force-dynamic";

export const GET = withRoute("public", async () => {
  const health = await checkHealth();
  return Response.json(health, { status: health.status === "ok" ? 200 : 503 });
});
