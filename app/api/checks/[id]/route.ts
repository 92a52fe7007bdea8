// One check: read (signed in), change with a partial body merged onto the stored check, or delete
// (admins). An unknown id, or one that is not a UUID, is a 404.
import { deleteCheck, getCheck, updateCheck } from "@/lib/checks/service";
import { readJson, withRoute } from "@/lib/http/route";
import { appCtx } from "@/lib/runtime";

export const dynamic = "force-dynamic";

type Params = { id: string };

export const GET = withRoute<Params, "user">("user", async ({ params, actor }) =>
  getCheck(appCtx(actor), params.id),
);

export const PATCH = withRoute<Params, "admin">("admin", async ({ req, params, actor }) =>
  updateCheck({ ctx: appCtx(actor), id: params.id, patch: await readJson(req) }),
);

export const DELETE = withRoute<Params, "admin">("admin", async ({ params, actor }) => {
  await deleteCheck({ ctx: appCtx(actor), id: params.id });
  return new Response(null, { status: 204 });
});
