import { and, asc, eq } from 'drizzle-orm';
import type { Database } from '../db';
import { withClaim } from '../db/lease';
import * as tables from './tables';
import type { GitLabIntegrationRow } from './tables';

export type { GitLabIntegrationRow } from './tables';

/**
 * The GitLab integration's reads and writes: its settings and project hooks (./integration.ts),
 * the hooks' secrets a delivery is matched by and the deliveries it records (./webhook/), and
 * what the feedback last told GitLab of a run (./feedback.ts).
 */

/** A project hook's own webhook secret, by the hash kept of it. */
export type GitLabProjectHookRow = typeof tables.gitlabProjectHooks.$inferSelect;

/** What GitLab was last told about a run: its commit status and its deployment. */
export type GitLabRunFeedbackRow = typeof tables.gitlabRunFeedback.$inferSelect;

/** The stack's note on a merge request, as GitLab was last told it. */
type GitLabMergeRequestNoteRow = typeof tables.gitlabMergeRequestNotes.$inferSelect;

/** Reads the integration's settings row; undefined while GitLab is not set up. */
export async function integrationSettings(db: Database): Promise<GitLabIntegrationRow | undefined> {
  const [row] = await db.select().from(tables.gitlabIntegration);
  return row;
}

/** Writes the integration's settings row, creating it or replacing the one there is. */
export async function saveIntegrationSettings(
  db: Database,
  values: typeof tables.gitlabIntegration.$inferInsert,
): Promise<GitLabIntegrationRow> {
  const [row] = await db
    .insert(tables.gitlabIntegration)
    .values(values)
    .onConflictDoUpdate({ target: tables.gitlabIntegration.id, set: values })
    .returning();
  return row!;
}

/** Deletes the integration's settings row, returning it; undefined if there was none. */
export async function removeIntegrationSettings(
  db: Database,
): Promise<GitLabIntegrationRow | undefined> {
  const [row] = await db.delete(tables.gitlabIntegration).returning();
  return row;
}

/** Writes a project hook's secret hash, replacing the project's last one. */
export async function saveProjectHook(
  db: Database,
  values: typeof tables.gitlabProjectHooks.$inferInsert,
): Promise<GitLabProjectHookRow> {
  const [row] = await db
    .insert(tables.gitlabProjectHooks)
    .values(values)
    .onConflictDoUpdate({ target: tables.gitlabProjectHooks.project, set: values })
    .returning();
  return row!;
}

/** Reads every project hook, by project. */
export async function projectHooks(db: Database): Promise<GitLabProjectHookRow[]> {
  return db
    .select()
    .from(tables.gitlabProjectHooks)
    .orderBy(asc(tables.gitlabProjectHooks.project));
}

/** A webhook delivery and what came of it, as recorded. */
export type NewWebhookEvent = typeof tables.gitlabWebhookEvents.$inferInsert;

/** Writes webhook deliveries and what came of them, in one statement. */
export async function recordWebhookEvents(db: Database, events: NewWebhookEvent[]): Promise<void> {
  await db.insert(tables.gitlabWebhookEvents).values(events);
}

/**
 * Runs `work` while holding the run's gitlab_run_feedback row (see withClaim), writing the row
 * first if the run has none yet.
 */
export async function withRunFeedbackClaimed<T>(
  db: Database,
  runId: string,
  work: () => Promise<T>,
): Promise<T> {
  await db.insert(tables.gitlabRunFeedback).values({ runId }).onConflictDoNothing();
  return withClaim(
    db,
    tables.gitlabRunFeedback,
    eq(tables.gitlabRunFeedback.runId, runId),
    `the GitLab status of run "${runId}"`,
    work,
  );
}

/** Reads what GitLab was last told about the run; undefined if the run has no row. */
export async function runFeedback(
  db: Database,
  runId: string,
): Promise<GitLabRunFeedbackRow | undefined> {
  const [posted] = await db
    .select()
    .from(tables.gitlabRunFeedback)
    .where(eq(tables.gitlabRunFeedback.runId, runId));
  return posted;
}

/** Writes the commit status GitLab now has for the run. */
export async function recordCommitStatus(
  db: Database,
  runId: string,
  commitStatus: string,
): Promise<void> {
  await db
    .update(tables.gitlabRunFeedback)
    .set({ commitStatus })
    .where(eq(tables.gitlabRunFeedback.runId, runId));
}

/** Writes the run's deployment and the status GitLab now has for it. */
export async function recordDeployment(
  db: Database,
  runId: string,
  deploymentId: number,
  deploymentStatus: string,
): Promise<void> {
  await db
    .update(tables.gitlabRunFeedback)
    .set({ deploymentId, deploymentStatus })
    .where(eq(tables.gitlabRunFeedback.runId, runId));
}

/** Which note: a stack's one note on one merge request. */
export interface MergeRequestNoteKey {
  stackId: string;
  project: string;
  mergeRequestIid: number;
}

function noteKey({ stackId, project, mergeRequestIid }: MergeRequestNoteKey) {
  const notes = tables.gitlabMergeRequestNotes;
  return and(
    eq(notes.stackId, stackId),
    eq(notes.project, project),
    eq(notes.mergeRequestIid, mergeRequestIid),
  )!;
}

/**
 * Runs `work` while holding the stack's gitlab_merge_request_notes row for the merge request
 * (see withClaim), writing the row first if there is none yet.
 */
export async function withMergeRequestNoteClaimed<T>(
  db: Database,
  note: MergeRequestNoteKey,
  work: () => Promise<T>,
): Promise<T> {
  const { stackId, project, mergeRequestIid } = note;
  const notes = tables.gitlabMergeRequestNotes;
  await db.insert(notes).values({ stackId, project, mergeRequestIid }).onConflictDoNothing();
  return withClaim(
    db,
    notes,
    noteKey(note),
    `the note of stack "${stackId}" on merge request !${mergeRequestIid}`,
    work,
  );
}

/** Reads the stack's note on the merge request as GitLab was last told it; undefined for none. */
export async function mergeRequestNote(
  db: Database,
  note: MergeRequestNoteKey,
): Promise<GitLabMergeRequestNoteRow | undefined> {
  const [posted] = await db.select().from(tables.gitlabMergeRequestNotes).where(noteKey(note));
  return posted;
}

/**
 * Writes the stack's note on the merge request: its id, the body GitLab now has and the run
 * it shows.
 */
export async function recordMergeRequestNote(
  db: Database,
  note: MergeRequestNoteKey,
  posted: { noteId: number; body: string; runId: string },
): Promise<void> {
  await db.update(tables.gitlabMergeRequestNotes).set(posted).where(noteKey(note));
}
