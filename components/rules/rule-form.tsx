"use client";

import Link from "next/link";
import { type ReactNode, useActionState, useCallback, useEffect, useRef, useState } from "react";
import { Button, buttonClasses } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import {
  CheckboxField,
  FieldErrors,
  FormFailure,
  FormSection,
  SelectField,
  TextField,
} from "@/components/ui/field";
import type { RuleKind } from "@/lib/db/schema";
import type { ActionResult } from "@/lib/http/action";
import {
  formValuesToRuleInput,
  PARAM_DEFAULTS,
  PARAM_FIELDS,
  RULE_CHANNELS,
  type RuleFormValues,
  summarizeRule,
} from "@/lib/rules/form";
import {
  ACTION_LABELS,
  KIND_LABELS,
  RULE_ACTIONS,
  RULE_KINDS,
  ruleInputSchema,
} from "@/lib/rules/schema";
import { type RuleDraft, RuleDraftContext } from "./rule-draft";

type Result = ActionResult<unknown>;
type Action = (previous: unknown, formData: FormData) => Promise<Result>;

/** An app discovery knows, with its dyno types and dynos, for the target selects. */
export type RuleAppOption = {
  name: string;
  dynoTypes: string[];
  dynos: { name: string; type: string }[];
};

const CHANNEL_LABELS: Record<(typeof RULE_CHANNELS)[number], string> = {
  email: "Email",
  sms: "SMS (to the phone numbers below, or ALERT_SMS_RECIPIENTS)",
  webhook: "Webhooks (every enabled endpoint in Settings)",
};

const textareaClasses =
  "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm placeholder:text-slate-400 focus:border-indigo-500 focus:outline-none focus:ring-1 focus:ring-indigo-500 aria-invalid:border-red-500 dark:border-slate-700 dark:bg-slate-950";

/** Keys the form shows next to a field; any other error is listed at the top. */
const FIELD_KEYS = new Set([
  "name",
  "kind",
  "app",
  "dynoType",
  "dyno",
  "params",
  "channels",
  "recipients",
  "action",
  "repeatIntervalSeconds",
  "restartCoolingSeconds",
  "dryRun",
  "enabled",
]);

function fieldKey(key: string): string {
  if (key.startsWith("params.")) return key;
  return key.split(".")[0] ?? key;
}

function formValues(form: HTMLFormElement): RuleFormValues {
  const values: RuleFormValues = {};
  for (const [key, value] of new FormData(form).entries()) {
    if (typeof value === "string") values[key] = value;
  }
  return values;
}

function draftOf(ruleId: string | null, values: RuleFormValues): RuleDraft {
  const parsed = ruleInputSchema.safeParse(formValuesToRuleInput(values));
  return { ruleId, values, input: parsed.success ? parsed.data : null };
}

/** The summary needs no name yet; any other invalid field leaves a hint instead. */
function summaryOf(values: RuleFormValues): string {
  const parsed = ruleInputSchema.safeParse(
    formValuesToRuleInput({ ...values, name: values.name || "draft" }),
  );
  return parsed.success
    ? summarizeRule(parsed.data)
    : "Fill in the fields to see what this rule does.";
}

function isKind(value: string | undefined): value is RuleKind {
  return RULE_KINDS.includes(value as RuleKind);
}

function withCurrent(options: string[], current: string | undefined): string[] {
  return current && !options.includes(current) ? [...options, current] : options;
}

/**
 * The one rule editor, for new rules and edits. Its fields follow the kind and the app; on a
 * refused save it keeps what was typed and shows each error beside its field.
 */
export function RuleForm({
  action,
  initial,
  ruleId = null,
  apps,
  checks = [],
  submitLabel,
  backtest,
}: {
  action: Action;
  initial: RuleFormValues;
  ruleId?: string | null;
  apps: RuleAppOption[];
  /** Status checks a "check failing" rule can watch. */
  checks?: { id: string; name: string }[];
  submitLabel: string;
  /** BACKTEST SLOT: how many incidents and restarts this rule would have produced over 24 h / 7 d.
   * Shown beside the form; it reads the unsaved rule with useRuleDraft() (./rule-draft.ts). */
  backtest?: ReactNode;
}) {
  const [state, formAction, pending] = useActionState<Result | null, FormData>(action, null);
  const failed = state && !state.ok ? state : null;
  const values = failed?.values ?? initial;
  const errors = failed?.fieldErrors ?? {};
  const form = useRef<HTMLFormElement>(null);
  const [draft, setDraft] = useState<RuleDraft>(() => draftOf(ruleId, values));

  const readForm = useCallback(() => {
    if (!form.current) return;
    const next = formValues(form.current);
    setDraft((previous) =>
      JSON.stringify(previous.values) === JSON.stringify(next) ? previous : draftOf(ruleId, next),
    );
  }, [ruleId]);

  // Selects that follow the kind or the app remount with new options; read the form back after
  // each render (readForm only stores a change, so this settles at once).
  useEffect(() => readForm());
  const { kind: draftKind, app: draftApp, dynoType: draftType } = draft.values;

  const kind: RuleKind = isKind(draftKind) ? draftKind : "error_code";
  const paramValues: Record<string, string> =
    kind === values.kind
      ? Object.fromEntries(
          PARAM_FIELDS[kind].map((f) => [f.name, values[`params.${f.name}`] ?? ""]),
        )
      : PARAM_DEFAULTS[kind];

  const appName = draftApp ?? "";
  const app = apps.find((a) => a.name === appName);
  const typeOptions = withCurrent(
    app ? app.dynoTypes : [...new Set(apps.flatMap((a) => a.dynoTypes))].sort(),
    appName === values.app ? values.dynoType : undefined,
  );
  const dynoType = draftType ?? "";
  const draftDyno = draft.values.dyno ?? values.dyno ?? "";
  const dynoOptions = withCurrent(
    (app?.dynos ?? []).filter((d) => !dynoType || d.type === dynoType).map((d) => d.name),
    appName === values.app && dynoType === values.dynoType ? values.dyno : undefined,
  );
  const appOptions = withCurrent(
    apps.map((a) => a.name),
    values.app,
  );

  const orphanErrors = Object.entries(errors).filter(([key]) => !FIELD_KEYS.has(fieldKey(key)));
  const recipientErrors = Object.entries(errors)
    .filter(([key]) => fieldKey(key) === "recipients")
    .flatMap(([, messages]) => messages);
  const formKey = JSON.stringify(values);

  return (
    <RuleDraftContext.Provider value={draft}>
      <div className="grid gap-6 xl:grid-cols-[minmax(0,1fr)_24rem] xl:items-start">
        <Card>
          <form
            key={formKey}
            ref={form}
            action={formAction}
            onChange={readForm}
            className="grid gap-6"
            noValidate
            aria-label="Rule editor"
          >
            {ruleId && <input type="hidden" name="id" value={ruleId} />}
            {failed && <FormFailure message={failed.message} errors={orphanErrors} />}

            <FormSection title="Rule" first>
              <TextField
                label="Name"
                name="name"
                required
                maxLength={120}
                placeholder="R14 on shop-prod web"
                defaultValue={values.name}
                errors={errors.name}
              />
              <SelectField label="Kind" name="kind" defaultValue={kind} errors={errors.kind}>
                {RULE_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {KIND_LABELS[k]}
                  </option>
                ))}
              </SelectField>
            </FormSection>

            <FormSection title="Threshold">
              <div key={kind} className="contents">
                {PARAM_FIELDS[kind].map((field) =>
                  field.type === "check" ? (
                    <SelectField
                      key={field.name}
                      label={field.label}
                      name={`params.${field.name}`}
                      id={`field-params-${field.name}`}
                      defaultValue={paramValues[field.name]}
                      errors={errors[`params.${field.name}`]}
                    >
                      <option value="">
                        {checks.length === 0
                          ? "No checks yet: add one on the Checks page"
                          : "Pick a check"}
                      </option>
                      {checks.map((check) => (
                        <option key={check.id} value={check.id}>
                          {check.name}
                        </option>
                      ))}
                    </SelectField>
                  ) : (
                    <TextField
                      key={field.name}
                      label={field.label}
                      name={`params.${field.name}`}
                      id={`field-params-${field.name}`}
                      type={field.type}
                      inputMode={field.type === "number" ? "decimal" : undefined}
                      step={field.type === "number" ? (field.step ?? "any") : undefined}
                      hint={field.hint}
                      defaultValue={paramValues[field.name]}
                      errors={errors[`params.${field.name}`]}
                    />
                  ),
                )}
              </div>
              {errors.params && (
                <p className="text-sm text-red-700 sm:col-span-2 dark:text-red-400">
                  {errors.params.join(" ")}
                </p>
              )}
            </FormSection>

            <FormSection title="Target">
              <SelectField label="App" name="app" defaultValue={values.app} errors={errors.app}>
                <option value="">Every app</option>
                {appOptions.map((name) => (
                  <option key={name} value={name}>
                    {name}
                  </option>
                ))}
              </SelectField>
              <SelectField
                key={`type-${appName}`}
                label="Dyno type"
                name="dynoType"
                defaultValue={typeOptions.includes(dynoType) ? dynoType : ""}
                errors={errors.dynoType}
              >
                <option value="">Every dyno type</option>
                {typeOptions.map((type) => (
                  <option key={type} value={type}>
                    {type}
                  </option>
                ))}
              </SelectField>
              <SelectField
                key={`dyno-${appName}-${dynoType}`}
                label="Dyno (optional)"
                name="dyno"
                defaultValue={dynoOptions.includes(draftDyno) ? draftDyno : ""}
                errors={errors.dyno}
                disabled={!appName}
              >
                <option value="">
                  {appName ? "Every dyno of the type" : "Pick an app to pick one dyno"}
                </option>
                {dynoOptions.map((name) => (
                  <option key={name} value={name}>
                    {name}
                  </option>
                ))}
              </SelectField>
              <p className="self-end text-xs text-slate-500 dark:text-slate-400">
                Apps, dyno types and dynos come from the last sync of the Heroku account.
              </p>
            </FormSection>

            <FormSection title="Notify">
              <fieldset
                aria-describedby={errors.channels ? "field-channels-error" : undefined}
                className="grid gap-2"
              >
                <legend className="text-sm font-medium">Channels</legend>
                {RULE_CHANNELS.map((channel) => {
                  const checked = values[`channels.${channel}`] === "on";
                  return (
                    <div key={channel}>
                      <CheckboxField
                        name={`channels.${channel}`}
                        label={CHANNEL_LABELS[channel]}
                        defaultChecked={checked}
                      />
                    </div>
                  );
                })}
                <FieldErrors id="field-channels-error" errors={errors.channels} />
              </fieldset>
              <div>
                <label htmlFor="field-recipients" className="block text-sm font-medium">
                  Recipients
                </label>
                <textarea
                  id="field-recipients"
                  name="recipients"
                  rows={3}
                  placeholder="oncall@example.com, +41793026727"
                  defaultValue={values.recipients}
                  aria-invalid={recipientErrors.length ? true : undefined}
                  aria-describedby={
                    recipientErrors.length ? "field-recipients-error" : "field-recipients-hint"
                  }
                  className={textareaClasses}
                />
                {recipientErrors.length ? (
                  <FieldErrors id="field-recipients-error" errors={recipientErrors} />
                ) : (
                  <p
                    id="field-recipients-hint"
                    className="mt-1 text-xs text-slate-500 dark:text-slate-400"
                  >
                    Emails and phone numbers (+41…), separated by commas or lines. Empty: the
                    ALERT_RECIPIENTS and ALERT_SMS_RECIPIENTS lists.
                  </p>
                )}
              </div>
              <TextField
                label="Repeat interval (seconds)"
                name="repeatIntervalSeconds"
                type="number"
                inputMode="numeric"
                placeholder="default"
                hint="How often to remind while it keeps firing. Empty: EMAIL_COOLING_PERIOD_PER_TOPIC."
                defaultValue={values.repeatIntervalSeconds}
                errors={errors.repeatIntervalSeconds}
              />
            </FormSection>

            <FormSection title="Action">
              <SelectField
                label="When it fires"
                name="action"
                defaultValue={values.action ?? "none"}
                errors={errors.action}
              >
                {RULE_ACTIONS.map((a) => (
                  <option key={a} value={a}>
                    {ACTION_LABELS[a]}
                  </option>
                ))}
              </SelectField>
              <TextField
                label="Restart cooling period (seconds)"
                name="restartCoolingSeconds"
                type="number"
                inputMode="numeric"
                placeholder="default"
                hint="No second restart of the same target within this time. Empty: DYNO_/APP_RESTART_COOLING_PERIOD."
                defaultValue={values.restartCoolingSeconds}
                errors={errors.restartCoolingSeconds}
              />
              <CheckboxField
                name="dryRun"
                label="Dry run"
                hint="Record the restarts it would make, without making them."
                defaultChecked={values.dryRun === "on"}
              />
              <CheckboxField
                name="enabled"
                label="Enabled"
                hint="A disabled rule is kept but not evaluated."
                defaultChecked={values.enabled === "on"}
              />
            </FormSection>

            <div className="flex flex-wrap items-center gap-3 border-t border-slate-200 pt-5 dark:border-slate-800">
              <Button type="submit" disabled={pending}>
                {pending ? "Saving…" : submitLabel}
              </Button>
              <Link href="/rules" className={buttonClasses("ghost")}>
                Cancel
              </Link>
            </div>
          </form>
        </Card>

        <aside aria-label="Rule preview" className="grid gap-6">
          <Card title="In plain words">
            <p className="text-sm" aria-live="polite">
              {summaryOf(draft.values)}
            </p>
          </Card>
          {/* BACKTEST SLOT: filled by the `backtest` prop; see its doc comment above. */}
          <div data-slot="backtest">{backtest}</div>
        </aside>
      </div>
    </RuleDraftContext.Provider>
  );
}
