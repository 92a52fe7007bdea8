// lib/config owns every environment variable: parsed once with zod, each with its purpose and
// embedded default. Nothing else in the project reads process.env.
import { hkdfSync, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { z } from "zod";
import packageJson from "../../package.json";

export const APP_VERSION: string = packageJson.version;

type VarSpec = {
  schema: z.ZodType;
  purpose: string;
  example: string;
  secret?: boolean;
};

const emptyToUndefined = (value: unknown) =>
  typeof value === "string" && value.trim() === "" ? undefined : value;

const intInRange = (min: number, max: number, fallback: number) =>
  z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ error: "must be a number" })
      .int({ error: "must be a whole number" })
      .min(min, { error: `must be at least ${min}` })
      .max(max, { error: `must be at most ${max}` })
      .default(fallback),
  );
const urlString = (protocols: string[]) =>
  z.preprocess(
    emptyToUndefined,
    z
      .string()
      .refine(
        (value) => {
          try {
            return protocols.includes(new URL(value).protocol);
          } catch {
            return false;
          }
        },
        { error: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(" or ")}` },
      )
      .optional(),
  );

/**
 * SECRETS_KEY as its 32 bytes when written the way earlier versions required: base64 (or
 * base64url) or hex; null when it is neither.
 */
export function decodeSecretsKey(value: string): Buffer | null {
  const text = value.trim();
  if (/^[0-9a-f]{64}$/i.test(text)) return Buffer.from(text, "hex");
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(text)) {
    const bytes = Buffer.from(text.replace(/-/g, "+").replace(/_/g, "/"), "base64");
    return bytes.length === 32 ? bytes : null;
  }
  return null;
}

/**
 * The 32-byte key behind any SECRETS_KEY: a key written as 32 bytes (base64 or hex) is used as
 * it is, so credentials stored under it stay readable; any other string (Heroku's `secret`
 * generator promises no length or alphabet) is stretched with HKDF-SHA-256.
 */
export function deriveSecretsKey(value: string): Buffer {
  const decoded = decodeSecretsKey(value);
  if (decoded) return decoded;
  return Buffer.from(hkdfSync("sha256", value, "dyno-monitor", "secrets-key v1", 32));
}

/** sslmode values DATABASE_URL may carry (libpq's, plus no-verify as Heroku's docs spell it). */
export const databaseSslModes = [
  "disable",
  "allow",
  "prefer",
  "require",
  "no-verify",
  "verify-ca",
  "verify-full",
] as const;
export type DatabaseSslMode = (typeof databaseSslModes)[number];

const nonEmptySecret = z.preprocess(emptyToUndefined, z.string().optional());

/** Every setting the console reads, in the order README's table lists them. */
export const configVars = {
  PORT: {
    schema: intInRange(1, 65535, 3000),
    purpose: "HTTP port the console listens on (npm start)",
    example: "3000",
  },
  APP_URL: {
    schema: urlString(["http:", "https:"]),
    purpose:
      "public base URL of the console, used in drain URLs and links in emails (default http://localhost:PORT)",
    example: "https://dyno-monitor.example.com",
  },
  TRUSTED_PROXY_HOPS: {
    schema: intInRange(0, 10, 0),
    purpose:
      "how many proxies in front of the console append to X-Forwarded-For (0 when clients connect directly, 1 on Heroku and on Vercel); sign-in throttling counts the address that many hops from the right",
    example: "1",
  },
  DATABASE_URL: {
    schema: urlString(["postgres:", "postgresql:"]),
    purpose:
      "Postgres connection string (Heroku Postgres sets it); `?sslmode=disable|require|verify-full` picks TLS, which is on by default on a Heroku dyno; unset, the console uses the embedded PGlite database",
    example: "postgres://user:password@127.0.0.1:5432/dyno_monitor",
    secret: true,
  },
  DATABASE_POOL_MAX: {
    schema: intInRange(1, 100, 10),
    purpose:
      "most Postgres connections one process opens (web and worker each); keep the sum over all processes, plus one for the release phase, under the plan's limit (essential-0: 20)",
    example: "5",
  },
  PGLITE_DIR: {
    schema: z.preprocess(emptyToUndefined, z.string().default(".data/pglite")),
    purpose: "directory of the embedded PGlite database, used when DATABASE_URL is unset",
    example: ".data/pglite",
  },
  UPSTASH_REDIS_REST_URL: {
    schema: urlString(["https:", "http:"]),
    purpose:
      "REST URL of an Upstash Redis database for the cache (with UPSTASH_REDIS_REST_TOKEN); wins over REDIS_URL",
    example: "https://eu1-example-12345.upstash.io",
  },
  UPSTASH_REDIS_REST_TOKEN: {
    schema: z.preprocess(
      emptyToUndefined,
      z.string().min(8, { error: "must be at least 8 characters" }).optional(),
    ),
    purpose: "REST token of that Upstash database, from the Upstash console (REST API section)",
    example: "AX1yAAIjcDE1234example",
    secret: true,
  },
  REDIS_URL: {
    schema: urlString(["redis:", "rediss:"]),
    purpose:
      "Redis connection string for the cache (Heroku's Redis add-on sets it); unset, the cache lives in Postgres or in memory",
    example: "rediss://:password@ec2-1-2-3-4.compute-1.amazonaws.com:6380",
    secret: true,
  },
  AUTH_SECRET: {
    schema: nonEmptySecret,
    purpose:
      "secret that signs session cookies (any string; Heroku's `secret` generator fills it); required with DATABASE_URL, otherwise generated once into .data/",
    example: "run: openssl rand -base64 32",
    secret: true,
  },
  SECRETS_KEY: {
    schema: nonEmptySecret,
    purpose:
      "key that encrypts stored check credentials (Redis/Postgres URLs): 32 bytes as base64 or hex are used as they are, any other string is stretched to a key (HKDF-SHA-256); required with DATABASE_URL, otherwise generated once into .data/",
    example: "run: openssl rand -base64 32",
    secret: true,
  },
  ADMIN_EMAIL: {
    schema: z.preprocess(
      emptyToUndefined,
      z.email({ error: "must be an email address" }).optional(),
    ),
    purpose: "email of the admin created at start-up when no user has it (with ADMIN_PASSWORD)",
    example: "ops@example.com",
  },
  ADMIN_PASSWORD: {
    schema: z.preprocess(
      emptyToUndefined,
      z.string().min(8, { error: "must be at least 8 characters" }).optional(),
    ),
    purpose: "password of the admin created from ADMIN_EMAIL",
    example: "a-long-passphrase",
    secret: true,
  },
  CRON_SECRET: {
    schema: nonEmptySecret,
    purpose:
      "bearer token that /api/cron/* requires (Vercel Cron sends it); unset, the cron endpoints refuse every call",
    example: "run: openssl rand -hex 24",
    secret: true,
  },
  SCHEDULER: {
    schema: z.preprocess(
      (value) => (typeof value === "string" ? value.trim().toLowerCase() || undefined : value),
      z.enum(["on", "off"], { error: 'must be "on" or "off"' }).default("on"),
    ),
    purpose:
      "run background jobs inside the server process (on) or leave them to cron/worker (off)",
    example: "off",
  },
  SCHEDULER_INTERVAL_SECONDS: {
    schema: intInRange(1, 3600, 15),
    purpose: "how often the in-process scheduler looks for due jobs",
    example: "15",
  },
  JOB_RUNS_RETENTION_DAYS: {
    schema: intInRange(1, 3650, 14),
    purpose: "how long job run records are kept before the prune-job-runs job removes them",
    example: "14",
  },
  RETENTION_DAYS: {
    schema: intInRange(1, 3650, 30),
    purpose: "how long log events, metric samples and request statistics are kept",
    example: "30",
  },
  POLL_TAIL_SECONDS: {
    schema: intInRange(1, 600, 20),
    purpose:
      "how long one poll keeps a log session open (tail), within the cron function's time limit",
    example: "20",
  },
  POLL_INTERVAL_SECONDS: {
    schema: intInRange(10, 86_400, 60),
    purpose:
      "how often each polled log source is read; doubled and more when the API budget runs low",
    example: "60",
  },
  HEROKU_API_KEY: {
    schema: z.preprocess(
      emptyToUndefined,
      z.string().min(8, { error: "must be at least 8 characters" }).optional(),
    ),
    purpose:
      "Heroku Platform API key of the account to watch; required with DATABASE_URL unless DEMO_MODE=on; unset without DATABASE_URL, the console watches the built-in simulator's demo account",
    example: "run: heroku authorizations:create -d dyno-monitor",
    secret: true,
  },
  DEMO_MODE: {
    schema: z.preprocess(
      (value) => (typeof value === "string" ? value.trim().toLowerCase() || undefined : value),
      z.enum(["on", "off"], { error: 'must be "on" or "off"' }).optional(),
    ),
    purpose:
      "watch the built-in simulator's demo account instead of a Heroku account (on); in demo mode no email, SMS or webhook is ever sent, notices stay in the outbox. Default: on without DATABASE_URL and HEROKU_API_KEY, off otherwise",
    example: "on",
  },
  HEROKU_API_URL: {
    schema: urlString(["http:", "https:"]),
    purpose:
      "base URL of the Heroku Platform API (a standalone simulator's SIMULATOR_URL in tests)",
    example: "https://api.heroku.com",
  },
  SIMULATOR_PORT: {
    schema: intInRange(0, 65535, 0),
    purpose: "port of the standalone simulator (npm run simulator); 0 picks a free port",
    example: "5100",
  },
  SCENARIO_TOKEN: {
    schema: z.preprocess(
      emptyToUndefined,
      z.string().min(8, { error: "must be at least 8 characters" }).optional(),
    ),
    purpose:
      "bearer token of the simulator's scenario API (/__sim/*); unset, one is generated at start",
    example: "run: openssl rand -hex 16",
    secret: true,
  },
  SIMULATOR_SEED: {
    schema: intInRange(0, 2 ** 31 - 1, 42),
    purpose: "seed of the simulator's traffic, so the same seed replays the same logs",
    example: "42",
  },
  SIMULATOR_APPS: {
    schema: intInRange(3, 2000, 3),
    purpose:
      "number of apps in the simulator's account (the demo has 3 named apps; more are generated)",
    example: "100",
  },
  RESEND_API_KEY: {
    schema: z.preprocess(
      emptyToUndefined,
      z.string().min(8, { error: "must be at least 8 characters" }).optional(),
    ),
    purpose:
      "Resend API key for alert emails; unset, emails stay in the outbox, readable in the console",
    example: "re_123456789abcdef",
    secret: true,
  },
  RESEND_BASE_URL: {
    schema: urlString(["http:", "https:"]),
    purpose: "base URL of Resend's API (a local Resend-compatible server in tests)",
    example: "https://api.resend.com",
  },
  EMAIL_FROM: {
    schema: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^(?:[^<>]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/, {
          error: "must be an address like alerts@example.com or Name <alerts@example.com>",
        })
        .default("Dyno Monitor <alerts@dyno-monitor.local>"),
    ),
    purpose: "sender of alert emails (a domain verified in Resend)",
    example: "Dyno Monitor <alerts@example.com>",
  },
  ALERT_RECIPIENTS: {
    schema: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .refine(
          (value) =>
            value
              .split(",")
              .map((v) => v.trim())
              .every((v) => /^[^\s@]+@[^\s@]+$/.test(v)),
          { error: "must be email addresses separated by commas" },
        )
        .optional(),
    ),
    purpose: "who gets alert emails when a rule names no recipients (comma-separated)",
    example: "oncall@example.com,cto@example.com",
  },
  EMAIL_COOLING_PERIOD_PER_TOPIC: {
    schema: intInRange(10, 86_400, 300),
    purpose: "seconds between repeat notifications of one firing incident (a rule can override it)",
    example: "300",
  },
  MAX_REPEAT_NOTIFICATIONS: {
    schema: intInRange(0, 1000, 10),
    purpose: "repeat notifications per incident before they stop (the resolved notice still goes)",
    example: "10",
  },
  DYNO_RESTART_COOLING_PERIOD: {
    schema: intInRange(0, 86_400, 300),
    purpose: "seconds before the same dyno or dyno type may be restarted again",
    example: "300",
  },
  APP_RESTART_COOLING_PERIOD: {
    schema: intInRange(0, 86_400, 300),
    purpose: "seconds before the same app may be restarted again",
    example: "300",
  },
  MAX_RESTARTS_PER_HOUR: {
    schema: intInRange(0, 100, 3),
    purpose: "restart loop guard: automatic restarts per target per hour before they stop",
    example: "3",
  },
  HELPED_EARLY_SECONDS: {
    schema: intInRange(10, 86_400, 300),
    purpose: "when a restart's first after-measure is taken (memory and error rate)",
    example: "300",
  },
  HELPED_SECONDS: {
    schema: intInRange(10, 86_400, 900),
    purpose:
      "when a restart is judged helped or not (memory back under the threshold, errors down)",
    example: "900",
  },
  INFOBIP_BASE_URL: {
    schema: urlString(["http:", "https:"]),
    purpose: "your Infobip account's API base URL, for SMS alerts (with INFOBIP_API_KEY)",
    example: "https://xxxxx.api.infobip.com",
  },
  INFOBIP_API_KEY: {
    schema: z.preprocess(
      emptyToUndefined,
      z.string().min(8, { error: "must be at least 8 characters" }).optional(),
    ),
    purpose: "Infobip API key for SMS alerts; with TWILIO_* also set, Infobip is used",
    example: "0123456789abcdef0123456789abcdef-01234567-89ab-cdef-0123-456789abcdef",
    secret: true,
  },
  INFOBIP_SENDER: {
    schema: z.preprocess(emptyToUndefined, z.string().max(20).default("DynoMonitor")),
    purpose: "sender name or number of Infobip SMS alerts",
    example: "DynoMonitor",
  },
  TWILIO_BASE_URL: {
    schema: urlString(["http:", "https:"]),
    purpose: "base URL of Twilio's API (a local Twilio-compatible server in tests)",
    example: "https://api.twilio.com",
  },
  TWILIO_ACCOUNT_SID: {
    schema: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^AC[0-9a-zA-Z]{8,}$/, { error: "must look like ACxxxxxxxx (the account SID)" })
        .optional(),
    ),
    purpose: "Twilio account SID for SMS alerts (with TWILIO_AUTH_TOKEN and TWILIO_FROM)",
    example: "AC0123456789abcdef0123456789abcdef",
  },
  TWILIO_AUTH_TOKEN: {
    schema: z.preprocess(
      emptyToUndefined,
      z.string().min(8, { error: "must be at least 8 characters" }).optional(),
    ),
    purpose: "Twilio auth token for SMS alerts",
    example: "0123456789abcdef0123456789abcdef",
    secret: true,
  },
  TWILIO_FROM: {
    schema: z.preprocess(emptyToUndefined, z.string().max(40).optional()),
    purpose: "the Twilio number (E.164), sender name or Messaging Service SID (MG…) that sends SMS",
    example: "+15017122661",
  },
  ALERT_SMS_RECIPIENTS: {
    schema: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .refine(
          (value) =>
            value
              .split(",")
              .map((v) => v.trim())
              .every((v) => /^\+[1-9]\d{6,14}$/.test(v)),
          { error: "must be phone numbers in E.164 (+41793026727) separated by commas" },
        )
        .optional(),
    ),
    purpose: "who gets SMS alerts when a rule names no phone numbers (comma-separated, E.164)",
    example: "+41793026727,+15017122661",
  },
  LOG_LEVEL: {
    schema: z.preprocess(
      emptyToUndefined,
      z
        .enum(["debug", "info", "warn", "error"], {
          error: "must be one of debug, info, warn, error",
        })
        .default("info"),
    ),
    purpose: "least severe level written to the server log",
    example: "info",
  },
} satisfies Record<string, VarSpec>;

type Vars = typeof configVars;
type Parsed = { [K in keyof Vars]: z.output<Vars[K]["schema"]> };

export type Config = {
  port: number;
  appUrl: string;
  /** TRUSTED_PROXY_HOPS: X-Forwarded-For entries appended by proxies the console trusts. */
  trustedProxyHops: number;
  databaseUrl: string | undefined;
  /** DATABASE_POOL_MAX: connections one process's Postgres pool may open. */
  databasePoolMax: number;
  /** DYNO is set: running on Heroku, where Postgres requires TLS. */
  onDyno: boolean;
  pgliteDir: string;
  /** The cache's Redis: Upstash over REST, or a Redis server over TCP (lib/cache picks one). */
  upstash: { url: string; token: string } | undefined;
  redisUrl: string | undefined;
  dataDir: string;
  authSecret: string | undefined;
  /** SECRETS_KEY as given; lib/checks decodes it (resolveSecretsKey). */
  secretsKey: string | undefined;
  admin: { email: string; password: string } | undefined;
  cronSecret: string | undefined;
  scheduler: "on" | "off";
  schedulerIntervalSeconds: number;
  jobRunsRetentionDays: number;
  retentionDays: number;
  poll: { tailSeconds: number; intervalSeconds: number };
  logLevel: "debug" | "info" | "warn" | "error";
  email: {
    resendApiKey: string | undefined;
    resendBaseUrl: string | undefined;
    from: string;
    recipients: string[];
  };
  /** The SMS provider, when one is configured (Infobip wins when both are). */
  sms:
    | { provider: "infobip"; baseUrl: string; apiKey: string; sender: string }
    | { provider: "twilio"; baseUrl: string; accountSid: string; authToken: string; from: string }
    | undefined;
  smsRecipients: string[];
  alerts: {
    repeatIntervalSeconds: number;
    maxRepeatNotifications: number;
    dynoRestartCoolingSeconds: number;
    appRestartCoolingSeconds: number;
    maxRestartsPerHour: number;
    helpedEarlySeconds: number;
    helpedSeconds: number;
  };
  heroku: { apiKey: string | undefined; apiUrl: string };
  simulator: { port: number; scenarioToken: string | undefined; seed: number; apps: number };
  /**
   * The console watches the embedded simulator's demo account (DEMO_MODE=on, or by default with
   * neither HEROKU_API_KEY nor DATABASE_URL) and never sends email, SMS or webhooks.
   */
  demoMode: boolean;
  isTest: boolean;
  isCi: boolean;
};

export class ConfigError extends Error {
  readonly problems: { variable: string; problem: string }[];
  constructor(problems: { variable: string; problem: string }[]) {
    super(
      [
        "Dyno Monitor cannot start: some settings are wrong.",
        ...problems.map((p) => `  - ${p.problem}`),
        "Fix them in the environment (or .env) and start again; README lists every setting.",
      ].join("\n"),
    );
    this.name = "ConfigError";
    this.problems = problems;
  }
}

function describeValue(name: string, raw: unknown): string {
  if (raw === undefined) return "it is not set";
  const spec: VarSpec = configVars[name as keyof Vars];
  return spec.secret ? "the value given" : `got ${JSON.stringify(raw)}`;
}

/** Parses an environment; throws ConfigError naming every bad variable, its purpose and an example. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const problems: { variable: string; problem: string }[] = [];
  const parsed: Partial<Record<keyof Vars, unknown>> = {};
  for (const [name, spec] of Object.entries(configVars) as [keyof Vars, VarSpec][]) {
    const result = spec.schema.safeParse(env[name]);
    if (result.success) {
      parsed[name] = result.data;
    } else {
      const message = result.error.issues[0]?.message ?? "is invalid";
      problems.push({
        variable: name,
        problem: `${name} ${message}, ${describeValue(name, env[name])} (${spec.purpose}). Example: ${name}=${spec.example}`,
      });
    }
  }
  const values = parsed as Parsed;
  if (problems.length === 0) {
    if (values.ADMIN_EMAIL && !values.ADMIN_PASSWORD) {
      problems.push({
        variable: "ADMIN_PASSWORD",
        problem: `ADMIN_PASSWORD must be set when ADMIN_EMAIL is (${configVars.ADMIN_PASSWORD.purpose}). Example: ADMIN_PASSWORD=${configVars.ADMIN_PASSWORD.example}`,
      });
    }
    if (values.ADMIN_PASSWORD && !values.ADMIN_EMAIL) {
      problems.push({
        variable: "ADMIN_EMAIL",
        problem: `ADMIN_EMAIL must be set when ADMIN_PASSWORD is (${configVars.ADMIN_EMAIL.purpose}). Example: ADMIN_EMAIL=${configVars.ADMIN_EMAIL.example}`,
      });
    }
    if (values.UPSTASH_REDIS_REST_URL && !values.UPSTASH_REDIS_REST_TOKEN) {
      problems.push({
        variable: "UPSTASH_REDIS_REST_TOKEN",
        problem: `UPSTASH_REDIS_REST_TOKEN must be set when UPSTASH_REDIS_REST_URL is (${configVars.UPSTASH_REDIS_REST_TOKEN.purpose}). Example: UPSTASH_REDIS_REST_TOKEN=${configVars.UPSTASH_REDIS_REST_TOKEN.example}`,
      });
    }
    if (values.UPSTASH_REDIS_REST_TOKEN && !values.UPSTASH_REDIS_REST_URL) {
      problems.push({
        variable: "UPSTASH_REDIS_REST_URL",
        problem: `UPSTASH_REDIS_REST_URL must be set when UPSTASH_REDIS_REST_TOKEN is (${configVars.UPSTASH_REDIS_REST_URL.purpose}). Example: UPSTASH_REDIS_REST_URL=${configVars.UPSTASH_REDIS_REST_URL.example}`,
      });
    }
    if (values.INFOBIP_API_KEY && !values.INFOBIP_BASE_URL) {
      problems.push({
        variable: "INFOBIP_BASE_URL",
        problem: `INFOBIP_BASE_URL must be set when INFOBIP_API_KEY is (${configVars.INFOBIP_BASE_URL.purpose}). Example: INFOBIP_BASE_URL=${configVars.INFOBIP_BASE_URL.example}`,
      });
    }
    if (values.TWILIO_ACCOUNT_SID && (!values.TWILIO_AUTH_TOKEN || !values.TWILIO_FROM)) {
      problems.push({
        variable: values.TWILIO_AUTH_TOKEN ? "TWILIO_FROM" : "TWILIO_AUTH_TOKEN",
        problem: `TWILIO_AUTH_TOKEN and TWILIO_FROM must be set when TWILIO_ACCOUNT_SID is (${configVars.TWILIO_FROM.purpose}). Example: TWILIO_FROM=${configVars.TWILIO_FROM.example}`,
      });
    }
    const sslMode = values.DATABASE_URL
      ? new URL(values.DATABASE_URL).searchParams.get("sslmode")
      : null;
    if (sslMode !== null && !(databaseSslModes as readonly string[]).includes(sslMode)) {
      problems.push({
        variable: "DATABASE_URL",
        problem: `DATABASE_URL has sslmode=${JSON.stringify(sslMode)}, which is none of ${databaseSslModes.join(", ")} (${configVars.DATABASE_URL.purpose}).`,
      });
    }
    // tests run on Postgres against the embedded simulator, as the demo does
    if (
      values.DATABASE_URL &&
      !values.HEROKU_API_KEY &&
      values.DEMO_MODE !== "on" &&
      env.NODE_ENV !== "test"
    ) {
      problems.push({
        variable: "HEROKU_API_KEY",
        problem: `HEROKU_API_KEY must be set when DATABASE_URL is, so a production install never watches the demo account by accident (${configVars.HEROKU_API_KEY.purpose}). Example: HEROKU_API_KEY=$(heroku authorizations:create -d dyno-monitor --short). To run the demo on Postgres on purpose, set DEMO_MODE=on.`,
      });
    }
    if (values.DEMO_MODE === "off" && !values.HEROKU_API_KEY) {
      problems.push({
        variable: "HEROKU_API_KEY",
        problem: `HEROKU_API_KEY must be set when DEMO_MODE=off: there is no account to watch (${configVars.HEROKU_API_KEY.purpose}). Example: HEROKU_API_KEY=$(heroku authorizations:create -d dyno-monitor --short)`,
      });
    }
    if (values.DATABASE_URL && !values.AUTH_SECRET && env.NODE_ENV !== "test") {
      problems.push({
        variable: "AUTH_SECRET",
        problem: `AUTH_SECRET must be set when DATABASE_URL is: several instances must share it (${configVars.AUTH_SECRET.purpose}). Example: AUTH_SECRET=$(openssl rand -base64 32)`,
      });
    }
    if (values.DATABASE_URL && !values.SECRETS_KEY && env.NODE_ENV !== "test") {
      problems.push({
        variable: "SECRETS_KEY",
        problem: `SECRETS_KEY must be set when DATABASE_URL is: several instances must share it (${configVars.SECRETS_KEY.purpose}). Example: SECRETS_KEY=$(openssl rand -base64 32)`,
      });
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const pgliteDir = resolve(/*turbopackIgnore: true*/ values.PGLITE_DIR);
  return {
    port: values.PORT,
    appUrl: (values.APP_URL ?? `http://localhost:${values.PORT}`).replace(/\/+$/, ""),
    trustedProxyHops: values.TRUSTED_PROXY_HOPS,
    databaseUrl: values.DATABASE_URL,
    databasePoolMax: values.DATABASE_POOL_MAX,
    onDyno: Boolean(env.DYNO?.trim()),
    pgliteDir,
    upstash:
      values.UPSTASH_REDIS_REST_URL && values.UPSTASH_REDIS_REST_TOKEN
        ? {
            url: values.UPSTASH_REDIS_REST_URL.replace(/\/+$/, ""),
            token: values.UPSTASH_REDIS_REST_TOKEN,
          }
        : undefined,
    redisUrl: values.REDIS_URL,
    dataDir: dirname(pgliteDir),
    authSecret: values.AUTH_SECRET,
    secretsKey: values.SECRETS_KEY,
    admin:
      values.ADMIN_EMAIL && values.ADMIN_PASSWORD
        ? { email: values.ADMIN_EMAIL.toLowerCase(), password: values.ADMIN_PASSWORD }
        : undefined,
    cronSecret: values.CRON_SECRET,
    scheduler: values.SCHEDULER,
    schedulerIntervalSeconds: values.SCHEDULER_INTERVAL_SECONDS,
    jobRunsRetentionDays: values.JOB_RUNS_RETENTION_DAYS,
    retentionDays: values.RETENTION_DAYS,
    poll: { tailSeconds: values.POLL_TAIL_SECONDS, intervalSeconds: values.POLL_INTERVAL_SECONDS },
    logLevel: values.LOG_LEVEL,
    email: {
      resendApiKey: values.RESEND_API_KEY,
      resendBaseUrl: values.RESEND_BASE_URL?.replace(/\/+$/, ""),
      from: values.EMAIL_FROM,
      recipients: (values.ALERT_RECIPIENTS ?? "")
        .split(",")
        .map((v) => v.trim().toLowerCase())
        .filter(Boolean),
    },
    sms:
      values.INFOBIP_API_KEY && values.INFOBIP_BASE_URL
        ? {
            provider: "infobip",
            baseUrl: values.INFOBIP_BASE_URL.replace(/\/+$/, ""),
            apiKey: values.INFOBIP_API_KEY,
            sender: values.INFOBIP_SENDER,
          }
        : values.TWILIO_ACCOUNT_SID && values.TWILIO_AUTH_TOKEN && values.TWILIO_FROM
          ? {
              provider: "twilio",
              baseUrl: (values.TWILIO_BASE_URL ?? "https://api.twilio.com").replace(/\/+$/, ""),
              accountSid: values.TWILIO_ACCOUNT_SID,
              authToken: values.TWILIO_AUTH_TOKEN,
              from: values.TWILIO_FROM,
            }
          : undefined,
    smsRecipients: (values.ALERT_SMS_RECIPIENTS ?? "")
      .split(",")
      .map((v) => v.trim())
      .filter(Boolean),
    alerts: {
      repeatIntervalSeconds: values.EMAIL_COOLING_PERIOD_PER_TOPIC,
      maxRepeatNotifications: values.MAX_REPEAT_NOTIFICATIONS,
      dynoRestartCoolingSeconds: values.DYNO_RESTART_COOLING_PERIOD,
      appRestartCoolingSeconds: values.APP_RESTART_COOLING_PERIOD,
      maxRestartsPerHour: values.MAX_RESTARTS_PER_HOUR,
      helpedEarlySeconds: values.HELPED_EARLY_SECONDS,
      helpedSeconds: values.HELPED_SECONDS,
    },
    heroku: {
      apiKey: values.HEROKU_API_KEY,
      apiUrl: (values.HEROKU_API_URL ?? "https://api.heroku.com").replace(/\/+$/, ""),
    },
    simulator: {
      port: values.SIMULATOR_PORT,
      scenarioToken: values.SCENARIO_TOKEN,
      seed: values.SIMULATOR_SEED,
      apps: values.SIMULATOR_APPS,
    },
    demoMode: values.DEMO_MODE ? values.DEMO_MODE === "on" : !values.HEROKU_API_KEY,
    isTest: env.NODE_ENV === "test" || env.VITEST === "true",
    isCi: env.CI === "true" || env.CI === "1",
  };
}

let cached: Config | undefined;

/** The process's configuration, parsed on first use so `next build` needs no production secrets. */
export function getConfig(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}

/** Test hook: forget the parsed configuration (tests that change the environment). */
export function resetConfigForTests(): void {
  cached = undefined;
}

/**
 * AUTH_SECRET, or for the embedded defaults a secret generated once into the data directory.
 * Returns whether it was generated now, so the caller can log a notice.
 */
export function resolveAuthSecret(config: Config = getConfig()): {
  secret: string;
  generated: boolean;
} {
  if (config.authSecret) return { secret: config.authSecret, generated: false };
  const file = join(config.dataDir, "auth-secret");
  if (existsSync(file)) {
    const stored = readFileSync(file, "utf8").trim();
    if (stored.length >= 32) return { secret: stored, generated: false };
  }
  mkdirSync(config.dataDir, { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return { secret, generated: true };
}

/**
 * The 32-byte key that encrypts check credentials: SECRETS_KEY, or for the embedded defaults a key
 * generated once into the data directory (losing it makes stored credentials unreadable).
 */
export function resolveSecretsKey(config: Config = getConfig()): {
  key: Buffer;
  generated: boolean;
} {
  if (config.secretsKey) return { key: deriveSecretsKey(config.secretsKey), generated: false };
  const file = join(config.dataDir, "secrets-key");
  const readStored = () => {
    const stored = decodeSecretsKey(readFileSync(file, "utf8"));
    // never replace a damaged key: what it encrypted would be lost for good
    if (!stored)
      throw new Error(`${file} does not hold a 32-byte key; restore it or set SECRETS_KEY.`);
    return stored;
  };
  if (existsSync(file)) return { key: readStored(), generated: false };
  mkdirSync(config.dataDir, { recursive: true });
  const key = randomBytes(32);
  try {
    writeFileSync(file, `${key.toString("base64")}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    // another process wrote it first: use theirs
    if ((error as NodeJS.ErrnoException).code === "EEXIST") {
      return { key: readStored(), generated: false };
    }
    throw error;
  }
  return { key, generated: true };
}

/** Tests: which real services this run has, and whether a missing one fails instead of skipping. */
export function testEnvironment(): {
  ci: boolean;
  testDb: string | undefined;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
} {
  return {
    ci: process.env.CI === "true" || process.env.CI === "1",
    testDb: process.env.TEST_DB,
    databaseUrl: process.env.DATABASE_URL || undefined,
    redisUrl: process.env.REDIS_URL || undefined,
  };
}
