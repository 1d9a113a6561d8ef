-- Every process keeps some rarely written rows cached (the GitLab integration, its project hooks,
-- Slack installations). A write to them is told to every process listening on the database by a
-- NOTIFY on gantry_changes with the table's name, sent when the writing transaction commits.
CREATE OR REPLACE FUNCTION gantry_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('gantry_changes', TG_TABLE_NAME);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER gitlab_integration_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON gitlab_integration FOR EACH STATEMENT EXECUTE FUNCTION gantry_notify_change();
--> statement-breakpoint
CREATE TRIGGER gitlab_project_hooks_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON gitlab_project_hooks FOR EACH STATEMENT EXECUTE FUNCTION gantry_notify_change();
--> statement-breakpoint
CREATE TRIGGER slack_installations_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON slack_installations FOR EACH STATEMENT EXECUTE FUNCTION gantry_notify_change();
