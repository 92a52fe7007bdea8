// Rule input, one zod schema shared by the REST API and the console's form. A rule targets an app
// (or every app) and a dyno type (or every type, or one dyno); its kind decides its thresholds.
import { z } from "zod";
import type { Rule, RuleAction, RuleKind } from "@/lib/db/schema";
import { numberError, text } from "@/lib/validation";

export const RULE_KINDS = [
  "error_code",
  "http_5xx",
  "memory",
  "load",
  "crash",
  "ingest_silence",
  "check_failing",
] as const satisfies readonly RuleKind[];

export const RULE_ACTIONS = [
  "none",
  "restart_dyno",
  "restart_dyno_type",
  "restart_app",
] as const satisfies readonly RuleAction[];

export const KIND_LABELS: Record<RuleKind, string> = {
  error_code: "Error code (H, R, L) seen N times in a window",
  http_5xx: "5xx rate above a percentage",
  memory: "Memory (RSS) at or above a % of the dyno's quota",
  load: "Load average at or above a value",
  crash: "A dyno crashed",
  ingest_silence: "No log lines from the app (monitoring is blind)",
  check_failing: "A status check failing N times in a row",
};

export const ACTION_LABELS: Record<RuleAction, string> = {
  none: "Notify only",
  restart_dyno: "Restart the dyno that breached",
  restart_dyno_type: "Restart its dyno type",
  restart_app: "Restart the app",
};

// JSON numbers only: "3", true and [3] are refused, not coerced (form.ts parses form text)
const int = (min: number, max: number, what: string) =>
  z
    .number({ error: numberError(what) })
    .int({ error: `${what} must be a whole number` })
    .min(min, { error: `${what} must be at least ${min}` })
    .max(max, { error: `${what} must be at most ${max}` });

const decimal = (min: number, max: number, what: string) =>
  z
    .number({ error: numberError(what) })
    .min(min, { error: `${what} must be at least ${min}` })
    .max(max, { error: `${what} must be at most ${max}` });

/** Blank text means none (null). */
const optionalText = <T extends z.ZodType>(schema: T) =>
  z.preprocess(
    (value) => (typeof value === "string" && value.trim() === "" ? null : value),
    schema.nullable().default(null),
  );

/** Kind-specific thresholds, stored in rules.params. */
/** Every kind: how long a breach lasts before it fires (pending until then); 0 fires at once. */
const forSeconds = {
  forSeconds: z
    .number({ error: numberError("Pending for") })
    .int({ error: "Pending for must be a whole number of seconds" })
    .min(0, { error: "Pending for must be at least 0" })
    .max(86_400, { error: "Pending for must be at most 86400" })
    .default(0),
};

export const paramsSchemas = {
  error_code: z.object({
    ...forSeconds,
    code: text({ error: "Pick an error code." })
      .toUpperCase()
      .regex(/^[HRL]\d{2}$/, { error: "An error code looks like H12, R14 or L10." }),
    leastCount: int(1, 100_000, "Least count"),
    windowSeconds: int(10, 86_400, "The window"),
  }),
  http_5xx: z.object({
    ...forSeconds,
    percent: decimal(0.1, 100, "The 5xx percentage"),
    windowSeconds: int(60, 86_400, "The window"),
    minRequests: int(1, 1_000_000, "Minimum requests"),
  }),
  memory: z.object({
    ...forSeconds,
    percent: decimal(1, 1000, "The memory percentage"),
    samples: int(1, 100, "Consecutive samples"),
  }),
  load: z.object({
    ...forSeconds,
    load: decimal(0.01, 1000, "The load"),
    samples: int(1, 100, "Consecutive samples"),
  }),
  crash: z.object({
    ...forSeconds,
    windowSeconds: int(60, 86_400, "The window").default(600),
  }),
  ingest_silence: z.object({
    ...forSeconds,
    minutes: int(1, 1440, "Minutes of silence"),
  }),
  check_failing: z.object({
    ...forSeconds,
    checkId: z.uuid({ error: "Pick a status check." }),
    failures: int(1, 100, "Consecutive failures"),
  }),
} as const satisfies Record<RuleKind, z.ZodType>;

export type RuleParams = { [K in RuleKind]: z.output<(typeof paramsSchemas)[K]> };
/** A kind with its own params: narrowing on `kind` narrows `params`. */
export type KindParams = { [K in RuleKind]: { kind: K; params: RuleParams[K] } }[RuleKind];

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** E.164: a plus, then up to 15 digits. */
export const PHONE = /^\+[1-9]\d{6,14}$/;
export const isPhoneNumber = (value: string) => PHONE.test(value);

const commonShape = {
  name: text({ error: "Name the rule." })
    .min(1, { error: "Name the rule." })
    .max(120, { error: "Keep the name under 120 characters." }),
  /** An app's name; null: every app. */
  app: optionalText(
    text({ error: "An app is named by text." }).max(100, {
      error: "Keep the app's name under 100 characters.",
    }),
  ),
  dynoType: optionalText(
    text({ error: "A dyno type looks like web or worker." }).regex(/^[a-z0-9_-]{1,60}$/i, {
      error: "A dyno type looks like web or worker.",
    }),
  ),
  dyno: optionalText(
    text({ error: "A dyno looks like web.2." }).regex(/^[a-z0-9_-]{1,60}\.\d{1,5}$/i, {
      error: "A dyno looks like web.2.",
    }),
  ),
  channels: z
    .array(z.enum(["email", "sms", "webhook"], { error: "Channels are email, sms or webhook." }))
    .min(1, { error: "Pick at least one channel." })
    .default(["email"]),
  /** Email addresses (email channel) and phone numbers in E.164 (SMS channel). */
  recipients: z
    .array(
      text({
        error: "Each recipient is an email address or a phone number like +41793026727.",
      }).refine((v) => EMAIL.test(v) || PHONE.test(v), {
        error: "Each recipient is an email address or a phone number like +41793026727.",
      }),
    )
    .max(50, { error: "At most 50 recipients." })
    .default([]),
  action: z.enum(RULE_ACTIONS, { error: "Pick an action." }).default("none"),
  repeatIntervalSeconds: int(10, 86_400, "The repeat interval").nullable().default(null),
  restartCoolingSeconds: int(0, 86_400, "The restart cooling period").nullable().default(null),
  dryRun: z.boolean({ error: "Dry run is true or false." }).default(false),
  enabled: z.boolean({ error: "Enabled is true or false." }).default(true),
};

const kindSchema = <K extends RuleKind>(kind: K) =>
  z.object({ kind: z.literal(kind), ...commonShape, params: paramsSchemas[kind] });

/** A whole rule as the API and the form send it. */
export const ruleInputSchema = z
  .discriminatedUnion(
    "kind",
    [
      kindSchema("error_code"),
      kindSchema("http_5xx"),
      kindSchema("memory"),
      kindSchema("load"),
      kindSchema("crash"),
      kindSchema("ingest_silence"),
      kindSchema("check_failing"),
    ],
    { error: `kind must be one of ${RULE_KINDS.join(", ")}.` },
  )
  .superRefine((rule, ctx) => {
    if (rule.dyno && rule.dynoType && !rule.dyno.startsWith(`${rule.dynoType}.`)) {
      ctx.addIssue({
        code: "custom",
        path: ["dyno"],
        message: `${rule.dyno} is not a ${rule.dynoType} dyno.`,
      });
    }
    if (rule.action !== "none" && rule.app === null) {
      ctx.addIssue({
        code: "custom",
        path: ["action"],
        message: "Restarts need one app: pick the app, or notify only.",
      });
    }
    if (rule.kind === "check_failing" && rule.action === "restart_dyno") {
      ctx.addIssue({
        code: "custom",
        path: ["action"],
        message: "A check is not a dyno: restart the dyno type or the app, or notify only.",
      });
    }
    if (rule.kind === "ingest_silence" && rule.action !== "none") {
      ctx.addIssue({
        code: "custom",
        path: ["action"],
        message: "Silence means we are blind, not that a dyno is stuck: notify only.",
      });
    }
    if (rule.action === "restart_dyno" && rule.kind === "http_5xx") {
      ctx.addIssue({
        code: "custom",
        path: ["action"],
        message: "5xx rates are per dyno type: restart the dyno type or the app.",
      });
    }
  });

export type RuleInput = z.output<typeof ruleInputSchema>;

/** A stored rule in the API's shape (the app by name). */
export type RuleView = RuleInput & {
  id: string;
  appId: string | null;
  createdAt: string;
  updatedAt: string;
};

export function toRuleView(rule: Rule, appName: string | null): RuleView {
  return {
    id: rule.id,
    name: rule.name,
    kind: rule.kind,
    app: appName,
    appId: rule.appId,
    dynoType: rule.dynoType,
    dyno: rule.dyno,
    params: rule.params,
    channels: rule.channels,
    recipients: rule.recipients,
    action: rule.action,
    repeatIntervalSeconds: rule.repeatIntervalSeconds,
    restartCoolingSeconds: rule.restartCoolingSeconds,
    dryRun: rule.dryRun,
    enabled: rule.enabled,
    createdAt: rule.createdAt.toISOString(),
    updatedAt: rule.updatedAt.toISOString(),
  } as RuleView;
}

/** One line describing what the rule watches, for lists and emails. */
export function describeRule(rule: KindParams): string {
  switch (rule.kind) {
    case "error_code":
      return `${rule.params.code} at least ${rule.params.leastCount}× in ${rule.params.windowSeconds} s`;
    case "http_5xx":
      return `5xx ≥ ${rule.params.percent} % over ${rule.params.windowSeconds / 60} min (≥ ${rule.params.minRequests} requests)`;
    case "memory":
      return `RSS ≥ ${rule.params.percent} % of quota for ${rule.params.samples} samples`;
    case "load":
      return `load ≥ ${rule.params.load} for ${rule.params.samples} samples`;
    case "crash":
      return `a dyno crashed (within ${rule.params.windowSeconds / 60} min)`;
    case "ingest_silence":
      return `no log lines for ${rule.params.minutes} min`;
    case "check_failing":
      return `a status check failing ${rule.params.failures}× in a row`;
  }
}

/** The rule as input again (what a PATCH is merged onto): the view without its stored-only fields. */
export function ruleViewToInput(view: RuleView): RuleInput {
  const { id: _id, appId: _appId, createdAt: _created, updatedAt: _updated, ...input } = view;
  return input as RuleInput;
}

/** zod issues as field errors keyed like the API's and the form's fields (`params.leastCount`). */
export function ruleFieldErrors(error: z.ZodError): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join(".") : "_";
    fields[key] ??= [];
    fields[key].push(issue.message);
  }
  return fields;
}
