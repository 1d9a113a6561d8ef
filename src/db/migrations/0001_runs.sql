CREATE TABLE "config_elements" (
	"stack_id" text,
	"context_id" text,
	"id" text NOT NULL,
	"type" text NOT NULL,
	"write_only" boolean NOT NULL,
	"value" text,
	"encrypted_value" text,
	"checksum" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "config_elements_stack_id" UNIQUE("stack_id","id"),
	CONSTRAINT "config_elements_context_id" UNIQUE("context_id","id"),
	CONSTRAINT "config_elements_one_owner" CHECK (("config_elements"."stack_id" is null) <> ("config_elements"."context_id" is null)),
	CONSTRAINT "config_elements_value_kept_once" CHECK (("config_elements"."value" is null) <> ("config_elements"."encrypted_value" is null))
);
--> statement-breakpoint
CREATE TABLE "context_attachments" (
	"id" text PRIMARY KEY NOT NULL,
	"context_id" text NOT NULL,
	"stack_id" text NOT NULL,
	"priority" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "context_attachments_once" UNIQUE("context_id","stack_id")
);
--> statement-breakpoint
CREATE TABLE "contexts" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "contexts_id_is_slug" CHECK ("contexts"."id" ~ '^[a-z0-9]+(-[a-z0-9]+)*$')
);
--> statement-breakpoint
CREATE TABLE "run_artifacts" (
	"run_id" text NOT NULL,
	"name" text NOT NULL,
	"content" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "run_artifacts_run_id_name_pk" PRIMARY KEY("run_id","name")
);
--> statement-breakpoint
CREATE TABLE "run_logs" (
	"run_id" text NOT NULL,
	"state" text NOT NULL,
	"seq" integer NOT NULL,
	"message" text NOT NULL,
	"timestamp" timestamp with time zone NOT NULL,
	CONSTRAINT "run_logs_run_id_state_seq_pk" PRIMARY KEY("run_id","state","seq")
);
--> statement-breakpoint
CREATE TABLE "run_transitions" (
	"run_id" text NOT NULL,
	"seq" integer NOT NULL,
	"state" text NOT NULL,
	"note" text,
	"username" text,
	"timestamp" timestamp with time zone NOT NULL,
	CONSTRAINT "run_transitions_run_id_seq_pk" PRIMARY KEY("run_id","seq")
);
--> statement-breakpoint
CREATE TABLE "runs" (
	"id" text PRIMARY KEY NOT NULL,
	"stack_id" text NOT NULL,
	"type" text NOT NULL,
	"state" text NOT NULL,
	"branch" text NOT NULL,
	"commit_hash" text NOT NULL,
	"commit_message" text DEFAULT '' NOT NULL,
	"commit_author_name" text DEFAULT '' NOT NULL,
	"commit_author_login" text,
	"commit_timestamp" timestamp with time zone,
	"commit_url" text DEFAULT '' NOT NULL,
	"triggered_by" text,
	"command" text,
	"delta" jsonb,
	"dedupe_key" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "runs_dedupe_key_unique" UNIQUE("dedupe_key")
);
--> statement-breakpoint
CREATE TABLE "state_credentials" (
	"run_id" text PRIMARY KEY NOT NULL,
	"stack_id" text NOT NULL,
	"secret_hash" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "state_locks" (
	"stack_id" text PRIMARY KEY NOT NULL,
	"lock_id" text NOT NULL,
	"info" jsonb NOT NULL,
	"run_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "state_versions" (
	"stack_id" text NOT NULL,
	"version" integer NOT NULL,
	"serial" integer NOT NULL,
	"lineage" text NOT NULL,
	"content" "bytea" NOT NULL,
	"run_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "state_versions_stack_id_version_pk" PRIMARY KEY("stack_id","version")
);
--> statement-breakpoint
ALTER TABLE "stacks" ADD COLUMN "readers_slug" text;--> statement-breakpoint
ALTER TABLE "stacks" ADD COLUMN "writers_slug" text;--> statement-breakpoint
ALTER TABLE "stacks" ADD COLUMN "aws_assumed_role_arn" text;--> statement-breakpoint
ALTER TABLE "config_elements" ADD CONSTRAINT "config_elements_stack_id_stacks_id_fk" FOREIGN KEY ("stack_id") REFERENCES "stacks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "config_elements" ADD CONSTRAINT "config_elements_context_id_contexts_id_fk" FOREIGN KEY ("context_id") REFERENCES "contexts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "context_attachments" ADD CONSTRAINT "context_attachments_context_id_contexts_id_fk" FOREIGN KEY ("context_id") REFERENCES "contexts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "context_attachments" ADD CONSTRAINT "context_attachments_stack_id_stacks_id_fk" FOREIGN KEY ("stack_id") REFERENCES "stacks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_artifacts" ADD CONSTRAINT "run_artifacts_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_logs" ADD CONSTRAINT "run_logs_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_transitions" ADD CONSTRAINT "run_transitions_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_stack_id_stacks_id_fk" FOREIGN KEY ("stack_id") REFERENCES "stacks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "state_credentials" ADD CONSTRAINT "state_credentials_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "state_locks" ADD CONSTRAINT "state_locks_stack_id_stacks_id_fk" FOREIGN KEY ("stack_id") REFERENCES "stacks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "state_versions" ADD CONSTRAINT "state_versions_stack_id_stacks_id_fk" FOREIGN KEY ("stack_id") REFERENCES "stacks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "runs_by_stack" ON "runs" USING btree ("stack_id","type","id");