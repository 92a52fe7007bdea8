"use client";

import { useActionState, useEffect, useRef } from "react";
import { Button } from "@/components/ui/button";
import { FormMessage, SelectField, TextField } from "@/components/ui/field";
import type { ActionResult } from "@/lib/http/action";

type Result = ActionResult<{ email: string }>;
type Action = (previous: unknown, formData: FormData) => Promise<Result>;

export function AddUserForm({ action }: { action: Action }) {
  const [state, formAction, pending] = useActionState<Result | null, FormData>(action, null);
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (state?.ok) form.current?.reset();
  }, [state]);
  const errors = state && !state.ok ? state.fieldErrors : {};
  const values = state && !state.ok ? state.values : undefined;
  return (
    <form ref={form} action={formAction} className="grid gap-4 sm:grid-cols-2" noValidate>
      <div className="sm:col-span-2">
        {state?.ok && (
          <FormMessage ok message={`Added ${state.data.email}. Tell them their password.`} />
        )}
        {state && !state.ok && <FormMessage ok={false} message={state.message} />}
      </div>
      <TextField
        label="Name"
        name="name"
        required
        defaultValue={values?.name}
        errors={errors.name}
      />
      <TextField
        label="Email"
        name="email"
        type="email"
        required
        defaultValue={values?.email}
        errors={errors.email}
      />
      <TextField
        label="Initial password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        hint="At least 8 characters."
        errors={errors.password}
      />
      <SelectField
        label="Role"
        name="role"
        defaultValue={values?.role ?? "viewer"}
        errors={errors.role}
      >
        <option value="viewer">viewer: reads everything, changes nothing</option>
        <option value="admin">admin: also edits rules, restarts, manages users</option>
      </SelectField>
      <div className="sm:col-span-2">
        <Button type="submit" disabled={pending}>
          {pending ? "Adding…" : "Add user"}
        </Button>
      </div>
    </form>
  );
}
