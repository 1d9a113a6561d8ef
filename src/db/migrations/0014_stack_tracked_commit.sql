ALTER TABLE "stacks" ADD COLUMN "tracked_commit" jsonb;--> statement-breakpoint
ALTER TABLE "stacks" ADD COLUMN "tracked_commit_set_by" text;