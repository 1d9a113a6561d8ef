ALTER TABLE "contexts" ADD COLUMN "labels" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "contexts" ADD COLUMN "hooks" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "runtime_config" jsonb;--> statement-breakpoint
ALTER TABLE "stacks" ADD COLUMN "hooks" jsonb DEFAULT '{}'::jsonb NOT NULL;