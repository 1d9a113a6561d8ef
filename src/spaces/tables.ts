import { sql } from 'drizzle-orm';
import { boolean, check, pgTable, text, timestamp, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { createdAt } from '../db/columns';

/**
 * Spaces: the tree stacks, contexts, policies and worker pools are organized in, as Spacelift
 * has it. `root` and `legacy` are always there (the migration that made this table writes them).
 * Only this folder reads and writes these tables (ARCHITECTURE.md, "Nouns"); migrations are
 * generated from every noun's tables.ts (`npm run db:generate`).
 */
export const spaces = pgTable(
  'spaces',
  {
    /** A slug derived from the name at creation; never changes. */
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    labels: text('labels')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** Null for root alone; a space with children or entities is not deleted (no cascade). */
    parentSpaceId: text('parent_space_id').references((): AnyPgColumn => spaces.id),
    /** Whether stacks in the space may use the entities (contexts, policies) of its parent. */
    inheritEntities: boolean('inherit_entities').notNull().default(false),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    check('spaces_id_is_slug', sql`${table.id} ~ '^[a-z0-9]+(-[a-z0-9]+)*$'`),
    check(
      'spaces_root_alone_has_no_parent',
      sql`(${table.id} = 'root') = (${table.parentSpaceId} is null)`,
    ),
  ],
);

export type Space = typeof spaces.$inferSelect;

export type NewSpace = typeof spaces.$inferInsert;
