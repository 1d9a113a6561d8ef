import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  index,
  pgSequence,
  pgTable,
  text,
  timestamp,
  unique,
} from 'drizzle-orm/pg-core';
import { bytea, createdAt } from '../db/columns';
import { spaces } from '../spaces/tables';
import { stacks } from '../stacks/tables';

/**
 * Policies, written in Rego and compiled to WebAssembly, and their attachments to stacks.
 * Only this folder reads and writes these tables (ARCHITECTURE.md, "Nouns"); migrations are
 * generated from every noun's tables.ts (`npm run db:generate`).
 */

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
    /** The space the policy is in: stacks of it, and of spaces inheriting from it, may attach it. */
    space: text('space')
      .notNull()
      .default('root')
      .references(() => spaces.id),
    type: text('type', { enum: ['ACCESS'] }).notNull(),
    body: text('body').notNull(),
    labels: text('labels')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** Which Rego the body compiled as; null for policies written before it was recorded. */
    engineType: text('engine_type', { enum: ['REGO_V0', 'REGO_V1'] }),
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
