CREATE TABLE "check_results" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "check_results_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"check_id" uuid NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"ok" boolean NOT NULL,
	"latency_ms" real NOT NULL,
	"status_code" integer,
	"detail" jsonb NOT NULL,
	"error" text
);
--> statement-breakpoint
CREATE TABLE "checks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"app_id" uuid,
	"enabled" boolean DEFAULT true NOT NULL,
	"interval_seconds" integer NOT NULL,
	"timeout_ms" integer NOT NULL,
	"config" jsonb NOT NULL,
	"secret_ciphertext" text,
	"secret_hint" text,
	"next_run_at" timestamp with time zone DEFAULT now() NOT NULL,
	"lease_owner" text,
	"lease_until" timestamp with time zone,
	"last_status" text DEFAULT 'unknown' NOT NULL,
	"last_checked_at" timestamp with time zone,
	"consecutive_failures" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "checks_kind_check" CHECK ("checks"."kind" in ('web', 'redis', 'postgres')),
	CONSTRAINT "checks_last_status_check" CHECK ("checks"."last_status" in ('up', 'down', 'unknown'))
);
--> statement-breakpoint
ALTER TABLE "check_results" ADD CONSTRAINT "check_results_check_id_checks_id_fk" FOREIGN KEY ("check_id") REFERENCES "public"."checks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "checks" ADD CONSTRAINT "checks_app_id_apps_id_fk" FOREIGN KEY ("app_id") REFERENCES "public"."apps"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "check_results_check_id_at_idx" ON "check_results" USING btree ("check_id","at");--> statement-breakpoint
CREATE INDEX "check_results_at_idx" ON "check_results" USING btree ("at");--> statement-breakpoint
CREATE INDEX "checks_enabled_next_run_at_idx" ON "checks" USING btree ("enabled","next_run_at");--> statement-breakpoint
CREATE INDEX "checks_app_id_idx" ON "checks" USING btree ("app_id");