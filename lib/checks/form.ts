// The check editor's flat FormData <-> the check input the schemas validate. Pure: the client form
// and the server actions share it. The Redis/Postgres URL field (`secretUrl`) is write-only: blank
// keeps the stored one, and a refused save never sends it back.
import { z } from "zod";
import type { CheckKind } from "@/lib/db/schema";
import { formNumber } from "@/lib/validation";
import {
  type CheckView,
  checkInputSchema,
  DEFAULT_EXPECTED_STATUS,
  DEFAULT_INTERVAL_SECONDS,
  DEFAULT_TIMEOUT_MS,
  POSTGRES_URL_EXAMPLE,
  REDIS_URL_EXAMPLE,
  SECRET_KINDS,
  WEB_METHODS,
} from "./schema";

/** Field name → value as the form posts it: `config.listName`, `enabled` = "on". */
export type CheckFormValues = Record<string, string>;

export type ConfigField = {
  name: string;
  label: string;
  hint: string;
  type: "text" | "number" | "select" | "checkbox";
  options?: readonly string[];
  placeholder?: string;
};

/** The kind-specific fields, in the order the form shows them. */
export const CONFIG_FIELDS: Record<CheckKind, ConfigField[]> = {
  web: [
    {
      name: "method",
      label: "Method",
      hint: "HEAD skips the body.",
      type: "select",
      options: WEB_METHODS,
    },
    {
      name: "expectedStatus",
      label: "Expected status",
      hint: "Ranges or codes, like 200-399 or 200,204. Anything else counts as down.",
      type: "text",
      placeholder: DEFAULT_EXPECTED_STATUS,
    },
    {
      name: "bodyText",
      label: "Body must contain (optional)",
      hint: "Exact text, searched in the first 1 MB of the answer.",
      type: "text",
      placeholder: '"status":"ok"',
    },
    {
      name: "followRedirects",
      label: "Follow redirects",
      hint: "Off: a 3xx answer is judged as it is.",
      type: "checkbox",
    },
  ],
  redis: [
    {
      name: "listName",
      label: "List to measure (optional)",
      hint: "A queue's key; its length (LLEN) is recorded.",
      type: "text",
      placeholder: "queue:default",
    },
    {
      name: "listThreshold",
      label: "Longest allowed",
      hint: "More items than this counts as down (the queue is backing up).",
      type: "number",
    },
  ],
  postgres: [
    {
      name: "table",
      label: "Table that must exist (optional)",
      hint: "Checked with to_regclass: orders or public.orders.",
      type: "text",
      placeholder: "public.orders",
    },
  ],
};

export const URL_PLACEHOLDERS: Record<CheckKind, string> = {
  web: "https://shop.example.com/health",
  redis: REDIS_URL_EXAMPLE,
  postgres: POSTGRES_URL_EXAMPLE,
};

export const NEW_CHECK_VALUES: CheckFormValues = {
  name: "",
  kind: "web",
  app: "",
  url: "",
  intervalSeconds: String(DEFAULT_INTERVAL_SECONDS),
  timeoutMs: String(DEFAULT_TIMEOUT_MS),
  "config.method": "GET",
  "config.expectedStatus": DEFAULT_EXPECTED_STATUS,
  enabled: "on",
};

const text = (value: unknown) => (typeof value === "string" ? value : "");

function isKind(value: string): value is CheckKind {
  return value === "web" || value === "redis" || value === "postgres";
}

/**
 * The form's flat values as the object the check schemas validate, shaped as the API sends them:
 * number fields as numbers (blank: absent; text that is no number: NaN, refused under the field's
 * name). With `keepSecret`, a blank Redis/Postgres URL is left out, so the stored one stays.
 */
export function formValuesToCheckInput(
  values: Record<string, unknown>,
  options: { keepSecret?: boolean } = {},
): Record<string, unknown> {
  const kind = text(values.kind);
  const config: Record<string, unknown> = {};
  for (const field of isKind(kind) ? CONFIG_FIELDS[kind] : []) {
    const value = values[`config.${field.name}`];
    if (field.type === "checkbox") config[field.name] = value === "on";
    else if (text(value).trim() === "") continue;
    else config[field.name] = field.type === "number" ? formNumber(value) : text(value);
  }
  const secret = isKind(kind) && SECRET_KINDS.includes(kind);
  // the secret URL's field name keeps it out of the values a refused save sends back (withAction)
  const url = text(secret ? values.secretUrl : values.url).trim();
  return {
    name: text(values.name),
    kind,
    app: text(values.app),
    ...(secret && options.keepSecret && url === "" ? {} : { url }),
    intervalSeconds: formNumber(text(values.intervalSeconds)),
    timeoutMs: formNumber(text(values.timeoutMs)),
    enabled: values.enabled === "on",
    config,
  };
}

/** A stored check as the editor's starting values; a secret URL starts blank (write-only). */
export function checkToFormValues(check: CheckView): CheckFormValues {
  const values: CheckFormValues = {
    name: check.name,
    kind: check.kind,
    app: check.app ?? "",
    url: check.kind === "web" ? (check.url ?? "") : "",
    intervalSeconds: String(check.intervalSeconds),
    timeoutMs: String(check.timeoutMs),
  };
  for (const field of CONFIG_FIELDS[check.kind]) {
    const value = check.config[field.name];
    if (field.type === "checkbox") {
      if (value === true) values[`config.${field.name}`] = "on";
    } else if (value !== null && value !== undefined) {
      values[`config.${field.name}`] = String(value);
    }
  }
  if (check.enabled) values.enabled = "on";
  return values;
}

const asRecord = (value: unknown): Record<string, unknown> =>
  typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};

const checkId = z.uuid({ error: "Unknown check." });

/** The create form: FormData entries → checkInputSchema. */
export const checkFormSchema = z.preprocess(
  (values) => formValuesToCheckInput(asRecord(values)),
  checkInputSchema,
);

/** The edit form: the check's id and the fields as a patch (the service merges and validates). */
export const checkEditFormSchema = z.preprocess(
  (values) => ({
    id: asRecord(values).id,
    patch: formValuesToCheckInput(asRecord(values), { keepSecret: true }),
  }),
  z.object({ id: checkId, patch: z.record(z.string(), z.unknown()) }),
);

export const checkIdFormSchema = z.object({ id: checkId });

export const checkToggleFormSchema = z.object({
  id: checkId,
  enabled: z.enum(["true", "false"]).transform((value) => value === "true"),
});
