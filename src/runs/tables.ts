import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';
import { bytea, createdAt } from '../db/columns';
import { stacks } from '../stacks/tables';
import type { RunRuntimeConfig } from './runtimeYaml';
import type { Delta, RunState, RunType } from './types';

/**
 * Runs, their history of states, their logs and the artifacts one phase leaves for the next.
 * Only this folder reads and writes these tables (ARCHITECTURE.md, "Nouns"); migrations are
 * generated from every noun's tables.ts (`npm run db:generate`).
 */

export const runs = pgTable(
  'runs',
  {
    /** A ULID: runs sort by id in the order they were created. */
    id: text('id').primaryKey(),
    stackId: text('stack_id')
      .notNull()
      .references(() => stacks.id, { onDelete: 'cascade' }),
    type: text('type').$type<RunType>().notNull(),
    state: text('state').$type<RunState>().notNull(),
    branch: text('branch').notNull(),
    /**
     * `branch` names a tag: the run was started by a push of that tag (the stack's trackTags),
     * and GitLab is told of the tag as its ref.
     */
    isTag: boolean('is_tag').notNull().default(false),
    commitHash: text('commit_hash').notNull(),
    commitMessage: text('commit_message').notNull().default(''),
    commitAuthorName: text('commit_author_name').notNull().default(''),
    commitAuthorLogin: text('commit_author_login'),
    commitTimestamp: timestamp('commit_timestamp', { withTimezone: true }),
    commitUrl: text('commit_url').notNull().default(''),
    triggeredBy: text('triggered_by'),
    /** The command of a task. */
    command: text('command'),
    /** A task that runs its command without `tofu init` first (taskCreate's skipInitialization). */
    skipInitialization: boolean('skip_initialization').notNull().default(false),
    /** The run's own hooks and environment (runTrigger's runtimeConfig); kept by a retry. */
    runtimeConfig: jsonb('runtime_config').$type<RunRuntimeConfig>(),
    /** A prioritized run goes first in its stack's queue (runPrioritizeSet). */
    isPrioritized: boolean('is_prioritized').notNull().default(false),
    /**
     * The resource addresses the run's latest plan was limited to (runTargetedReplan, each a
     * `-target`); null for a plan of everything.
     */
    replanTargets: text('replan_targets').array(),
    /**
     * A run that destroys the stack's resources (stackDelete with destroyResources): it plans
     * with `-destroy`, applies without waiting for a person, and once it finishes the stack is
     * deleted.
     */
    destroy: boolean('destroy').notNull().default(false),
    /**
     * The worker pool the stack named when the run was created; its workers run the run's
     * phases. None: the public pool. Kept as it was, so no reference to the pool.
     */
    workerPool: text('worker_pool'),
    delta: jsonb('delta').$type<Delta>(),
    /** Set for runs made from outside events, so a redelivered event makes no second run. */
    dedupeKey: text('dedupe_key').unique(),
    /** The GitLab merge request (its iid in the stack's project) a proposed run reports to. */
    mergeRequestIid: integer('merge_request_iid'),
    /**
     * Whether the run's workflow has been started (or is being started). A run stored while
     * Temporal could not be reached waits with false until the reconciler starts it; until
     * then only the database knows it, and canceling it is a database change.
     */
    workflowStarted: boolean('workflow_started').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index('runs_by_stack').on(table.stackId, table.type, table.id),
    index('runs_unstarted')
      .on(table.id)
      .where(sql`${table.workflowStarted} = false`),
  ],
);

/** Run.history: one row per state the run entered, numbered in order. */
export const runTransitions = pgTable(
  'run_transitions',
  {
    runId: text('run_id')
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    state: text('state').$type<RunState>().notNull(),
    note: text('note'),
    username: text('username'),
    timestamp: timestamp('timestamp', { withTimezone: true }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.runId, table.seq] })],
);

/**
 * Log lines of a run, per visit to a state, numbered from 1; stored as they are written. A run
 * visits PLANNING again when it is replanned: each visit has its own log.
 */
export const runLogs = pgTable(
  'run_logs',
  {
    runId: text('run_id')
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    state: text('state').$type<RunState>().notNull(),
    /** How many times the run was in the state before this visit (RunStateTransition.stateVersion). */
    stateVersion: integer('state_version').notNull().default(0),
    seq: integer('seq').notNull(),
    message: text('message').notNull(),
    timestamp: timestamp('timestamp', { withTimezone: true }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.runId, table.state, table.stateVersion, table.seq] })],
);

/** What one phase of a run hands to the next, which may run on another worker (the plan). */
export const runArtifacts = pgTable(
  'run_artifacts',
  {
    runId: text('run_id')
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    content: bytea('content').notNull(),
    createdAt: createdAt(),
  },
  (table) => [primaryKey({ columns: [table.runId, table.name] })],
);

/**
 * A person's review of a run (runReview): approve or reject, with a note. Gantry has no
 * approval policies yet, so a review is recorded and shown, and decides nothing.
 */
export const runReviews = pgTable('run_reviews', {
  id: text('id').primaryKey(),
  runId: text('run_id')
    .notNull()
    .references(() => runs.id, { onDelete: 'cascade' }),
  decision: text('decision', { enum: ['APPROVE', 'REJECT'] }).notNull(),
  note: text('note'),
  username: text('username').notNull(),
  createdAt: createdAt(),
});

export type RunReview = typeof runReviews.$inferSelect;

export type Run = typeof runs.$inferSelect;

export type RunTransition = typeof runTransitions.$inferSelect;
