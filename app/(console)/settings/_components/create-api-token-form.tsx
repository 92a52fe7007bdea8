"use client";

import { useActionState, useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { FormMessage, TextField } from "@/components/ui/field";
import { ShownOnce } from "@/components/ui/shown-once";
import type { ActionResult } from "@/lib/http/action";

type Result = ActionResult<{ token: string; name: string }>;
type Action = (previous: unknown, formData: FormData) => Promise<Result>;

/** Names a new token, then shows it once in a box to copy from. */
export function CreateApiTokenForm({ action }: { action: Action }) {
  const [state, formAction, pending] = useActionState<Result | null, FormData>(action, null);
  const [dismissed, setDismissed] = useState<string | null>(null);
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (state?.ok) form.current?.reset();
  }, [state]);
  const created = state?.ok && state.data.token !== dismissed ? state.data : null;
  const errors = state && !state.ok ? state.fieldErrors : {};
  const values = state && !state.ok ? state.values : undefined;
  return (
    <div className="grid gap-4">
      {created && <NewTokenBox {...created} onDone={() => setDismissed(created.token)} />}
      <form
        ref={form}
        action={formAction}
        className="flex flex-wrap items-end gap-3"
        aria-label="Create an API token"
        noValidate
      >
        {state && !state.ok && (
          <div className="w-full">
            <FormMessage ok={false} message={state.message} />
          </div>
        )}
        <div className="min-w-64 flex-1">
          <TextField
            label="Token name"
            name="name"
            id="api-token-name"
            required
            maxLength={80}
            placeholder="deploy script"
            hint="What will use it, so you can tell tokens apart and revoke the right one."
            defaultValue={values?.name}
            errors={errors.name}
          />
        </div>
        <Button type="submit" disabled={pending} className="mb-0.5">
          {pending ? "Creating…" : "Create token"}
        </Button>
      </form>
    </div>
  );
}

function NewTokenBox({ token, name, onDone }: { token: string; name: string; onDone: () => void }) {
  return (
    <ShownOnce
      value={token}
      noun="API token"
      inputId="new-api-token"
      title={<>Token “{name}” created. Copy it now: it will not be shown again.</>}
      note={
        <>
          Only a hash is stored. If you lose it, revoke it and create another. Scripts send it as{" "}
          <code className="font-mono">Authorization: Bearer &lt;token&gt;</code>.
        </>
      }
      onDone={onDone}
    />
  );
}
