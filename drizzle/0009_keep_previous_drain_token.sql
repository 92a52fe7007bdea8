ALTER TABLE "drains" ADD COLUMN "previous_token_hash" text;--> statement-breakpoint
ALTER TABLE "drains" ADD COLUMN "previous_token_expires_at" timestamp with time zone;