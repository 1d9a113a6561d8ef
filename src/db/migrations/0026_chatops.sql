CREATE TABLE "slack_identities" (
	"team_id" text NOT NULL,
	"user_id" text NOT NULL,
	"login" text NOT NULL,
	"name" text NOT NULL,
	"teams" jsonb NOT NULL,
	"linked_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "slack_identities_team_id_user_id_pk" PRIMARY KEY("team_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "gitlab_merge_request_notes" ADD COLUMN "run_id" text;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "is_tag" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "slack_run_messages" ADD COLUMN "posted_in" text;--> statement-breakpoint
ALTER TABLE "slack_subscriptions" ADD COLUMN "events" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "slack_subscriptions" ADD COLUMN "only_failures" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "slack_subscriptions" ADD COLUMN "branches" text DEFAULT 'all' NOT NULL;--> statement-breakpoint
ALTER TABLE "slack_subscriptions" ADD COLUMN "types" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "stacks" ADD COLUMN "track_tags" text;--> statement-breakpoint
ALTER TABLE "slack_identities" ADD CONSTRAINT "slack_identities_team_id_slack_installations_team_id_fk" FOREIGN KEY ("team_id") REFERENCES "slack_installations"("team_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gitlab_merge_request_notes" ADD CONSTRAINT "gitlab_merge_request_notes_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE set null ON UPDATE no action;