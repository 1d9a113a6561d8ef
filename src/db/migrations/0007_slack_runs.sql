CREATE TABLE "slack_run_messages" (
	"run_id" text NOT NULL,
	"team_id" text NOT NULL,
	"channel_id" text NOT NULL,
	"ts" text,
	"state" text,
	"claimed_by" text,
	"claimed_until" timestamp with time zone,
	CONSTRAINT "slack_run_messages_run_id_team_id_channel_id_pk" PRIMARY KEY("run_id","team_id","channel_id")
);
--> statement-breakpoint
CREATE TABLE "slack_subscriptions" (
	"id" text PRIMARY KEY NOT NULL,
	"stack_id" text NOT NULL,
	"team_id" text NOT NULL,
	"channel_id" text NOT NULL,
	"channel_name" text NOT NULL,
	"subscribed_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "slack_subscriptions_once" UNIQUE("stack_id","team_id","channel_id")
);
--> statement-breakpoint
ALTER TABLE "slack_run_messages" ADD CONSTRAINT "slack_run_messages_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "slack_subscriptions" ADD CONSTRAINT "slack_subscriptions_stack_id_stacks_id_fk" FOREIGN KEY ("stack_id") REFERENCES "stacks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "slack_subscriptions" ADD CONSTRAINT "slack_subscriptions_team_id_slack_installations_team_id_fk" FOREIGN KEY ("team_id") REFERENCES "slack_installations"("team_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "slack_subscriptions_by_stack" ON "slack_subscriptions" USING btree ("stack_id");