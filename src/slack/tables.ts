import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
} from 'drizzle-orm/pg-core';
import { createdAt } from '../db/columns';
import { runs } from '../runs/tables';
import { stacks } from '../stacks/tables';

/**
 * The Slack app: workspaces it is installed in, channel subscriptions, requests seen, and the
 * message posted for each run.
 * Only this folder reads and writes these tables (ARCHITECTURE.md, "Nouns"); migrations are
 * generated from every noun's tables.ts (`npm run db:generate`).
 */

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

/**
 * A Slack conversation told about the runs of a stack (`/gantry subscribe <stackId>`): a
 * channel, a direct message with the app, or a person by member ID. The settings columns
 * choose which runs; their defaults are every state of every run of every branch, so a row
 * written before they existed hears what it always did.
 */
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
    /**
     * Where the messages go: a channel (C…, G…), a direct message with the app (D…), or a
     * person's member ID (U…, W…), which Slack answers with the D… of the app's DM with them.
     */
    channelId: text('channel_id').notNull(),
    channelName: text('channel_name').notNull(),
    /** The run states that post a message (RunState values); empty for every state. */
    events: text('events')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** Only FAILED runs post a message. */
    onlyFailures: boolean('only_failures').notNull().default(false),
    /** `all`, `default` (the stack's tracked branch), or a glob runs' branches must match. */
    branches: text('branches').notNull().default('all'),
    /** The run types that post a message (RunType values); empty for every type. */
    types: text('types')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
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
    /**
     * The conversation Slack says it posted in, when it is not `channel_id`: a message to a
     * member ID lands in the app's DM with them (D…), and chat.update takes only that.
     */
    postedIn: text('posted_in'),
    /** The state the message shows, so a late delivery changes nothing. */
    state: text('state'),
    claimedBy: text('claimed_by'),
    claimedUntil: timestamp('claimed_until', { withTimezone: true }),
  },
  (table) => [primaryKey({ columns: [table.runId, table.teamId, table.channelId] })],
);

export type SlackSubscription = typeof slackSubscriptions.$inferSelect;

/**
 * A Slack user linked to a Gantry identity (`/gantry link`): the GitLab sign-in they finished
 * from the link Gantry gave them in Slack. Stack access policies see it as `input.session`
 * beside `input.slack`, and runs and decisions from Slack carry its login.
 */
export const slackIdentities = pgTable(
  'slack_identities',
  {
    teamId: text('team_id')
      .notNull()
      .references(() => slackInstallations.teamId, { onDelete: 'cascade' }),
    userId: text('user_id').notNull(),
    /** The Gantry login: the GitLab username they signed in as. */
    login: text('login').notNull(),
    name: text('name').notNull(),
    /** Their GitLab groups when they linked, as the API's teams. */
    teams: jsonb('teams').$type<string[]>().notNull(),
    linkedAt: timestamp('linked_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.teamId, table.userId] })],
);

export type SlackIdentity = typeof slackIdentities.$inferSelect;

/**
 * Codes that link a Slack user to a Gantry identity: shown to a person signed in to Gantry
 * with GitLab, and typed by them in Slack (`/gantry link <code>`), so the one who types it
 * both holds the Gantry login and is the Slack user. Only a hash is kept; a code works once,
 * for a few minutes.
 */
export const slackLinkCodes = pgTable('slack_link_codes', {
  codeHash: text('code_hash').primaryKey(),
  login: text('login').notNull(),
  name: text('name').notNull(),
  teams: jsonb('teams').$type<string[]>().notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
});
