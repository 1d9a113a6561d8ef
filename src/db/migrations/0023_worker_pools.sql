CREATE TABLE "worker_pools" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"labels" text[] DEFAULT '{}'::text[] NOT NULL,
	"space" text DEFAULT 'root' NOT NULL,
	"encrypted_token" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "workers" (
	"id" text PRIMARY KEY NOT NULL,
	"pool" text,
	"hostname" text NOT NULL,
	"pid" integer NOT NULL,
	"concurrency" integer NOT NULL,
	"busy" integer DEFAULT 0 NOT NULL,
	"drained" boolean DEFAULT false NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "workers_concurrency_positive" CHECK ("workers"."concurrency" > 0),
	CONSTRAINT "workers_busy_not_negative" CHECK ("workers"."busy" >= 0)
);
--> statement-breakpoint
ALTER TABLE "stacks" ADD COLUMN "worker_pool" text;--> statement-breakpoint
ALTER TABLE "worker_pools" ADD CONSTRAINT "worker_pools_space_spaces_id_fk" FOREIGN KEY ("space") REFERENCES "spaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workers" ADD CONSTRAINT "workers_pool_worker_pools_id_fk" FOREIGN KEY ("pool") REFERENCES "worker_pools"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "workers_by_pool" ON "workers" USING btree ("pool","seen_at");--> statement-breakpoint
ALTER TABLE "stacks" ADD CONSTRAINT "stacks_worker_pool_worker_pools_id_fk" FOREIGN KEY ("worker_pool") REFERENCES "worker_pools"("id") ON DELETE restrict ON UPDATE no action;