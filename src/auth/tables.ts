import { sql } from 'drizzle-orm';
import { boolean, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { createdAt } from '../db/columns';

/**
 * API keys, and the people who signed in (their teams, for access decisions).
 * Only this folder reads and writes these tables (ARCHITECTURE.md, "Nouns"); migrations are
 * generated from every noun's tables.ts (`npm run db:generate`).
 */

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

export type ApiKey = typeof apiKeys.$inferSelect;
