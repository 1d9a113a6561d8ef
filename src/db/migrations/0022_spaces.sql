CREATE TABLE "spaces" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"labels" text[] DEFAULT '{}'::text[] NOT NULL,
	"parent_space_id" text,
	"inherit_entities" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "spaces_id_is_slug" CHECK ("spaces"."id" ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
	CONSTRAINT "spaces_root_alone_has_no_parent" CHECK (("spaces"."id" = 'root') = ("spaces"."parent_space_id" is null))
);
--> statement-breakpoint
INSERT INTO "spaces" ("id", "name", "parent_space_id", "inherit_entities") VALUES ('root', 'root', NULL, false), ('legacy', 'legacy', 'root', true);--> statement-breakpoint
ALTER TABLE "contexts" ADD COLUMN "space" text DEFAULT 'root' NOT NULL;--> statement-breakpoint
ALTER TABLE "policies" ADD COLUMN "space" text DEFAULT 'root' NOT NULL;--> statement-breakpoint
ALTER TABLE "stacks" ADD COLUMN "space" text DEFAULT 'root' NOT NULL;--> statement-breakpoint
ALTER TABLE "spaces" ADD CONSTRAINT "spaces_parent_space_id_spaces_id_fk" FOREIGN KEY ("parent_space_id") REFERENCES "spaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contexts" ADD CONSTRAINT "contexts_space_spaces_id_fk" FOREIGN KEY ("space") REFERENCES "spaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policies" ADD CONSTRAINT "policies_space_spaces_id_fk" FOREIGN KEY ("space") REFERENCES "spaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stacks" ADD CONSTRAINT "stacks_space_spaces_id_fk" FOREIGN KEY ("space") REFERENCES "spaces"("id") ON DELETE no action ON UPDATE no action;