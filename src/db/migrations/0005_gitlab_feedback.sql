CREATE TABLE "gitlab_merge_request_notes" (
	"stack_id" text NOT NULL,
	"project" text NOT NULL,
	"merge_request_iid" integer NOT NULL,
	"note_id" integer,
	"body" text,
	"claimed_by" text,
	"claimed_until" timestamp with time zone,
	CONSTRAINT "gitlab_merge_request_notes_stack_id_project_merge_request_iid_pk" PRIMARY KEY("stack_id","project","merge_request_iid")
);
--> statement-breakpoint
CREATE TABLE "gitlab_run_feedback" (
	"run_id" text PRIMARY KEY NOT NULL,
	"commit_status" text,
	"deployment_id" integer,
	"deployment_status" text,
	"claimed_by" text,
	"claimed_until" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "gitlab_merge_request_notes" ADD CONSTRAINT "gitlab_merge_request_notes_stack_id_stacks_id_fk" FOREIGN KEY ("stack_id") REFERENCES "stacks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gitlab_run_feedback" ADD CONSTRAINT "gitlab_run_feedback_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE cascade ON UPDATE no action;