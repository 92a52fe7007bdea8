CREATE TABLE "apps" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"heroku_id" text NOT NULL,
	"name" text NOT NULL,
	"region" text,
	"stack" text,
	"generation" text DEFAULT 'cedar' NOT NULL,
	"web_url" text,
	"maintenance" boolean DEFAULT false NOT NULL,
	"released_at" timestamp with time zone,
	"runtime_metrics" boolean,
	"status" text DEFAULT 'active' NOT NULL,
	"gone_at" timestamp with time zone,
	"first_seen_at" timestamp with time zone NOT NULL,
	"last_synced_at" timestamp with time zone NOT NULL,
	"last_sync_error" text,
	CONSTRAINT "apps_status_check" CHECK ("apps"."status" in ('active', 'gone'))
);
--> statement-breakpoint
CREATE TABLE "dynos" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"app_id" uuid NOT NULL,
	"name" text NOT NULL,
	"heroku_id" text NOT NULL,
	"type" text NOT NULL,
	"size" text,
	"state" text NOT NULL,
	"state_changed_at" timestamp with time zone,
	"started_at" timestamp with time zone,
	"release_version" integer,
	"synced_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "formations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"app_id" uuid NOT NULL,
	"type" text NOT NULL,
	"size" text NOT NULL,
	"quantity" integer NOT NULL,
	"memory_quota_mb" real,
	"command" text,
	"updated_at" timestamp with time zone,
	"synced_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "heroku_accounts" (
	"api_url" text PRIMARY KEY NOT NULL,
	"account_id" text,
	"email" text,
	"name" text,
	"demo" boolean DEFAULT false NOT NULL,
	"checked_at" timestamp with time zone NOT NULL,
	"last_error" text,
	"last_error_id" text,
	"rate_remaining" integer,
	"rate_checked_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "progress" jsonb;--> statement-breakpoint
ALTER TABLE "dynos" ADD CONSTRAINT "dynos_app_id_apps_id_fk" FOREIGN KEY ("app_id") REFERENCES "public"."apps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "formations" ADD CONSTRAINT "formations_app_id_apps_id_fk" FOREIGN KEY ("app_id") REFERENCES "public"."apps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "apps_heroku_id_key" ON "apps" USING btree ("heroku_id");--> statement-breakpoint
CREATE INDEX "apps_name_idx" ON "apps" USING btree ("name");--> statement-breakpoint
CREATE UNIQUE INDEX "dynos_app_id_name_key" ON "dynos" USING btree ("app_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "formations_app_id_type_key" ON "formations" USING btree ("app_id","type");