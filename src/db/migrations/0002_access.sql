CREATE TABLE "api_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"secret_hash" text NOT NULL,
	"admin" boolean NOT NULL,
	"teams" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "gitlab_integration" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"api_host" text NOT NULL,
	"encrypted_token" text NOT NULL,
	"encrypted_webhook_secret" text NOT NULL,
	"oauth_client_id" text,
	"encrypted_oauth_client_secret" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "gitlab_integration_single" CHECK ("gitlab_integration"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE "state_uploads" (
	"id" text PRIMARY KEY NOT NULL,
	"content" "bytea",
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "user_logins" (
	"username" text PRIMARY KEY NOT NULL,
	"last_login_at" timestamp with time zone NOT NULL,
	"encrypted_gitlab_token" text
);
