CREATE TABLE "stacks" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"provider" text NOT NULL,
	"repository" text NOT NULL,
	"branch" text NOT NULL,
	"project_root" text,
	"labels" text[] DEFAULT '{}'::text[] NOT NULL,
	"autodeploy" boolean DEFAULT false NOT NULL,
	"administrative" boolean DEFAULT false NOT NULL,
	"manages_state_file" boolean DEFAULT true NOT NULL,
	"terraform_version" text,
	"locked_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stacks_id_is_slug" CHECK ("stacks"."id" ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
	CONSTRAINT "stacks_provider_known" CHECK ("stacks"."provider" in ('GITLAB', 'RAW_GIT'))
);
