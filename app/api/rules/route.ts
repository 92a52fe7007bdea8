// Rules: list (signed in) and create (admins). The body is checked by the same ruleInputSchema as
// the console's form.
import { readJson, withRoute } from "@/lib/http/route";
import { createRule, listRules } from "@/lib/rules/service";
import { appCtx } from "@/lib/runtime";

export const dynamic = "force-dynamic";

export const GET = withRoute("user", async ({ actor }) => ({
  rules: await listRules(appCtx(actor)),
}));

export const POST = withRoute("admin", async ({ req, actor }) => {
  const rule = await createRule({ ctx: appCtx(actor), input: await readJson(req) });
  return Response.json(rule, { status: 201 });
});
