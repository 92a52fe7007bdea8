"use server";

import { redirect } from "next/navigation";
// Sign-in, first-run setup and sign-out: the only actions open to signed-out visitors.
import { AuthError } from "next-auth";
import { RateLimitedSignIn, signIn, signOut } from "@/lib/auth/config";
import { setupSchema, signInSchema } from "@/lib/auth/schemas";
import { createFirstAdmin } from "@/lib/auth/service";
import { setupTokenRequired } from "@/lib/auth/setup-token";
import { refusedSignInMessage } from "@/lib/auth/throttle";
import { getConfig, resolveAuthSecret } from "@/lib/config";
import { systemActor } from "@/lib/context";
import { AppError } from "@/lib/errors";
import type { ActionResult } from "@/lib/http/action";
import { zodFieldErrors } from "@/lib/http/route";
import { appCtx } from "@/lib/runtime";

/** Only same-site paths: an open redirect would let a link send users elsewhere after sign-in. */
function safeCallback(value: FormDataEntryValue | null): string {
  const text = typeof value === "string" ? value : "";
  return text.startsWith("/") && !text.startsWith("//") && !text.startsWith("/\\") ? text : "/";
}

export async function signInAction(_previous: unknown, formData: FormData): Promise<ActionResult> {
  const email = String(formData.get("email") ?? "");
  const parsed = signInSchema.safeParse({ email, password: formData.get("password") ?? "" });
  if (!parsed.success) {
    return {
      ok: false,
      message: "Enter your email and password.",
      fieldErrors: zodFieldErrors(parsed.error),
      values: { email },
    };
  }
  try {
    await signIn("credentials", {
      ...parsed.data,
      redirectTo: safeCallback(formData.get("callbackUrl")),
    });
  } catch (error) {
    if (error instanceof AuthError) {
      return {
        ok: false,
        message:
          error instanceof RateLimitedSignIn
            ? refusedSignInMessage(error.retryAfterSeconds)
            : "The email or password is wrong.",
        fieldErrors: {},
        values: { email },
      };
    }
    throw error;
  }
  return { ok: true, data: undefined };
}

export async function setupAction(_previous: unknown, formData: FormData): Promise<ActionResult> {
  const values = {
    name: String(formData.get("name") ?? ""),
    email: String(formData.get("email") ?? ""),
  };
  const parsed = setupSchema.safeParse(Object.fromEntries(formData.entries()));
  if (!parsed.success) {
    return {
      ok: false,
      message: "Some fields need attention.",
      fieldErrors: zodFieldErrors(parsed.error),
      values,
    };
  }
  try {
    const config = getConfig();
    await createFirstAdmin({
      ctx: appCtx(systemActor("setup")),
      input: parsed.data,
      token: setupTokenRequired(config)
        ? { authSecret: resolveAuthSecret(config).secret }
        : undefined,
    });
  } catch (error) {
    if (error instanceof AppError) {
      if (error.code === "conflict") redirect("/sign-in");
      return { ok: false, message: error.message, fieldErrors: error.fields ?? {}, values };
    }
    throw error;
  }
  await signIn("credentials", {
    email: parsed.data.email,
    password: parsed.data.password,
    redirectTo: "/",
  });
  return { ok: true, data: undefined };
}

export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: "/sign-in" });
}
