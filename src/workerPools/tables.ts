import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { createdAt } from '../db/columns';
import { spaces } from '../spaces/tables';

/**
 * Worker pools, as Spacelift has them: a named group of workers, in a space, that runs the runs
 * of the stacks that name it; and the worker processes that serve a pool or Gantry's own
 * workers. Only this folder reads and writes these tables (ARCHITECTURE.md, "Nouns");
 * migrations are generated from every noun's tables.ts (`npm run db:generate`).
 */

export const workerPools = pgTable('worker_pools', {
  /** A ULID, as Spacelift's pool ids are; never changes. */
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  description: text('description'),
  labels: text('labels')
    .array()
    .notNull()
    .default(sql`'{}'::text[]`),
  space: text('space')
    .notNull()
    .default('root')
    .references(() => spaces.id),
  /**
   * The secret of the pool's credential (its `config`), sealed with the SecretBox: the API shows
   * the credential to the space's admins, so it is kept to be opened again, not hashed.
   */
  encryptedToken: text('encrypted_token').notNull(),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * The worker processes, each registered by itself at start and forgotten when it stops; one
 * whose heartbeat (`seen_at`) is older than a minute is no longer counted as live.
 */
export const workers = pgTable(
  'workers',
  {
    /** A ULID, given at registration. */
    id: text('id').primaryKey(),
    /** The pool it serves; null for Gantry's own workers (Spacelift's public pool). */
    pool: text('pool').references(() => workerPools.id, { onDelete: 'cascade' }),
    hostname: text('hostname').notNull(),
    pid: integer('pid').notNull(),
    /** How many runs it takes at once. */
    concurrency: integer('concurrency').notNull(),
    /** How many runs it holds now, as of its last heartbeat. */
    busy: integer('busy').notNull().default(0),
    /** True while the worker drains before it stops: it takes no new runs. */
    drained: boolean('drained').notNull().default(false),
    /** When it registered: again, if it was forgotten. */
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    seenAt: timestamp('seen_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index('workers_by_pool').on(table.pool, table.seenAt),
    check('workers_concurrency_positive', sql`${table.concurrency} > 0`),
    check('workers_busy_not_negative', sql`${table.busy} >= 0`),
  ],
);

export type WorkerPool = typeof workerPools.$inferSelect;

export type NewWorkerPool = typeof workerPools.$inferInsert;

export type Worker = typeof workers.$inferSelect;

export type NewWorker = typeof workers.$inferInsert;
