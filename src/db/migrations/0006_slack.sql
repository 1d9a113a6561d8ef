CREATE TABLE "slack_installations" (
	"team_id" text PRIMARY KEY NOT NULL,
	"team_name" text,
	"enterprise_id" text,
	"app_id" text,
	"bot_user_id" text NOT NULL,
	"installed_by" text NOT NULL,
	"encrypted_installation" text NOT NULL,
	"installed_at" timestamp with time zone DEFAULT now() NOT NULL
);
