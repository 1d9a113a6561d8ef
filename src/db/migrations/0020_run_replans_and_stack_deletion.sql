ALTER TABLE "run_logs" ADD COLUMN "state_version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "run_logs" DROP CONSTRAINT "run_logs_run_id_state_seq_pk";--> statement-breakpoint
ALTER TABLE "run_logs" ADD CONSTRAINT "run_logs_run_id_state_state_version_seq_pk" PRIMARY KEY("run_id","state","state_version","seq");--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "replan_targets" text[];--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "destroy" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "stacks" ADD COLUMN "deleting" boolean DEFAULT false NOT NULL;
