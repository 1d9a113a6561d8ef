import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { createdAt } from '../db/columns';
import { runs } from '../runs/tables';
import { stacks } from '../stacks/tables';

/**
 * The GitLab integration: its settings, project hooks, webhook deliveries and the feedback
 * (commit statuses, merge-request notes) posted for runs.
 * Only this folder reads and writes these tables (ARCHITECTURE.md, "Nouns"); migrations are
 * generated from every noun's tables.ts (`npm run db:generate`).
 */

/** The one GitLab server an installation is connected to; the token and secrets are sealed. */
export const gitlabIntegration = pgTable(
  'gitlab_integration',
  {
    /** Always 1: there is one GitLab per installation. */
    id: integer('id').primaryKey().default(1),
    apiHost: text('api_host').notNull(),
    encryptedToken: text('encrypted_token').notNull(),
    encryptedWebhookSecret: text('encrypted_webhook_secret').notNull(),
    oauthClientId: text('oauth_client_id'),
    encryptedOauthClientSecret: text('encrypted_oauth_client_secret'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [check('gitlab_integration_single', sql`${table.id} = 1`)],
);

/**
 * A webhook secret of one GitLab project's hook. A project with its own secret is no longer
 * accepted with the integration's shared webhook secret; only the hash is kept.
 */
export const gitlabProjectHooks = pgTable('gitlab_project_hooks', {
  /** The project's path (`group/app`), lower-cased, as stacks name it in `repository`. */
  project: text('project').primaryKey(),
  /** Deliveries are matched to their project by this hash, before their body is read. */
  secretHash: text('secret_hash').notNull().unique(),
  createdAt: createdAt(),
});

export type GitLabIntegrationRow = typeof gitlabIntegration.$inferSelect;

/**
 * Every GitLab webhook delivery Gantry accepted, with what it made of it: the runs it started,
 * or why it started none (a tag, a deleted branch, a project no stack uses).
 */
export const gitlabWebhookEvents = pgTable(
  'gitlab_webhook_events',
  {
    /** A ULID. */
    id: text('id').primaryKey(),
    /** X-Gitlab-Event-UUID, the same for every redelivery of one event. */
    eventUuid: text('event_uuid'),
    /** X-Gitlab-Event: `Push Hook`, `Tag Push Hook`, `Merge Request Hook`. */
    event: text('event').notNull(),
    project: text('project').notNull(),
    ref: text('ref'),
    commitHash: text('commit_hash'),
    mergeRequestIid: integer('merge_request_iid'),
    /** What came of it, as people read it. */
    outcome: text('outcome').notNull(),
    runIds: text('run_ids')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('gitlab_webhook_events_by_project').on(table.project, table.receivedAt)],
);

/**
 * What Gantry last told GitLab about a run — its commit status and its deployment — so a
 * repeated or late delivery posts nothing twice. A delivery claims the row (`claimedBy` until
 * `claimedUntil`) while it talks to GitLab: concurrent deliveries for one run take turns, and
 * a claim left by a worker that died expires on its own.
 */
export const gitlabRunFeedback = pgTable('gitlab_run_feedback', {
  runId: text('run_id')
    .primaryKey()
    .references(() => runs.id, { onDelete: 'cascade' }),
  /** The commit status GitLab has: pending, running, success, failed or canceled. */
  commitStatus: text('commit_status'),
  /** The deployment of a tracked run, once created, and the status GitLab has for it. */
  deploymentId: integer('deployment_id'),
  deploymentStatus: text('deployment_status'),
  claimedBy: text('claimed_by'),
  claimedUntil: timestamp('claimed_until', { withTimezone: true }),
});

/**
 * The one note a stack keeps on a merge request, edited in place as runs come; claimed like
 * `gitlab_run_feedback` so that two runs of one merge request never create two notes.
 */
export const gitlabMergeRequestNotes = pgTable(
  'gitlab_merge_request_notes',
  {
    stackId: text('stack_id')
      .notNull()
      .references(() => stacks.id, { onDelete: 'cascade' }),
    /** The project's path_with_namespace. */
    project: text('project').notNull(),
    mergeRequestIid: integer('merge_request_iid').notNull(),
    /**
     * The run the note shows: the newest that reported to the merge request. Only a newer run
     * takes the note over, whether it is linked to the merge request or only on its head.
     */
    runId: text('run_id').references(() => runs.id, { onDelete: 'set null' }),
    noteId: integer('note_id'),
    /** The body GitLab has, so an unchanged note is not edited again. */
    body: text('body'),
    claimedBy: text('claimed_by'),
    claimedUntil: timestamp('claimed_until', { withTimezone: true }),
  },
  (table) => [primaryKey({ columns: [table.stackId, table.project, table.mergeRequestIid] })],
);
