ALTER TABLE "config_elements" ADD COLUMN "description" text;--> statement-breakpoint
ALTER TABLE "policies" ADD COLUMN "engine_type" text;--> statement-breakpoint
ALTER TABLE "stacks" ADD COLUMN "protect_from_deletion" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "stacks" ADD COLUMN "repository_name" text;--> statement-breakpoint
ALTER TABLE "stacks" ADD COLUMN "namespace" text;--> statement-breakpoint
ALTER TABLE "stacks" ADD COLUMN "client_settings" jsonb DEFAULT '{}'::jsonb NOT NULL;