// A check's results, newest first: ?from=&to= (ISO times, to exclusive) and ?limit= (1-1000).
import { listCheckResults } from "@/lib/checks/service";
import { withRoute } from "@/lib/http/route";
import { appCtx } from "@/lib/runtime";

export const dynamic = "force-dynamic";

type Params = { id: string };

export const GET = withRoute<Params, "user">("user", async ({ req, params, actor }) => {
  const query = Object.fromEntries(new URL(req.url).searchParams.entries());
  return listCheckResults(appCtx(actor), params.id, query);
});
