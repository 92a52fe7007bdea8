// Status checks: list (signed in) and create (admins). The body is checked by the same schema as
// the console's form; Redis/Postgres URLs are accepted here and never returned (only their hint).
import { createCheck, listChecks } from "@/lib/checks/service";
import { readJson, withRoute } from "@/lib/http/route";
import { appCtx } from "@/lib/runtime";

export const dynamic = "force-dynamic";

export const GET = withRoute("user", async ({ actor }) => ({
  checks: await listChecks(appCtx(actor)),
}));

export const POST = withRoute("admin", async ({ req, actor }) => {
  const check = await createCheck({ ctx: appCtx(actor), input: await readJson(req) });
  return Response.json(check, { status: 201 });
});
