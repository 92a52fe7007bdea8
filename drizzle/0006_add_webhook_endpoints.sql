CREATE TABLE "webhook_endpoints" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"preset" text NOT NULL,
	"url_ciphertext" text NOT NULL,
	"url_hint" text NOT NULL,
	"secret_ciphertext" text,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_delivery_at" timestamp with time zone,
	"last_status" text,
	CONSTRAINT "webhook_endpoints_preset_check" CHECK ("webhook_endpoints"."preset" in ('generic', 'slack'))
);
