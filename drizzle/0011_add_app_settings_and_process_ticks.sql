CREATE TABLE "process_ticks" (
	"process_id" text PRIMARY KEY NOT NULL,
	"role" text NOT NULL,
	"host" text NOT NULL,
	"pid" integer,
	"started_at" timestamp with time zone NOT NULL,
	"last_tick_at" timestamp with time zone NOT NULL,
	"last_tick_jobs" integer DEFAULT 0 NOT NULL,
	"last_heartbeat_at" timestamp with time zone,
	"last_heartbeat_error" text
);
--> statement-breakpoint
CREATE TABLE "app_settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
