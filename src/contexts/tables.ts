import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  unique,
} from 'drizzle-orm/pg-core';
import { createdAt } from '../db/columns';
import { spaces } from '../spaces/tables';
import type { Hooks } from '../stacks/hooks';
import { stacks } from '../stacks/tables';

/**
 * Contexts, their attachments to stacks, and the config elements (environment variables and
 * mounted files) of stacks and contexts: a stack's environment is its own elements and its contexts'.
 * Only this folder reads and writes these tables (ARCHITECTURE.md, "Nouns"); migrations are
 * generated from every noun's tables.ts (`npm run db:generate`).
 */

export const contexts = pgTable(
  'contexts',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    description: text('description'),
    /** The space the context is in: stacks of it, and of spaces inheriting from it, may attach it. */
    space: text('space')
      .notNull()
      .default('root')
      .references(() => spaces.id),
    labels: text('labels')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** Commands added to the hooks of the stacks the context is attached to. */
    hooks: jsonb('hooks')
      .$type<Partial<Hooks>>()
      .notNull()
      .default(sql`'{}'::jsonb`),
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
    /** What the element is for, as given (an empty string stays one). */
    description: text('description'),
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

export type Context = typeof contexts.$inferSelect;

export type ConfigElementRow = typeof configElements.$inferSelect;
