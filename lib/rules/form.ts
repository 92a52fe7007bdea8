// The rule editor's flat FormData <-> the rule input object that ruleInputSchema checks, plus the
// plain-language summary. Pure: the client form and the server actions share it.
import { z } from "zod";
import type { Channel, RuleKind } from "@/lib/db/schema";
import { formNumber } from "@/lib/validation";
import {
  ACTION_LABELS,
  describeRule,
  type RuleInput,
  type RuleView,
  ruleInputSchema,
} from "./schema";

/** Field name → value as the form posts it: `params.leastCount`, `channels.email` = "on". */
export type RuleFormValues = Record<string, string>;

export const RULE_CHANNELS = ["email", "sms", "webhook"] as const satisfies readonly Channel[];

export type ParamField = {
  name: string;
  label: string;
  hint: string;
  /** "text" for error codes, "check" picks a status check; numbers otherwise. */
  type: "text" | "number" | "check";
  step?: string;
};

const PENDING_FIELD: ParamField = {
  name: "forSeconds",
  label: "Pending for (seconds)",
  hint: "How long it must keep breaching before it fires; 0 fires at once.",
  type: "number",
};

/** The threshold fields of each kind, in the order the form shows them. */
export const PARAM_FIELDS: Record<RuleKind, ParamField[]> = {
  error_code: [
    { name: "code", label: "Error code", hint: "H12, R14, L10…", type: "text" },
    { name: "leastCount", label: "Least count", hint: "Times the code is seen.", type: "number" },
    { name: "windowSeconds", label: "Window (seconds)", hint: "10 to 86400.", type: "number" },
    PENDING_FIELD,
  ],
  http_5xx: [
    { name: "percent", label: "5xx percentage", hint: "Of all requests.", type: "number" },
    { name: "windowSeconds", label: "Window (seconds)", hint: "60 to 86400.", type: "number" },
    {
      name: "minRequests",
      label: "Minimum requests",
      hint: "Below this the rate is not judged.",
      type: "number",
    },
    PENDING_FIELD,
  ],
  memory: [
    {
      name: "percent",
      label: "Percent of memory quota",
      hint: "RSS against the dyno size's quota; above 100 means swap.",
      type: "number",
    },
    {
      name: "samples",
      label: "Consecutive samples",
      hint: "Runtime metrics arrive about every 20 s.",
      type: "number",
    },
    PENDING_FIELD,
  ],
  load: [
    {
      name: "load",
      label: "Load average (1 min)",
      hint: "Per dyno.",
      type: "number",
      step: "0.01",
    },
    { name: "samples", label: "Consecutive samples", hint: "About every 20 s.", type: "number" },
    PENDING_FIELD,
  ],
  crash: [
    {
      name: "windowSeconds",
      label: "Window (seconds)",
      hint: "Crashes within this window make one incident.",
      type: "number",
    },
    PENDING_FIELD,
  ],
  check_failing: [
    {
      name: "checkId",
      label: "Status check",
      hint: "Checks are added on the Checks page.",
      type: "check",
    },
    {
      name: "failures",
      label: "Consecutive failures",
      hint: "Failed runs in a row before it breaches.",
      type: "number",
    },
    PENDING_FIELD,
  ],
  ingest_silence: [
    {
      name: "minutes",
      label: "Minutes of silence",
      hint: "No log line from the app for this long.",
      type: "number",
    },
    PENDING_FIELD,
  ],
};

/** What a new rule of each kind starts with in the form. */
export const PARAM_DEFAULTS: Record<RuleKind, Record<string, string>> = {
  error_code: { code: "R14", leastCount: "3", windowSeconds: "300", forSeconds: "0" },
  http_5xx: { percent: "5", windowSeconds: "300", minRequests: "50", forSeconds: "0" },
  memory: { percent: "90", samples: "3", forSeconds: "0" },
  load: { load: "4", samples: "3", forSeconds: "0" },
  crash: { windowSeconds: "600", forSeconds: "0" },
  ingest_silence: { minutes: "15", forSeconds: "0" },
  check_failing: { checkId: "", failures: "3", forSeconds: "0" },
};

export const NEW_RULE_VALUES: RuleFormValues = {
  name: "",
  kind: "error_code",
  app: "",
  dynoType: "",
  dyno: "",
  ...prefixed(PARAM_DEFAULTS.error_code),
  "channels.email": "on",
  recipients: "",
  action: "none",
  repeatIntervalSeconds: "",
  restartCoolingSeconds: "",
  enabled: "on",
};

function prefixed(params: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(params).map(([key, value]) => [`params.${key}`, String(value)]),
  );
}

const text = (value: unknown) => (typeof value === "string" ? value : "");

/** Splits recipients typed with commas, semicolons, spaces or one per line. */
export function splitRecipients(value: string): string[] {
  return value
    .split(/[\s,;]+/)
    .map((part) => part.trim())
    .filter(Boolean);
}

const isRuleKind = (value: string): value is RuleKind => Object.hasOwn(PARAM_FIELDS, value);

/**
 * The form's flat values as the object ruleInputSchema checks, shaped as the API sends them: number
 * fields as numbers (blank: absent; text that is no number: NaN, refused under the field's name).
 */
export function formValuesToRuleInput(values: Record<string, unknown>): Record<string, unknown> {
  const kind = text(values.kind);
  const numeric = new Set(
    (isRuleKind(kind) ? PARAM_FIELDS[kind] : [])
      .filter((field) => field.type === "number")
      .map((field) => field.name),
  );
  const params: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    if (key.startsWith("params.") && text(value).trim() !== "") {
      const name = key.slice("params.".length);
      params[name] = numeric.has(name) ? formNumber(value) : value;
    }
  }
  return {
    name: text(values.name),
    kind,
    app: text(values.app),
    dynoType: text(values.dynoType),
    dyno: text(values.dyno),
    params,
    channels: RULE_CHANNELS.filter((channel) => values[`channels.${channel}`] === "on"),
    recipients: splitRecipients(text(values.recipients)),
    action: text(values.action) || undefined,
    repeatIntervalSeconds: formNumber(text(values.repeatIntervalSeconds)),
    restartCoolingSeconds: formNumber(text(values.restartCoolingSeconds)),
    dryRun: values.dryRun === "on",
    enabled: values.enabled === "on",
  };
}

/** A stored rule as the editor's starting values. */
export function ruleToFormValues(rule: RuleView): RuleFormValues {
  const values: RuleFormValues = {
    name: rule.name,
    kind: rule.kind,
    app: rule.app ?? "",
    dynoType: rule.dynoType ?? "",
    dyno: rule.dyno ?? "",
    ...prefixed(rule.params),
    recipients: rule.recipients.join("\n"),
    action: rule.action,
    repeatIntervalSeconds: rule.repeatIntervalSeconds?.toString() ?? "",
    restartCoolingSeconds: rule.restartCoolingSeconds?.toString() ?? "",
  };
  for (const channel of rule.channels) values[`channels.${channel}`] = "on";
  if (rule.dryRun) values.dryRun = "on";
  if (rule.enabled) values.enabled = "on";
  return values;
}

const asRecord = (value: unknown): Record<string, unknown> =>
  typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};

/** The create form: FormData entries → ruleInputSchema. */
export const ruleFormSchema = z.preprocess(
  (values) => formValuesToRuleInput(asRecord(values)),
  ruleInputSchema,
);

/** The edit form: the same fields plus the rule's id. */
export const ruleEditFormSchema = z.preprocess(
  (values) => ({ ...formValuesToRuleInput(asRecord(values)), id: asRecord(values).id }),
  z.intersection(ruleInputSchema, z.object({ id: z.uuid({ error: "Unknown rule." }) })),
);

export const ruleIdFormSchema = z.object({ id: z.uuid({ error: "Unknown rule." }) });

export const ruleToggleFormSchema = z.object({
  id: z.uuid({ error: "Unknown rule." }),
  enabled: z.enum(["true", "false"]).transform((value) => value === "true"),
});

/** "shop-prod web", "shop-prod web.2", "shop-prod (every dyno type)", "every app". */
export function describeTarget(rule: Pick<RuleInput, "app" | "dynoType" | "dyno">): string {
  if (!rule.app) return rule.dynoType ? `${rule.dynoType} dynos of every app` : "every app";
  if (rule.dyno) return `${rule.app} ${rule.dyno}`;
  return rule.dynoType ? `${rule.app} ${rule.dynoType}` : `${rule.app} (every dyno type)`;
}

/** "When R14 at least 3× in 300 s on shop-prod web: email; restart the dyno that breached." */
export function summarizeRule(rule: RuleInput): string {
  const then = [rule.channels.join(" and ")];
  if (rule.action !== "none") {
    const label = ACTION_LABELS[rule.action];
    then.push(
      `${label.charAt(0).toLowerCase()}${label.slice(1)}${rule.dryRun ? " (dry run)" : ""}`,
    );
  }
  return `When ${describeRule(rule)} on ${describeTarget(rule)}: ${then.join("; ")}.`;
}

/** Apps as discovery stored them → the editor's target choices (types from formation and dynos). */
export function toRuleAppOptions(
  apps: { name: string; formations: { type: string }[]; dynos: { name: string; type: string }[] }[],
): { name: string; dynoTypes: string[]; dynos: { name: string; type: string }[] }[] {
  return apps.map((app) => ({
    name: app.name,
    dynoTypes: [...new Set([...app.formations, ...app.dynos].map((row) => row.type))].sort(),
    dynos: app.dynos.map((dyno) => ({ name: dyno.name, type: dyno.type })),
  }));
}
