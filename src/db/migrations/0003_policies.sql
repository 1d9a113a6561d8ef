CREATE SEQUENCE "policy_versions" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "policies" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"type" text NOT NULL,
	"body" text NOT NULL,
	"labels" text[] DEFAULT '{}'::text[] NOT NULL,
	"wasm" "bytea" NOT NULL,
	"version" bigint DEFAULT nextval('policy_versions') NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "policies_id_is_slug" CHECK ("policies"."id" ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
	CONSTRAINT "policies_type_known" CHECK ("policies"."type" in ('ACCESS'))
);
--> statement-breakpoint
CREATE TABLE "policy_attachments" (
	"id" text PRIMARY KEY NOT NULL,
	"policy_id" text NOT NULL,
	"stack_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "policy_attachments_once" UNIQUE("policy_id","stack_id")
);
--> statement-breakpoint
ALTER TABLE "policy_attachments" ADD CONSTRAINT "policy_attachments_policy_id_policies_id_fk" FOREIGN KEY ("policy_id") REFERENCES "policies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policy_attachments" ADD CONSTRAINT "policy_attachments_stack_id_stacks_id_fk" FOREIGN KEY ("stack_id") REFERENCES "stacks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "policy_attachments_stack" ON "policy_attachments" USING btree ("stack_id");