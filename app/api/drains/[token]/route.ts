// Heroku's HTTPS log drain posts logplex batches here; the token in the path authenticates it.
import { systemActor } from "@/lib/context";
import { AppError } from "@/lib/errors";
import { errorResponse, withRoute } from "@/lib/http/route";
import { receiveDrainRequest } from "@/lib/ingest/drain";
import { appCtx } from "@/lib/runtime";

export const dynamic = "force-dynamic";
export const maxDuration = 30;

export const POST = withRoute<{ token: string }, "public">("public", async ({ req, params }) => {
  try {
    await receiveDrainRequest({
      ctx: appCtx(systemActor("drain")),
      token: params.token,
      request: req,
    });
  } catch (error) {
    if (error instanceof AppError && error.code === "unavailable") {
      const response = errorResponse(error);
      response.headers.set("Retry-After", "5");
      return response;
    }
    throw error;
  }
  return new Response(null, { status: 204 });
});
