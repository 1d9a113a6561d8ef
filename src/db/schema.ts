import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  customType,
  index,
  integer,
  jsonb,
  pgSequence,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
} from 'drizzle-orm/pg-core';
import type { Delta, RunState, RunType } from '../runs/types';

// node-postgres reads bytea as a Buffer, PGlite as a Uint8Array: both become Buffers.
const bytea = customType<{ data: Buffer; driverData: Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => Buffer.from(value),
});
const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

/**
 * The storage's source of truth: tables are declared here, migrations are generated from this
 * file (`npm run db:generate`) and row types are inferred from it.
 */

export const stacks = pgTable(
  'stacks',
  {
    /** A slug derived from the name at creation; never changes. */
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    description: text('description'),
    provider: text('provider', { enum: ['GITLAB', 'RAW_GIT'] }).notNull(),
    repository: text('repository').notNull(),
    branch: text('branch').notNull(),
    projectRoot: text('project_root'),
    labels: text('labels')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    autodeploy: boolean('autodeploy').notNull().default(false),
    administrative: boolean('administrative').notNull().default(false),
    managesStateFile: boolean('manages_state_file').notNull().default(true),
    terraformVersion: text('terraform_version'),
    readersSlug: text('readers_slug'),
    writersSlug: text('writers_slug'),
    awsAssumedRoleArn: text('aws_assumed_role_arn'),
    /** Who locked the stack for their exclusive use; the lock never expires. */
    lockedBy: text('locked_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    check('stacks_id_is_slug', sql`${table.id} ~ '^[a-z0-9]+(-[a-z0-9]+)*$'`),
    check('stacks_provider_known', sql`${table.provider} in ('GITLAB', 'RAW_GIT')`),
  ],
);

export type Stack = typeof stacks.$inferSelect;
export type NewStack = typeof stacks.$inferInsert;

export const contexts = pgTable(
  'contexts',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    description: text('description'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [check('contexts_id_is_slug', sql`${table.id} ~ '^[a-z0-9]+(-[a-z0-9]+)*$'`)],
);

/** A context attached to a stack; of two contexts setting one element, the lower priority wins. */
export const contextAttachments = pgTable(
  'context_attachments',
  {
    id: text('id').primaryKey(),
    contextId: text('context_id')
      .notNull()
      .references(() => contexts.id, { onDelete: 'cascade' }),
    stackId: text('stack_id')
      .notNull()
      .references(() => stacks.id, { onDelete: 'cascade' }),
    priority: integer('priority').notNull(),
    createdAt: createdAt(),
  },
  (table) => [unique('context_attachments_once').on(table.contextId, table.stackId)],
);

/**
 * An environment variable or file mount of a stack or a context (exactly one owns it). A
 * write-only value is kept only encrypted; the others are kept as given.
 */
export const configElements = pgTable(
  'config_elements',
  {
    stackId: text('stack_id').references(() => stacks.id, { onDelete: 'cascade' }),
    contextId: text('context_id').references(() => contexts.id, { onDelete: 'cascade' }),
    /** The variable's name, or the file mount's path relative to the workspace. */
    id: text('id').notNull(),
    type: text('type', { enum: ['ENVIRONMENT_VARIABLE', 'FILE_MOUNT'] }).notNull(),
    writeOnly: boolean('write_only').notNull(),
    value: text('value'),
    encryptedValue: text('encrypted_value'),
    /** SHA-256 of the value, hex. */
    checksum: text('checksum').notNull(),
    createdAt: createdAt(),
  },
  (table) => [
    check(
      'config_elements_one_owner',
      sql`(${table.stackId} is null) <> (${table.contextId} is null)`,
    ),
    check(
      'config_elements_value_kept_once',
      sql`(${table.value} is null) <> (${table.encryptedValue} is null)`,
    ),
    unique('config_elements_stack_id').on(table.stackId, table.id),
    unique('config_elements_context_id').on(table.contextId, table.id),
  ],
);

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
    commitHash: text('commit_hash').notNull(),
    commitMessage: text('commit_message').notNull().default(''),
    commitAuthorName: text('commit_author_name').notNull().default(''),
    commitAuthorLogin: text('commit_author_login'),
    commitTimestamp: timestamp('commit_timestamp', { withTimezone: true }),
    commitUrl: text('commit_url').notNull().default(''),
    triggeredBy: text('triggered_by'),
    /** The command of a task. */
    command: text('command'),
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

/** Log lines of a run, per state, numbered from 1; stored as they are written. */
export const runLogs = pgTable(
  'run_logs',
  {
    runId: text('run_id')
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    state: text('state').$type<RunState>().notNull(),
    seq: integer('seq').notNull(),
    message: text('message').notNull(),
    timestamp: timestamp('timestamp', { withTimezone: true }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.runId, table.state, table.seq] })],
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

/** Every version of a managed stack's state file, newest with the highest serial. */
export const stateVersions = pgTable(
  'state_versions',
  {
    stackId: text('stack_id')
      .notNull()
      .references(() => stacks.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    serial: integer('serial').notNull(),
    lineage: text('lineage').notNull(),
    content: bytea('content').notNull(),
    runId: text('run_id'),
    createdAt: createdAt(),
  },
  (table) => [primaryKey({ columns: [table.stackId, table.version] })],
);

/** The state lock of a managed stack, as OpenTofu's http backend takes it. */
export const stateLocks = pgTable('state_locks', {
  stackId: text('stack_id')
    .primaryKey()
    .references(() => stacks.id, { onDelete: 'cascade' }),
  lockId: text('lock_id').notNull(),
  info: jsonb('info').notNull(),
  runId: text('run_id'),
  createdAt: createdAt(),
});

/** Short-lived credentials a run's OpenTofu uses for the state backend; only a hash is kept. */
export const stateCredentials = pgTable('state_credentials', {
  runId: text('run_id')
    .primaryKey()
    .references(() => runs.id, { onDelete: 'cascade' }),
  stackId: text('stack_id').notNull(),
  secretHash: text('secret_hash').notNull(),
  /** Proposed runs only read the state: they may not write, lock or unlock it. */
  readOnly: boolean('read_only').notNull().default(false),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
});

export type Context = typeof contexts.$inferSelect;
export type ConfigElementRow = typeof configElements.$inferSelect;
export type Run = typeof runs.$inferSelect;
export type RunTransition = typeof runTransitions.$inferSelect;

/** API keys: the secret is shown once, at creation; only its hash is kept. */
export const apiKeys = pgTable('api_keys', {
  /** A ULID. */
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  secretHash: text('secret_hash').notNull(),
  admin: boolean('admin').notNull(),
  teams: text('teams')
    .array()
    .notNull()
    .default(sql`'{}'::text[]`),
  createdBy: text('created_by').notNull(),
  createdAt: createdAt(),
  lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
});

/** The last time each user exchanged a credential for a JWT (Query.usage). */
export const userLogins = pgTable('user_logins', {
  username: text('username').primaryKey(),
  lastLoginAt: timestamp('last_login_at', { withTimezone: true }).notNull(),
  /** The GitLab token a GitLab user last logged in with, sealed, for oauthRefresh. */
  encryptedGitlabToken: text('encrypted_gitlab_token'),
});

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

/** A state file uploaded to a pre-signed URL, waiting for stackCreate to import it. */
export const stateUploads = pgTable('state_uploads', {
  id: text('id').primaryKey(),
  content: bytea('content'),
  createdAt: createdAt(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
});

export type ApiKey = typeof apiKeys.$inferSelect;
export type GitLabIntegrationRow = typeof gitlabIntegration.$inferSelect;

/**
 * Versions of policies, from one sequence: a policy deleted and made again under the same
 * name gets a version no process has compiled before.
 */
export const policyVersions = pgSequence('policy_versions');

/**
 * A stack access policy: Rego in `package spacelift`, kept with the WebAssembly it compiled
 * to. `version` is new with every change, so every process can tell a stale compiled copy.
 */
export const policies = pgTable(
  'policies',
  {
    /** A slug derived from the name at creation; never changes. */
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    description: text('description'),
    type: text('type', { enum: ['ACCESS'] }).notNull(),
    body: text('body').notNull(),
    labels: text('labels')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** `opa build -t wasm` of the body, entrypoint `spacelift`. */
    wasm: bytea('wasm').notNull(),
    version: bigint('version', { mode: 'number' })
      .notNull()
      .default(sql`nextval('policy_versions')`),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    check('policies_id_is_slug', sql`${table.id} ~ '^[a-z0-9]+(-[a-z0-9]+)*$'`),
    check('policies_type_known', sql`${table.type} in ('ACCESS')`),
  ],
);

/** A policy attached to a stack: every attached policy has its say in each decision. */
export const policyAttachments = pgTable(
  'policy_attachments',
  {
    /** A ULID. */
    id: text('id').primaryKey(),
    policyId: text('policy_id')
      .notNull()
      .references(() => policies.id, { onDelete: 'cascade' }),
    stackId: text('stack_id')
      .notNull()
      .references(() => stacks.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (table) => [
    unique('policy_attachments_once').on(table.policyId, table.stackId),
    index('policy_attachments_stack').on(table.stackId),
  ],
);

export type Policy = typeof policies.$inferSelect;
export type PolicyAttachment = typeof policyAttachments.$inferSelect;

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
    noteId: integer('note_id'),
    /** The body GitLab has, so an unchanged note is not edited again. */
    body: text('body'),
    claimedBy: text('claimed_by'),
    claimedUntil: timestamp('claimed_until', { withTimezone: true }),
  },
  (table) => [primaryKey({ columns: [table.stackId, table.project, table.mergeRequestIid] })],
);

/**
 * The Slack workspaces the Gantry app is installed in, one row per workspace. The installation
 * @slack/oauth builds, bot token included, is kept only sealed; the columns beside it are what
 * admins see and what events are matched by.
 */
export const slackInstallations = pgTable('slack_installations', {
  teamId: text('team_id').primaryKey(),
  teamName: text('team_name'),
  enterpriseId: text('enterprise_id'),
  appId: text('app_id'),
  botUserId: text('bot_user_id').notNull(),
  /** Slack user ID of the person who installed the app. */
  installedBy: text('installed_by').notNull(),
  /** The whole installation as JSON, sealed with the SecretBox. */
  encryptedInstallation: text('encrypted_installation').notNull(),
  installedAt: timestamp('installed_at', { withTimezone: true }).notNull().defaultNow(),
});

export type SlackInstallationRow = typeof slackInstallations.$inferSelect;

/** A Slack channel told about every run of a stack (`/gantry subscribe <stackId>`). */
export const slackSubscriptions = pgTable(
  'slack_subscriptions',
  {
    /** A ULID. */
    id: text('id').primaryKey(),
    stackId: text('stack_id')
      .notNull()
      .references(() => stacks.id, { onDelete: 'cascade' }),
    teamId: text('team_id')
      .notNull()
      .references(() => slackInstallations.teamId, { onDelete: 'cascade' }),
    channelId: text('channel_id').notNull(),
    channelName: text('channel_name').notNull(),
    /** Slack user ID of who subscribed the channel. */
    subscribedBy: text('subscribed_by').notNull(),
    createdAt: createdAt(),
    /**
     * When Slack refused for good to take messages for this channel (the bot lost access):
     * no more run messages are tried until the channel is subscribed again.
     */
    refusedAt: timestamp('refused_at', { withTimezone: true }),
    /** Slack's error code for that refusal, such as `channel_not_found`. */
    refusedReason: text('refused_reason'),
  },
  (table) => [
    unique('slack_subscriptions_once').on(table.stackId, table.teamId, table.channelId),
    index('slack_subscriptions_by_stack').on(table.stackId),
  ],
);

/**
 * Signed Slack requests already answered, so a replay of one within its 5-minute window is
 * answered once only. Rows older than the window are of no use and are removed.
 */
export const slackRequestsSeen = pgTable('slack_requests_seen', {
  /** The request's `X-Slack-Signature`, which covers its timestamp and body. */
  signature: text('signature').primaryKey(),
  seenAt: timestamp('seen_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * The one message a run has in a subscribed channel: posted at the first transition the
 * channel hears of, then edited in place (`ts` is Slack's id for it).
 */
export const slackRunMessages = pgTable(
  'slack_run_messages',
  {
    runId: text('run_id')
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    teamId: text('team_id').notNull(),
    channelId: text('channel_id').notNull(),
    ts: text('ts'),
    /** The state the message shows, so a late delivery changes nothing. */
    state: text('state'),
    claimedBy: text('claimed_by'),
    claimedUntil: timestamp('claimed_until', { withTimezone: true }),
  },
  (table) => [primaryKey({ columns: [table.runId, table.teamId, table.channelId] })],
);

export type SlackSubscription = typeof slackSubscriptions.$inferSelect;
