"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { FormMessage, TextField } from "@/components/ui/field";
import type { ActionResult } from "@/lib/http/action";

type Action = (previous: unknown, formData: FormData) => Promise<ActionResult>;

export function SetupForm({ action, needsToken }: { action: Action; needsToken: boolean }) {
  const [state, formAction, pending] = useActionState<ActionResult | null, FormData>(action, null);
  const errors = state && !state.ok ? state.fieldErrors : {};
  const values = state && !state.ok ? state.values : undefined;
  return (
    <form action={formAction} className="space-y-4" noValidate>
      {state && !state.ok && <FormMessage ok={false} message={state.message} />}
      {needsToken && (
        <TextField
          label="Setup token"
          name="setupToken"
          autoComplete="off"
          required
          hint="Printed by the release phase: “Setup token: …”."
          errors={errors.setupToken}
        />
      )}
      <TextField
        label="Your name"
        name="name"
        autoComplete="name"
        required
        defaultValue={values?.name}
        errors={errors.name}
      />
      <TextField
        label="Email"
        name="email"
        type="email"
        autoComplete="username"
        required
        defaultValue={values?.email}
        errors={errors.email}
      />
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        hint="At least 8 characters."
        errors={errors.password}
      />
      <TextField
        label="Confirm password"
        name="confirmPassword"
        type="password"
        autoComplete="new-password"
        required
        errors={errors.confirmPassword}
      />
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? "Creating the admin…" : "Create the admin account"}
      </Button>
    </form>
  );
}
