// Heroku's HTTPS log drain posts logplex batches here; the token in the path authenticates it.
import { systemActor } from "@/lib/context";
import { withRoute } from "@/lib/http/route";
import { answerWithinStoreDeadline } from "@/lib/http/store-deadline";
import { receiveDrainRequest } from "@/lib/ingest/drain";
import { appCtx } from "@/lib/runtime";

export const dynamic = "force-dynamic";
export const maxDuration = 30;

export const POST = withRoute<{ token: string }, "public">("public", async ({ req, params }) => {
  const ctx = appCtx(systemActor("drain"));
  // 503 while the store is down or slow: a batch that commits after its 503 comes back with the
  // same Logplex-Frame-Id and is counted as a duplicate, never stored twice
  return answerWithinStoreDeadline(ctx.db, async (deadline) => {
    // the request is aborted when Logplex hangs up or the deadline passes: its batch leaves the
    // write queue if it is still waiting there
    const signal = AbortSignal.any([req.signal, deadline]);
    await receiveDrainRequest({ ctx, token: params.token, request: new Request(req, { signal }) });
    return new Response(null, { status: 204 });
  });
});
