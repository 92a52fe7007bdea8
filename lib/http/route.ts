// withRoute: every route handler's wrapper. It authorises first, then maps errors to JSON in one
// place: {"error": {"code", "message", "fields"?}} with the status of the error's code.
import "server-only";
import { ZodError } from "zod";
import { isBearerHeader } from "@/lib/auth/api-tokens";
import { requireApiActor, requireCronSecret } from "@/lib/auth/guards";
import { getConfig } from "@/lib/config";
import type { UserActor } from "@/lib/context";
import { AppError, type FieldErrors } from "@/lib/errors";
import { log } from "@/lib/log";
import { assertSameOriginWrite } from "./same-origin";

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
  const sqlState = dataExceptionState(error);
  if (sqlState) {
    // A value Postgres cannot take (SQLSTATE class 22: a NUL byte, bad UUID text, out of range).
    // Input validation should stop these first; this keeps a miss a 400 instead of a 500.
    log.warn("database refused a value from the request", { ...context, sqlState, error });
    return errorResponse(
      new AppError("bad_request", "A value in the request cannot be stored; check the fields."),
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

/** The SQLSTATE of a Postgres data exception (class 22) anywhere in the cause chain, or null. */
export function dataExceptionState(error: unknown): string | null {
  let current = error;
  for (let depth = 0; depth < 5 && current && typeof current === "object"; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && /^22[0-9A-Z]{3}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

async function readParams<P extends Params>(context?: { params?: Promise<P> }): Promise<P> {
  try {
    return ((await context?.params) ?? {}) as P;
  } catch {
    // proxy.ts answers malformed percent-encoding first; this covers a path that bypasses it
    throw new AppError("bad_request", "The request path is not valid percent-encoding.");
  }
}

function appOrigin(): string | null {
  try {
    return new URL(getConfig().appUrl).origin;
  } catch {
    return null;
  }
}

/**
 * Wraps a route handler: access check, params, errors → JSON. Non-Response results become JSON.
 * A write signed in with the session cookie must be same-origin JSON (lib/http/same-origin.ts).
 */
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
      if (actor && !isBearerHeader(req.headers.get("authorization"))) {
        assertSameOriginWrite(req, appOrigin());
      }
      const params = await readParams(context);
      const result = await handler({ req, params, actor } as HandlerArgs<P, A>);
      return result instanceof Response ? result : Response.json(result);
    } catch (error) {
      // the path may hold an old-form drain secret: lib/log cuts it
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
