import { sql } from 'drizzle-orm';
import { boolean, check, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { spaces } from '../spaces/tables';
import { workerPools } from '../workerPools/tables';
import type { Hooks } from './hooks';

/**
 * A stack: one root module of one repository's branch, and the settings of its runs.
 * Only this folder reads and writes these tables (ARCHITECTURE.md, "Nouns"); migrations are
 * generated from every noun's tables.ts (`npm run db:generate`).
 */

export const stacks = pgTable(
  'stacks',
  {
    /** A slug derived from the name at creation; never changes. */
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    description: text('description'),
    /** The space the stack is in. */
    space: text('space')
      .notNull()
      .default('root')
      .references(() => spaces.id),
    /**
     * The worker pool that runs the stack's runs; null for Gantry's own workers. A pool is not
     * deleted while a stack names it.
     */
    workerPool: text('worker_pool').references(() => workerPools.id, { onDelete: 'restrict' }),
    provider: text('provider', { enum: ['GITLAB', 'RAW_GIT'] }).notNull(),
    repository: text('repository').notNull(),
    branch: text('branch').notNull(),
    projectRoot: text('project_root'),
    labels: text('labels')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    autodeploy: boolean('autodeploy').notNull().default(false),
    /**
     * A glob of tag names (`v*`): a GitLab stack runs a tracked run at each tag pushed that
     * matches it, besides its branch's pushes. Null: tags start nothing.
     */
    trackTags: text('track_tags'),
    administrative: boolean('administrative').notNull().default(false),
    managesStateFile: boolean('manages_state_file').notNull().default(true),
    terraformVersion: text('terraform_version'),
    readersSlug: text('readers_slug'),
    writersSlug: text('writers_slug'),
    awsAssumedRoleArn: text('aws_assumed_role_arn'),
    /** Who locked the stack for their exclusive use; the lock never expires. */
    lockedBy: text('locked_by'),
    /** What the person said when they locked it. */
    lockNote: text('lock_note'),
    /**
     * The commit runs without a commit of their own take: set by a person
     * (stackSetCurrentCommit, stackSyncCommit) or the last push to the branch; none until then.
     */
    trackedCommit: jsonb('tracked_commit').$type<TrackedCommit>(),
    /** Who set the tracked commit; null when a push did. */
    trackedCommitSetBy: text('tracked_commit_set_by'),
    /** Commands run before and after each phase of the stack's runs (./hooks). */
    hooks: jsonb('hooks')
      .$type<Partial<Hooks>>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    /** A disabled stack starts no runs (stackDisable). */
    isDisabled: boolean('is_disabled').notNull().default(false),
    /** stackDelete refuses the stack while this is set. */
    protectFromDeletion: boolean('protect_from_deletion').notNull().default(false),
    /**
     * For a stack given in Spacelift's GIT form: the repository's name, with `repository`
     * holding its clone URL. The API answers the name as the repository and GIT as the provider.
     */
    repositoryName: text('repository_name'),
    /** A GIT stack's free-form namespace, as given. */
    namespace: text('namespace'),
    /** Settings Spacelift's clients send for features Gantry does not have, kept as given. */
    clientSettings: jsonb('client_settings').$type<ClientSettings>().notNull().default({}),
    /**
     * The stack is being deleted with its resources (stackDelete with destroyResources): its
     * destroy run is under way, and it starts no other runs.
     */
    deleting: boolean('deleting').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    check('stacks_id_is_slug', sql`${table.id} ~ '^[a-z0-9]+(-[a-z0-9]+)*$'`),
    check('stacks_provider_known', sql`${table.provider} in ('GITLAB', 'RAW_GIT')`),
  ],
);

/**
 * What Gantry keeps of StackInput's settings for Spacelift features it lacks, to answer them
 * as given; nothing acts on them. `vendor` is the block the tool was set in (terraform or
 * opentofu: both run OpenTofu).
 */
export interface ClientSettings {
  autoretry?: boolean;
  githubActionDeploy?: boolean;
  localPreviewEnabled?: boolean;
  enableWellKnownSecretMasking?: boolean;
  enableSensitiveOutputUpload?: boolean;
  additionalProjectGlobs?: string[];
  gitSparseCheckoutPaths?: string[];
  vendor?: 'terraform' | 'opentofu';
  useSmartSanitization?: boolean;
  concise?: boolean;
}

export type Stack = typeof stacks.$inferSelect;

/** A commit as the stack keeps it; the timestamp as ISO 8601. */
export interface TrackedCommit {
  hash: string;
  message: string;
  authorName: string;
  authorLogin?: string;
  timestamp: string;
  url: string;
}

export type NewStack = typeof stacks.$inferInsert;
