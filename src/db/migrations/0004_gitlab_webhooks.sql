CREATE TABLE "gitlab_webhook_events" (
	"id" text PRIMARY KEY NOT NULL,
	"event_uuid" text,
	"event" text NOT NULL,
	"project" text NOT NULL,
	"ref" text,
	"commit_hash" text,
	"merge_request_iid" integer,
	"outcome" text NOT NULL,
	"run_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "merge_request_iid" integer;--> statement-breakpoint
CREATE INDEX "gitlab_webhook_events_by_project" ON "gitlab_webhook_events" USING btree ("project","received_at");