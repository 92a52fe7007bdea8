// withRoute: every route handler's wrapper. It authorises first, then maps errors to JSON in one
// place: {"error": {"code", "message", "fields"?}} with the status of the error's code.
import "server-only";
import { ZodError } from "zod";
import { requireApiActor, requireCronSecret } from "@/lib/auth/guards";
import type { UserActor } from "@/lib/context";
import { AppError, type FieldErrors } from "@/lib/errors";
import { log } from "@/lib/log";

export type RouteAccess = "public" | "cron" | "user" | "admin";

type Params = Record<string, string | string[]>;
type HandlerArgs<P extends Params, A extends RouteAccess> = {
  req: Request;
  params: P;
  actor: A extends "user" | "admin" ? UserActor : undefined;
};

export function zodFieldErrors(error: ZodError): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join(".") : "_";
    fields[key] ??= [];
    fields[key].push(issue.message);
  }
  return fields;
}

export function errorResponse(error: unknown, context?: Record<string, unknown>): Response {
  if (error instanceof ZodError) {
    return Response.json(
      {
        error: {
          code: "validation",
          message: "Some fields are invalid.",
          fields: zodFieldErrors(error),
        },
      },
      { status: 422 },
    );
  }
  if (error instanceof AppError) {
    return Response.json(
      {
        error: {
          code: error.code,
          message: error.message,
          ...(error.fields ? { fields: error.fields } : {}),
        },
      },
      { status: error.status },
    );
  }
  log.error("unhandled error in route handler", { ...context, error });
  return Response.json(
    {
      error: {
        code: "internal",
        message: "Something went wrong on the server; it has been logged.",
      },
    },
    { status: 500 },
  );
}

/** Wraps a route handler: access check, params, errors → JSON. Non-Response results become JSON. */
export function withRoute<P extends Params = Params, A extends RouteAccess = RouteAccess>(
  access: A,
  handler: (args: HandlerArgs<P, A>) => Promise<Response | unknown>,
) {
  return async (req: Request, context?: { params?: Promise<P> }): Promise<Response> => {
    try {
      let actor: UserActor | undefined;
      if (access === "cron") requireCronSecret(req);
      else if (access === "user") actor = await requireApiActor(req);
      else if (access === "admin") actor = await requireApiActor(req, { role: "admin" });
      const params = ((await context?.params) ?? {}) as P;
      const result = await handler({ req, params, actor } as HandlerArgs<P, A>);
      return result instanceof Response ? result : Response.json(result);
    } catch (error) {
      return errorResponse(error, { path: new URL(req.url).pathname, method: req.method });
    }
  };
}

/** Reads a JSON body; malformed JSON is a 400, not a 500. */
export async function readJson(req: Request): Promise<unknown> {
  try {
    return await req.json();
  } catch {
    throw new AppError("bad_request", "The request body is not valid JSON.");
  }
}
