CREATE TABLE "drain_frames" (
	"drain_id" uuid NOT NULL,
	"frame_id" text NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	CONSTRAINT "drain_frames_pkey" PRIMARY KEY("drain_id","frame_id")
);
--> statement-breakpoint
CREATE TABLE "drains" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"app_id" uuid NOT NULL,
	"token_hash" text NOT NULL,
	"heroku_drain_id" text,
	"heroku_drain_token" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"rotated_at" timestamp with time zone,
	"last_frame_at" timestamp with time zone,
	"batches" bigint DEFAULT 0 NOT NULL,
	"lines" bigint DEFAULT 0 NOT NULL,
	"duplicate_batches" bigint DEFAULT 0 NOT NULL,
	"bad_frames" bigint DEFAULT 0 NOT NULL,
	"dropped_by_heroku" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "log_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "log_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"app_id" uuid NOT NULL,
	"ts" timestamp (6) with time zone NOT NULL,
	"source" text NOT NULL,
	"proc" text NOT NULL,
	"dyno" text,
	"dyno_type" text,
	"kind" text NOT NULL,
	"code" text,
	"message" text NOT NULL,
	"detail" jsonb,
	"fingerprint" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "log_sources" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"app_id" uuid NOT NULL,
	"source" text NOT NULL,
	"dyno" text,
	"enabled" boolean DEFAULT true NOT NULL,
	"next_poll_at" timestamp with time zone DEFAULT now() NOT NULL,
	"lease_owner" text,
	"lease_until" timestamp with time zone,
	"hwm_ts" timestamp with time zone,
	"hwm_micros" integer,
	"hwm_fingerprints" text[],
	"lines_read" bigint DEFAULT 0 NOT NULL,
	"lines_stored" bigint DEFAULT 0 NOT NULL,
	"duplicates" bigint DEFAULT 0 NOT NULL,
	"last_run_lines" integer,
	"last_error" text,
	"last_error_at" timestamp with time zone,
	"last_success_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "metric_samples" (
	"app_id" uuid NOT NULL,
	"dyno" text NOT NULL,
	"dyno_type" text NOT NULL,
	"ts" timestamp with time zone NOT NULL,
	"instance" text,
	"size" text,
	"load_1m" real,
	"load_5m" real,
	"load_15m" real,
	"memory_total_mb" real,
	"memory_rss_mb" real,
	"memory_cache_mb" real,
	"memory_swap_mb" real,
	"memory_quota_mb" real,
	"memory_pgpgin" bigint,
	"memory_pgpgout" bigint,
	CONSTRAINT "metric_samples_pkey" PRIMARY KEY("app_id","dyno","ts")
);
--> statement-breakpoint
CREATE TABLE "request_stats" (
	"app_id" uuid NOT NULL,
	"dyno_type" text NOT NULL,
	"minute" timestamp with time zone NOT NULL,
	"requests" integer NOT NULL,
	"status_1xx" integer NOT NULL,
	"status_2xx" integer NOT NULL,
	"status_3xx" integer NOT NULL,
	"status_4xx" integer NOT NULL,
	"status_5xx" integer NOT NULL,
	"router_errors" integer NOT NULL,
	"service_ms_sum" bigint NOT NULL,
	"service_ms_max" integer NOT NULL,
	"service_hist" integer[] NOT NULL,
	CONSTRAINT "request_stats_pkey" PRIMARY KEY("app_id","dyno_type","minute")
);
--> statement-breakpoint
ALTER TABLE "drain_frames" ADD CONSTRAINT "drain_frames_drain_id_drains_id_fk" FOREIGN KEY ("drain_id") REFERENCES "public"."drains"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "drains" ADD CONSTRAINT "drains_app_id_apps_id_fk" FOREIGN KEY ("app_id") REFERENCES "public"."apps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "log_events" ADD CONSTRAINT "log_events_app_id_apps_id_fk" FOREIGN KEY ("app_id") REFERENCES "public"."apps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "log_sources" ADD CONSTRAINT "log_sources_app_id_apps_id_fk" FOREIGN KEY ("app_id") REFERENCES "public"."apps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "metric_samples" ADD CONSTRAINT "metric_samples_app_id_apps_id_fk" FOREIGN KEY ("app_id") REFERENCES "public"."apps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request_stats" ADD CONSTRAINT "request_stats_app_id_apps_id_fk" FOREIGN KEY ("app_id") REFERENCES "public"."apps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "drain_frames_received_at_idx" ON "drain_frames" USING btree ("received_at");--> statement-breakpoint
CREATE UNIQUE INDEX "drains_app_id_key" ON "drains" USING btree ("app_id");--> statement-breakpoint
CREATE UNIQUE INDEX "log_events_fingerprint_key" ON "log_events" USING btree ("fingerprint");--> statement-breakpoint
CREATE INDEX "log_events_app_id_dyno_type_code_ts_idx" ON "log_events" USING btree ("app_id","dyno_type","code","ts");--> statement-breakpoint
CREATE INDEX "log_events_app_id_ts_idx" ON "log_events" USING btree ("app_id","ts");--> statement-breakpoint
CREATE INDEX "log_events_ts_idx" ON "log_events" USING btree ("ts");--> statement-breakpoint
CREATE UNIQUE INDEX "log_sources_app_id_source_key" ON "log_sources" USING btree ("app_id","source");--> statement-breakpoint
CREATE INDEX "log_sources_next_poll_at_idx" ON "log_sources" USING btree ("next_poll_at");--> statement-breakpoint
CREATE INDEX "metric_samples_app_id_dyno_type_ts_idx" ON "metric_samples" USING btree ("app_id","dyno_type","ts");--> statement-breakpoint
CREATE INDEX "metric_samples_ts_idx" ON "metric_samples" USING btree ("ts");