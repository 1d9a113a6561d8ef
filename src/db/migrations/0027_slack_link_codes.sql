CREATE TABLE "slack_link_codes" (
	"code_hash" text PRIMARY KEY NOT NULL,
	"login" text NOT NULL,
	"name" text NOT NULL,
	"teams" jsonb NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
