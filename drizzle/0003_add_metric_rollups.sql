CREATE TABLE "metric_rollups" (
	"app_id" uuid NOT NULL,
	"dyno" text NOT NULL,
	"dyno_type" text NOT NULL,
	"step_seconds" integer NOT NULL,
	"bucket" timestamp with time zone NOT NULL,
	"memory_rss_max" real,
	"memory_swap_max" real,
	"memory_quota_max" real,
	"load_1m_max" real,
	CONSTRAINT "metric_rollups_pkey" PRIMARY KEY("app_id","dyno","step_seconds","bucket")
);
--> statement-breakpoint
ALTER TABLE "metric_rollups" ADD CONSTRAINT "metric_rollups_app_id_apps_id_fk" FOREIGN KEY ("app_id") REFERENCES "public"."apps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "metric_rollups_app_id_step_seconds_bucket_idx" ON "metric_rollups" USING btree ("app_id","step_seconds","bucket");--> statement-breakpoint
CREATE INDEX "metric_rollups_bucket_idx" ON "metric_rollups" USING btree ("bucket");--> statement-breakpoint
-- Backfill: samples stored before this migration, rolled up the way upsertSamples (lib/ingest/write-batch.ts) does.
INSERT INTO "metric_rollups" ("app_id", "dyno", "dyno_type", "step_seconds", "bucket", "memory_rss_max", "memory_swap_max", "memory_quota_max", "load_1m_max")
SELECT "app_id", "dyno", min("dyno_type"), "step", to_timestamp(floor(extract(epoch FROM "ts") / "step") * "step") AS "bucket",
	max("memory_rss_mb"), max("memory_swap_mb") FILTER (WHERE "memory_rss_mb" IS NOT NULL),
	max("memory_quota_mb") FILTER (WHERE "memory_rss_mb" IS NOT NULL), max("load_1m")
FROM "metric_samples" CROSS JOIN (VALUES (300), (3600)) AS "steps"("step")
GROUP BY "app_id", "dyno", "step", "bucket";
