-- Tasks whose command succeeded now end FINISHED, PERFORMED recorded just before. Tasks that
-- ended PERFORMED before are moved on the same way, so every task that succeeded ends FINISHED.
INSERT INTO "run_transitions" ("run_id", "seq", "state", "note", "username", "timestamp")
SELECT "runs"."id", last."seq" + 1, 'FINISHED', NULL, NULL, last."timestamp"
FROM "runs"
JOIN LATERAL (
  SELECT "seq", "timestamp" FROM "run_transitions"
  WHERE "run_transitions"."run_id" = "runs"."id"
  ORDER BY "seq" DESC LIMIT 1
) last ON true
WHERE "runs"."state" = 'PERFORMED';--> statement-breakpoint
UPDATE "runs" SET "state" = 'FINISHED' WHERE "state" = 'PERFORMED';
