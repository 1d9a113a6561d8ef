import { and, asc, inArray, isNotNull } from 'drizzle-orm';
import { groupedBy, oneBy } from '../db/batch';
import type { Database } from '../db';
import * as tables from './tables';

/** Batch reads of contexts, their attachments and config elements, for the API's loaders. */

export type ContextAttachment = typeof tables.contextAttachments.$inferSelect;

export async function contextsByIds(db: Database, ids: readonly string[]) {
  const rows = await db
    .select()
    .from(tables.contexts)
    .where(inArray(tables.contexts.id, [...ids]));
  return oneBy(ids, rows, (row) => row.id);
}

/** Each stack's own config elements, by id. */
export async function configOfStacks(db: Database, stackIds: readonly string[]) {
  const rows = await db
    .select()
    .from(tables.configElements)
    .where(inArray(tables.configElements.stackId, [...stackIds]))
    .orderBy(asc(tables.configElements.id));
  return groupedBy(stackIds, rows, (row) => row.stackId!);
}

/** Each context's config elements, by id. */
export async function configOfContexts(db: Database, contextIds: readonly string[]) {
  const rows = await db
    .select()
    .from(tables.configElements)
    .where(
      and(
        isNotNull(tables.configElements.contextId),
        inArray(tables.configElements.contextId, [...contextIds]),
      ),
    )
    .orderBy(asc(tables.configElements.id));
  return groupedBy(contextIds, rows, (row) => row.contextId!);
}

/** Each stack's attachments, by priority. */
export async function attachmentsOfStacks(db: Database, stackIds: readonly string[]) {
  const rows = await db
    .select()
    .from(tables.contextAttachments)
    .where(inArray(tables.contextAttachments.stackId, [...stackIds]))
    .orderBy(asc(tables.contextAttachments.priority), asc(tables.contextAttachments.id));
  return groupedBy<string, ContextAttachment>(stackIds, rows, (row) => row.stackId);
}

/** Each context's attachments, by priority. */
export async function attachmentsOfContexts(db: Database, contextIds: readonly string[]) {
  const rows = await db
    .select()
    .from(tables.contextAttachments)
    .where(inArray(tables.contextAttachments.contextId, [...contextIds]))
    .orderBy(asc(tables.contextAttachments.priority), asc(tables.contextAttachments.id));
  return groupedBy<string, ContextAttachment>(contextIds, rows, (row) => row.contextId);
}

/** Every context, by id. */
export async function allContexts(db: Database) {
  return db.select().from(tables.contexts).orderBy(asc(tables.contexts.id));
}
