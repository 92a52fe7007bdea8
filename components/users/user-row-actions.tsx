"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/lib/http/action";

type Action = (previous: unknown, formData: FormData) => Promise<ActionResult<unknown>>;

export function UserRowActions({
  userId,
  email,
  role,
  isSelf,
  changeRole,
  remove,
}: {
  userId: string;
  email: string;
  role: "admin" | "viewer";
  isSelf: boolean;
  changeRole: Action;
  remove: Action;
}) {
  const [roleState, roleAction, rolePending] = useActionState<
    ActionResult<unknown> | null,
    FormData
  >(changeRole, null);
  const [removeState, removeAction, removePending] = useActionState<
    ActionResult<unknown> | null,
    FormData
  >(remove, null);
  const error = [roleState, removeState].find((state) => state && !state.ok);
  return (
    <div className="flex flex-wrap items-center justify-end gap-2">
      <form action={roleAction} className="flex items-center gap-2">
        <input type="hidden" name="userId" value={userId} />
        <label className="sr-only" htmlFor={`role-${userId}`}>
          Role of {email}
        </label>
        <select
          id={`role-${userId}`}
          name="role"
          defaultValue={role}
          className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-950"
        >
          <option value="viewer">viewer</option>
          <option value="admin">admin</option>
        </select>
        <Button type="submit" variant="secondary" disabled={rolePending}>
          Save role
        </Button>
      </form>
      {!isSelf && (
        <form
          action={removeAction}
          onSubmit={(event) => {
            if (
              !window.confirm(`Remove ${email}? They will be signed out and cannot sign in again.`)
            ) {
              event.preventDefault();
            }
          }}
        >
          <input type="hidden" name="userId" value={userId} />
          <Button type="submit" variant="danger" disabled={removePending}>
            Remove {email}
          </Button>
        </form>
      )}
      {error && !error.ok && (
        <p role="alert" className="w-full text-right text-sm text-red-700 dark:text-red-400">
          {error.message}
        </p>
      )}
    </div>
  );
}
