// withAction: every server action's wrapper. It authorises itself (never trusting proxy.ts), parses
// FormData with the same zod schema the API uses, and returns field errors instead of throwing.
import "server-only";
import { revalidatePath } from "next/cache";
import { unstable_rethrow } from "next/navigation";
import type { ZodType, z } from "zod";
import { requireAdmin, requireUser } from "@/lib/auth/guards";
import type { UserActor } from "@/lib/context";
import { AppError, type FieldErrors } from "@/lib/errors";
import { log } from "@/lib/log";
import { zodFieldErrors } from "./route";

export type ActionResult<T = undefined> =
  | { ok: true; data: T; message?: string }
  | { ok: false; message: string; fieldErrors: FieldErrors; values?: Record<string, string> };

export const initialActionState = { ok: false, message: "", fieldErrors: {} } as const;

function formValues(formData: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of formData.entries()) {
    if (typeof value === "string" && !/password|secret|token/i.test(key)) values[key] = value;
  }
  return values;
}

export function withAction<S extends ZodType, T>(
  options: { access: "user" | "admin"; schema: S; revalidate?: string[] },
  fn: (input: z.output<S>, actor: UserActor) => Promise<T>,
) {
  return async (_previous: unknown, formData: FormData): Promise<ActionResult<T>> => {
    const actor = options.access === "admin" ? await requireAdmin() : await requireUser();
    const values = formValues(formData);
    const parsed = options.schema.safeParse(Object.fromEntries(formData.entries()));
    if (!parsed.success) {
      return {
        ok: false,
        message: "Some fields need attention.",
        fieldErrors: zodFieldErrors(parsed.error),
        values,
      };
    }
    try {
      const data = await fn(parsed.data, actor);
      for (const path of options.revalidate ?? []) revalidatePath(path);
      return { ok: true, data };
    } catch (error) {
      unstable_rethrow(error);
      if (error instanceof AppError) {
        return { ok: false, message: error.message, fieldErrors: error.fields ?? {}, values };
      }
      log.error("unhandled error in server action", { error });
      return {
        ok: false,
        message: "Something went wrong on the server; it has been logged.",
        fieldErrors: {},
        values,
      };
    }
  };
}
