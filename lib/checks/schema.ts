// Check input: one zod schema shared by the REST API and the console's form. A check is a web URL,
// a Redis or a Postgres; the Redis and Postgres URLs carry passwords, so they are write-only.
import { z } from "zod";
import type { Check, CheckKind, CheckStatus } from "@/lib/db/schema";
import { numberError, text } from "@/lib/validation";

export const CHECK_KINDS = ["web", "redis", "postgres"] as const satisfies readonly CheckKind[];
/** Kinds whose URL is a secret: stored encrypted, shown only as a masked hint. */
export const SECRET_KINDS: readonly CheckKind[] = ["redis", "postgres"];
export const WEB_METHODS = ["GET", "HEAD", "POST"] as const;

export const KIND_LABELS: Record<CheckKind, string> = {
  web: "Web (HTTP/HTTPS URL)",
  redis: "Redis (PING, optional queue length)",
  postgres: "Postgres (select 1, optional table)",
};

export const DEFAULT_INTERVAL_SECONDS = 60;
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_EXPECTED_STATUS = "200-399";

// JSON numbers only: "60", true and [60] are refused, not coerced (form.ts parses form text)
const int = (min: number, max: number, what: string) =>
  z
    .number({ error: numberError(what) })
    .int({ error: `${what} must be a whole number` })
    .min(min, { error: `${what} must be at least ${min}` })
    .max(max, { error: `${what} must be at most ${max}` });

/** Blank text means none (null). */
const optionalText = <T extends z.ZodType>(schema: T) =>
  z.preprocess(
    (value) => (typeof value === "string" && value.trim() === "" ? null : value),
    schema.nullable().default(null),
  );

/** "200-399", "200,204,301-302" → inclusive ranges; null when malformed. */
export function parseStatusRanges(value: string): [number, number][] | null {
  const ranges: [number, number][] = [];
  for (const part of value.split(",")) {
    const match = /^\s*(\d{3})\s*(?:-\s*(\d{3})\s*)?$/.exec(part);
    if (!match?.[1]) return null;
    const low = Number(match[1]);
    const high = Number(match[2] ?? match[1]);
    if (low < 100 || high > 599 || low > high) return null;
    ranges.push([low, high]);
  }
  return ranges.length ? ranges : null;
}

export function statusExpected(status: number, ranges: [number, number][]): boolean {
  return ranges.some(([low, high]) => status >= low && status <= high);
}

function parsesAs(value: string, protocols: string[]): URL | null {
  try {
    const url = new URL(value);
    return protocols.includes(url.protocol) && url.hostname ? url : null;
  } catch {
    return null;
  }
}

const webUrl = text({ error: "Enter the URL to check, like https://example.com/health." })
  .max(2000, { error: "Keep the URL under 2000 characters." })
  .refine((value) => parsesAs(value, ["http:", "https:"]) !== null, {
    error: "Enter an http:// or https:// URL, like https://example.com/health.",
  })
  .refine(
    (value) => {
      const url = parsesAs(value, ["http:", "https:"]);
      return !url || (!url.username && !url.password);
    },
    { error: "A web check's URL is shown in the console: put no user or password in it." },
  );

const secretUrl = (protocols: string[], example: string) =>
  text({ error: `Enter the URL, like ${example}.` })
    .max(2000, { error: "Keep the URL under 2000 characters." })
    .refine((value) => parsesAs(value, protocols) !== null, {
      error: `The URL must start with ${protocols.map((p) => `${p}//`).join(" or ")}, like ${example}.`,
    })
    .refine((value) => !value.includes("•••"), {
      error: "That is the masked hint: send the full URL, or leave url out to keep the stored one.",
    });

export const REDIS_URL_EXAMPLE = "redis://:password@host:6379/0";
export const POSTGRES_URL_EXAMPLE = "postgres://user:password@host:5432/db";

const redisUrl = secretUrl(["redis:", "rediss:"], REDIS_URL_EXAMPLE);
const postgresUrl = secretUrl(["postgres:", "postgresql:"], POSTGRES_URL_EXAMPLE);

/** Non-secret settings of each kind, stored in checks.config (the web URL lives there too). */
export const configSchemas = {
  web: z
    .object({
      method: z.enum(WEB_METHODS, { error: "The method is GET, HEAD or POST." }).default("GET"),
      expectedStatus: text({ error: "Expected statuses look like 200-399 or 200,204." })
        .default(DEFAULT_EXPECTED_STATUS)
        .refine((value) => parseStatusRanges(value) !== null, {
          error: "Expected statuses look like 200-399 or 200,204,301-302 (100 to 599).",
        }),
      // matched against the answer's body, which may span lines
      bodyText: optionalText(
        text({ error: "The body text is text.", multiline: true, trim: false }).max(500, {
          error: "Keep the text under 500 characters.",
        }),
      ),
      followRedirects: z.boolean({ error: "followRedirects is true or false." }).default(false),
    })
    .superRefine((config, ctx) => {
      if (config.method === "HEAD" && config.bodyText) {
        ctx.addIssue({
          code: "custom",
          path: ["bodyText"],
          message: "A HEAD answer has no body to search: use GET, or leave the text empty.",
        });
      }
    }),
  redis: z
    .object({
      listName: optionalText(
        text({ error: "The list is named by text." }).max(200, {
          error: "Keep the list name under 200 characters.",
        }),
      ),
      listThreshold: int(0, 1_000_000_000, "The threshold").nullable().default(null),
    })
    .superRefine((config, ctx) => {
      if (config.listThreshold !== null && !config.listName) {
        ctx.addIssue({
          code: "custom",
          path: ["listName"],
          message: "Name the list whose length the threshold limits.",
        });
      }
    }),
  postgres: z.object({
    table: optionalText(
      text({ error: "A table looks like orders or public.orders." }).regex(
        /^[A-Za-z_][A-Za-z0-9_$]{0,62}(\.[A-Za-z_][A-Za-z0-9_$]{0,62})?$/,
        {
          error: "A table looks like orders or public.orders.",
        },
      ),
    ),
  }),
} as const satisfies Record<CheckKind, z.ZodType>;

export type CheckConfigs = { [K in CheckKind]: z.output<(typeof configSchemas)[K]> };
export type WebCheckConfig = CheckConfigs["web"];
export type RedisCheckConfig = CheckConfigs["redis"];
export type PostgresCheckConfig = CheckConfigs["postgres"];

const commonShape = {
  name: text({ error: "Name the check." })
    .min(1, { error: "Name the check." })
    .max(120, { error: "Keep the name under 120 characters." }),
  /** The app it belongs to, by name; null: none. */
  app: optionalText(
    text({ error: "An app is named by text." }).max(100, {
      error: "Keep the app's name under 100 characters.",
    }),
  ),
  enabled: z.boolean({ error: "Enabled is true or false." }).default(true),
  intervalSeconds: int(10, 86_400, "The interval").default(DEFAULT_INTERVAL_SECONDS),
  timeoutMs: int(100, 60_000, "The timeout").default(DEFAULT_TIMEOUT_MS),
};

function kindSchemas(options: { secretRequired: boolean }) {
  const secret = <T extends z.ZodType>(schema: T) =>
    options.secretRequired ? schema : schema.optional();
  return [
    z.object({
      kind: z.literal("web"),
      ...commonShape,
      url: webUrl,
      config: configSchemas.web.default(configSchemas.web.parse({})),
    }),
    z.object({
      kind: z.literal("redis"),
      ...commonShape,
      url: secret(redisUrl),
      config: configSchemas.redis.default(configSchemas.redis.parse({})),
    }),
    z.object({
      kind: z.literal("postgres"),
      ...commonShape,
      url: secret(postgresUrl),
      config: configSchemas.postgres.default(configSchemas.postgres.parse({})),
    }),
  ] as const;
}

function checkSchema(options: { secretRequired: boolean }) {
  return z
    .discriminatedUnion("kind", kindSchemas(options), {
      error: `kind must be one of ${CHECK_KINDS.join(", ")}.`,
    })
    .superRefine((check, ctx) => {
      if (check.timeoutMs >= check.intervalSeconds * 1000) {
        ctx.addIssue({
          code: "custom",
          path: ["timeoutMs"],
          message: `The timeout must be shorter than the interval (${check.intervalSeconds} s).`,
        });
      }
    });
}

/** A whole check as the API's POST and the form send it: every URL is required. */
export const checkInputSchema = checkSchema({ secretRequired: true });
/** A check after a PATCH merge: a Redis/Postgres URL left out keeps the stored one. */
export const checkUpdateSchema = checkSchema({ secretRequired: false });

export type CheckInput = z.output<typeof checkInputSchema>;
export type CheckUpdate = z.output<typeof checkUpdateSchema>;

/** A stored check in the API's shape. Redis/Postgres URLs appear only as `secretHint`. */
export type CheckView = {
  id: string;
  name: string;
  kind: CheckKind;
  app: string | null;
  appId: string | null;
  enabled: boolean;
  intervalSeconds: number;
  timeoutMs: number;
  /** The web check's URL; null for Redis and Postgres (their URL is a secret). */
  url: string | null;
  /** The Redis/Postgres URL masked to scheme://host (lib/mask-urls); null for web checks. */
  secretHint: string | null;
  config: Record<string, unknown>;
  lastStatus: CheckStatus;
  lastCheckedAt: string | null;
  consecutiveFailures: number;
  nextRunAt: string;
  createdAt: string;
  updatedAt: string;
};

/** The stored config without the web URL (which the view carries as `url`). */
export function splitStoredConfig(check: Pick<Check, "kind" | "config">): {
  url: string | null;
  config: Record<string, unknown>;
} {
  if (check.kind !== "web") return { url: null, config: check.config };
  const { url, ...config } = check.config;
  return { url: typeof url === "string" ? url : null, config };
}

export function toCheckView(check: Check, appName: string | null): CheckView {
  const { url, config } = splitStoredConfig(check);
  return {
    id: check.id,
    name: check.name,
    kind: check.kind,
    app: appName,
    appId: check.appId,
    enabled: check.enabled,
    intervalSeconds: check.intervalSeconds,
    timeoutMs: check.timeoutMs,
    url,
    secretHint: check.kind === "web" ? null : check.secretHint,
    config,
    lastStatus: check.lastStatus,
    lastCheckedAt: check.lastCheckedAt?.toISOString() ?? null,
    consecutiveFailures: check.consecutiveFailures,
    nextRunAt: check.nextRunAt.toISOString(),
    createdAt: check.createdAt.toISOString(),
    updatedAt: check.updatedAt.toISOString(),
  };
}

/** The check as update input again (what a PATCH is merged onto); secrets are not in it. */
export function checkViewToInput(view: CheckView): Record<string, unknown> {
  return {
    name: view.name,
    kind: view.kind,
    app: view.app,
    enabled: view.enabled,
    intervalSeconds: view.intervalSeconds,
    timeoutMs: view.timeoutMs,
    ...(view.kind === "web" ? { url: view.url } : {}),
    config: view.config,
  };
}

/** "GET https://example.com/health", "redis://•••@host:6379/••• · list jobs ≤ 100"… */
export function describeCheck(check: Pick<CheckView, "kind" | "url" | "secretHint" | "config">) {
  const config = check.config;
  switch (check.kind) {
    case "web": {
      const parts = [`${String(config.method ?? "GET")} ${check.url ?? ""}`];
      parts.push(`expects ${String(config.expectedStatus ?? DEFAULT_EXPECTED_STATUS)}`);
      if (config.bodyText) parts.push(`body contains “${String(config.bodyText)}”`);
      return parts.join(" · ");
    }
    case "redis": {
      const parts = [check.secretHint ?? "Redis"];
      if (config.listName) {
        parts.push(
          config.listThreshold === null || config.listThreshold === undefined
            ? `list ${String(config.listName)} length`
            : `list ${String(config.listName)} ≤ ${String(config.listThreshold)}`,
        );
      }
      return parts.join(" · ");
    }
    case "postgres": {
      const parts = [check.secretHint ?? "Postgres"];
      if (config.table) parts.push(`table ${String(config.table)} exists`);
      return parts.join(" · ");
    }
  }
}

/** zod issues as field errors keyed like the body (`config.listThreshold`). */
export function checkFieldErrors(error: z.ZodError): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join(".") : "_";
    fields[key] ??= [];
    fields[key].push(issue.message);
  }
  return fields;
}
