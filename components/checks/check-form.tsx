"use client";

import Link from "next/link";
import { useActionState, useState } from "react";
import { Button, buttonClasses } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import {
  CheckboxField,
  FormFailure,
  FormSection,
  SelectField,
  TextField,
} from "@/components/ui/field";
import {
  type CheckFormValues,
  CONFIG_FIELDS,
  type ConfigField,
  URL_PLACEHOLDERS,
} from "@/lib/checks/form";
import { CHECK_KINDS, KIND_LABELS, SECRET_KINDS } from "@/lib/checks/schema";
import type { CheckKind } from "@/lib/db/schema";
import type { ActionResult } from "@/lib/http/action";

type Result = ActionResult<unknown>;
type Action = (previous: unknown, formData: FormData) => Promise<Result>;

/** Keys the form shows beside a field; any other error is listed at the top. */
const FIELD_KEYS = new Set(["name", "kind", "app", "url", "intervalSeconds", "timeoutMs"]);

const URL_LABELS: Record<CheckKind, string> = {
  web: "URL",
  redis: "Redis URL",
  postgres: "Postgres URL",
};

function isKind(value: string | undefined): value is CheckKind {
  return CHECK_KINDS.includes(value as CheckKind);
}

function ConfigInput({
  field,
  value,
  errors,
}: {
  field: ConfigField;
  value: string | undefined;
  errors?: string[];
}) {
  const name = `config.${field.name}`;
  const id = `field-config-${field.name}`;
  if (field.type === "checkbox") {
    return (
      <CheckboxField
        name={name}
        label={field.label}
        hint={field.hint}
        defaultChecked={value === "on"}
        className="self-end"
      />
    );
  }
  if (field.type === "select") {
    return (
      <SelectField label={field.label} name={name} id={id} defaultValue={value} errors={errors}>
        {(field.options ?? []).map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </SelectField>
    );
  }
  return (
    <TextField
      label={field.label}
      name={name}
      id={id}
      type={field.type}
      inputMode={field.type === "number" ? "numeric" : undefined}
      placeholder={field.placeholder}
      hint={field.hint}
      defaultValue={value}
      errors={errors}
    />
  );
}

/**
 * The one check editor, for new checks and edits. Its fields follow the kind. A Redis/Postgres URL
 * is write-only: an edit shows its masked hint, and a blank field keeps the stored URL.
 */
export function CheckForm({
  action,
  initial,
  checkId = null,
  secretHint = null,
  apps,
  submitLabel,
}: {
  action: Action;
  initial: CheckFormValues;
  checkId?: string | null;
  /** The stored Redis/Postgres URL, masked; null for a new check or a web check. */
  secretHint?: string | null;
  apps: string[];
  submitLabel: string;
}) {
  const [state, formAction, pending] = useActionState<Result | null, FormData>(action, null);
  const failed = state && !state.ok ? state : null;
  const values = failed?.values ?? initial;
  const errors = failed?.fieldErrors ?? {};
  const [kind, setKind] = useState<CheckKind>(isKind(values.kind) ? values.kind : "web");
  const secret = SECRET_KINDS.includes(kind);
  // the stored secret belongs to the stored kind; another kind needs its own URL
  const keeps = secret && secretHint !== null && kind === initial.kind;
  const configValues = kind === values.kind ? values : {};
  const orphanErrors = Object.entries(errors).filter(
    ([key]) => !FIELD_KEYS.has(key) && !key.startsWith("config."),
  );
  const appOptions = values.app && !apps.includes(values.app) ? [...apps, values.app] : apps;

  return (
    <Card>
      <form
        key={JSON.stringify(values)}
        action={formAction}
        className="grid gap-6"
        noValidate
        aria-label="Check editor"
      >
        {checkId && <input type="hidden" name="id" value={checkId} />}
        {failed && <FormFailure message={failed.message} errors={orphanErrors} />}

        <FormSection title="Check" first>
          <TextField
            label="Name"
            name="name"
            required
            maxLength={120}
            placeholder="Shop health"
            defaultValue={values.name}
            errors={errors.name}
          />
          <SelectField
            label="Kind"
            name="kind"
            value={kind}
            onChange={(event) => {
              if (isKind(event.target.value)) setKind(event.target.value);
            }}
            errors={errors.kind}
          >
            {CHECK_KINDS.map((k) => (
              <option key={k} value={k}>
                {KIND_LABELS[k]}
              </option>
            ))}
          </SelectField>
          <div className="sm:col-span-2" key={`url-${kind}`}>
            {secret ? (
              <TextField
                label={URL_LABELS[kind]}
                name="secretUrl"
                id="field-url"
                type="text"
                autoComplete="off"
                spellCheck={false}
                placeholder={keeps ? "leave blank to keep the stored URL" : URL_PLACEHOLDERS[kind]}
                hint={
                  keeps ? (
                    <>
                      Stored encrypted: <code className="font-mono">{secretHint}</code>. Leave blank
                      to keep it; a new URL replaces it. It is never shown again in full.
                    </>
                  ) : failed ? (
                    "Enter it again: a refused save never sends a password back to the browser."
                  ) : (
                    "Includes the password; stored encrypted and never shown again in full."
                  )
                }
                errors={errors.url}
              />
            ) : (
              <TextField
                label={URL_LABELS[kind]}
                name="url"
                type="url"
                inputMode="url"
                placeholder={URL_PLACEHOLDERS[kind]}
                hint="http:// or https://; an https URL also records when its certificate expires."
                defaultValue={values.kind === "web" ? values.url : ""}
                errors={errors.url}
              />
            )}
          </div>
        </FormSection>

        <FormSection title={kind === "web" ? "What counts as up" : "What else to look at"}>
          <div key={kind} className="contents">
            {CONFIG_FIELDS[kind].map((field) => (
              <ConfigInput
                key={field.name}
                field={field}
                value={configValues[`config.${field.name}`]}
                errors={errors[`config.${field.name}`]}
              />
            ))}
          </div>
        </FormSection>

        <FormSection title="Schedule">
          <TextField
            label="Every (seconds)"
            name="intervalSeconds"
            type="number"
            inputMode="numeric"
            min={10}
            max={86_400}
            hint="10 to 86400. Checks are picked up every 15 s."
            defaultValue={values.intervalSeconds}
            errors={errors.intervalSeconds}
          />
          <TextField
            label="Timeout (ms)"
            name="timeoutMs"
            type="number"
            inputMode="numeric"
            min={100}
            max={60_000}
            hint="100 to 60000; no answer by then counts as down (timeout)."
            defaultValue={values.timeoutMs}
            errors={errors.timeoutMs}
          />
          <SelectField
            label="App (optional)"
            name="app"
            defaultValue={values.app}
            errors={errors.app}
          >
            <option value="">No app</option>
            {appOptions.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </SelectField>
          <CheckboxField
            name="enabled"
            label="Enabled"
            hint="A paused check is kept but not run."
            defaultChecked={values.enabled === "on"}
            className="self-end"
          />
        </FormSection>

        <div className="flex flex-wrap items-center gap-3 border-t border-slate-200 pt-5 dark:border-slate-800">
          <Button type="submit" disabled={pending}>
            {pending ? "Saving…" : submitLabel}
          </Button>
          <Link
            href={checkId ? `/checks/${checkId}` : "/checks"}
            className={buttonClasses("ghost")}
          >
            Cancel
          </Link>
        </div>
      </form>
    </Card>
  );
}
