// Channel-neutral shapes of the alerting pipeline: what to tell people (a notice), one rendered
// email, and what a provider answered. Plain data only: notices are stored in outbox rows as JSON
// (dates as Date here; the outbox parses them back) and rendered by pure templates.

export type RuleKind =
  | "error_code"
  | "http_5xx"
  | "memory"
  | "load"
  | "crash"
  | "ingest_silence"
  | "check_failing";

export type ActionKind = "none" | "restart_dyno" | "restart_dyno_type" | "restart_app";

export type ActionOutcome =
  | "performed"
  | "skipped_cooling"
  | "skipped_loop_guard"
  | "skipped_dry_run"
  | "skipped_silenced"
  | "failed";

export type SeriesPoint = {
  /** Epoch milliseconds. */
  t: number;
  v: number;
};

/** What an incident transition tells people: a new incident, a reminder, or its resolution. */
export type IncidentNotice = {
  type: "firing" | "repeat" | "resolved";
  incident: {
    id: string;
    /** Absolute console URL of the incident page. */
    url: string;
    state: "pending" | "firing" | "resolved";
    openedAt: Date;
    resolvedAt?: Date | null;
    /** Who acknowledged it (a user's name or email), if anyone did. */
    acknowledgedBy?: string | null;
    /** The incident's dedup key (rule + app + dyno type [+ dyno]), for webhook receivers. */
    fingerprint?: string | null;
  };
  rule: {
    id: string;
    name: string;
    kind: RuleKind;
    windowSeconds?: number;
    /** In the unit of the rule's kind: a count, a percent, MB, or a load average. */
    threshold?: number;
  };
  target: { app: string; dynoType?: string | null; dyno?: string | null };
  /** A Heroku error code ("R14", "H12") when the rule is about one. */
  code?: string | null;
  observed: {
    count?: number;
    percent?: number;
    valueMb?: number;
    quotaMb?: number;
    load?: number;
    requests?: number;
  };
  /** One line, e.g. "5 × R14 in 300 s". */
  summary: string;
  action?: { kind: ActionKind; outcome: ActionOutcome; detail?: string } | null;
  /** A few dozen points, oldest first, in the unit of `threshold`: drawn as a small bar chart. */
  series?: SeriesPoint[];
  /** 1 for the first reminder after the firing notice, 2 for the next… */
  repeatNumber?: number;
  /** Absolute console base URL (no trailing slash needed). */
  consoleUrl: string;
};

/** "Send a test email" from the settings page: proves the channel works, tells nothing else. */
export type TestNotice = {
  type: "test";
  consoleUrl: string;
  /** Who asked for the test (a user's name or email). */
  requestedBy?: string | null;
};

export type Notice = IncidentNotice | TestNotice;

export type RenderedEmail = { subject: string; html: string; text: string };

export type EmailMessage = RenderedEmail & {
  to: string[];
  /** Stable per outbox row: a retried send with the same key is delivered once. */
  idempotencyKey: string;
};

export type DeliveryResult =
  | {
      ok: true;
      /** The provider's message id, when it returns one. */
      providerId: string | null;
      /** The provider's answer, short, for the outbox row. */
      response: string;
    }
  | {
      ok: false;
      /** True when the same send may succeed later (429, 5xx, network); false for a bad request. */
      retryable: boolean;
      /** Readable and free of secrets: safe to store and show. */
      error: string;
      /** HTTP status, when the provider answered. */
      status?: number;
      /** From a Retry-After header, when the provider sent one. */
      retryAfterSeconds?: number;
    };

export type EmailSender = {
  send(message: EmailMessage): Promise<DeliveryResult>;
};

/** One SMS to one phone. */
export type SmsMessage = {
  /** E.164, e.g. +41793026727. */
  to: string;
  /** The rendered text (templates/sms.ts keeps it to one GSM-7 segment where possible). */
  text: string;
  /** Stable per outbox row. SMS APIs do not deduplicate on it; the outbox row does. */
  idempotencyKey: string;
};

/** One SMS provider (Infobip, Twilio…): one file per provider in channels/sms-<provider>.ts. */
export type SmsSender = {
  send(message: SmsMessage): Promise<DeliveryResult>;
};

export type WebhookPreset = "generic" | "slack";

/** One signed POST to a webhook endpoint. */
export type WebhookMessage = {
  /** http(s) only; for Slack the URL itself is the secret, so it never appears in results. */
  url: string;
  /** HMAC-SHA256 key of the X-Dyno-Monitor-Signature header; may be empty for Slack only. */
  secret: string;
  preset: WebhookPreset;
  /** The exact JSON to send (templates/webhook.ts renders it): signed and sent byte for byte. */
  body: string;
  /** Sent as X-Dyno-Monitor-Delivery, so receivers can drop a retried delivery. */
  idempotencyKey: string;
};

export type WebhookSender = {
  send(message: WebhookMessage): Promise<DeliveryResult>;
};
