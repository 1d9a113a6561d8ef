import { boolean, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { bytea, createdAt } from '../db/columns';
import { runs } from '../runs/tables';
import { stacks } from '../stacks/tables';

/**
 * The OpenTofu state Gantry keeps for stacks: versions, locks, the credentials runs use, uploads.
 * Only this folder reads and writes these tables (ARCHITECTURE.md, "Nouns"); migrations are
 * generated from every noun's tables.ts (`npm run db:generate`).
 */

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

/** A state file uploaded to a pre-signed URL, waiting for stackCreate to import it. */
export const stateUploads = pgTable('state_uploads', {
  id: text('id').primaryKey(),
  content: bytea('content'),
  createdAt: createdAt(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
});
