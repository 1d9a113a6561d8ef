import { and, asc, eq, inArray, isNotNull } from 'drizzle-orm';
import { ulid } from '../platform/ids';
import { groupedBy, oneBy } from '../db/batch';
import type { Database } from '../db';
import * as tables from './tables';
import type { ConfigElementRow, Context } from './tables';

export type { ConfigElementRow, Context } from './tables';

/**
 * The contexts noun's reads and writes: contexts, their attachments and the config elements of
 * stacks and contexts as users manage them, what a stack's runtime config is made of, and batch
 * reads for the API's loaders.
 */

export type ContextAttachment = typeof tables.contextAttachments.$inferSelect;

/** Who a config element belongs to: a stack or a context. */
export type ConfigOwner = { stackId: string } | { contextId: string };

/** What a context is, beside its config and attachments. */
export type ContextColumns = Pick<Context, 'name' | 'description' | 'space' | 'labels' | 'hooks'>;

/** Writes a new context; undefined when a context has its id. */
export async function addContext(
  db: Database,
  context: ContextColumns & { id: string },
): Promise<Context | undefined> {
  const [added] = await db
    .insert(tables.contexts)
    .values(context)
    .onConflictDoNothing()
    .returning();
  return added;
}

/** Writes changes to a context, as updated now; undefined when it does not exist. */
export async function changeContext(
  db: Database,
  id: string,
  changes: Partial<ContextColumns>,
): Promise<Context | undefined> {
  const [context] = await db
    .update(tables.contexts)
    .set({ ...changes, updatedAt: new Date() })
    .where(eq(tables.contexts.id, id))
    .returning();
  return context;
}

/** Deletes a context, and its config and attachments with it; undefined when it does not exist. */
export async function removeContext(db: Database, id: string): Promise<Context | undefined> {
  const [context] = await db.delete(tables.contexts).where(eq(tables.contexts.id, id)).returning();
  return context;
}

/** The context with this id, if there is one. */
export async function contextById(db: Database, id: string): Promise<Context | undefined> {
  const [context] = await db.select().from(tables.contexts).where(eq(tables.contexts.id, id));
  return context;
}

/** The ids of the contexts in a space, by id. */
export async function contextIdsInSpace(db: Database, space: string): Promise<string[]> {
  const rows = await db
    .select({ id: tables.contexts.id })
    .from(tables.contexts)
    .where(eq(tables.contexts.space, space))
    .orderBy(asc(tables.contexts.id));
  return rows.map((row) => row.id);
}

/** Whether a context with this id exists. */
export async function contextExists(db: Database, id: string): Promise<boolean> {
  const [context] = await db
    .select({ id: tables.contexts.id })
    .from(tables.contexts)
    .where(eq(tables.contexts.id, id));
  return context !== undefined;
}

/** Attaches a context to a stack at `priority`, or moves its attachment there. */
export async function setContextAttachment(
  db: Database,
  contextId: string,
  stackId: string,
  priority: number,
): Promise<ContextAttachment> {
  const [attachment] = await db
    .insert(tables.contextAttachments)
    .values({ id: ulid(), contextId, stackId, priority })
    .onConflictDoUpdate({
      target: [tables.contextAttachments.contextId, tables.contextAttachments.stackId],
      set: { priority },
    })
    .returning();
  return attachment!;
}

/** Deletes a context attachment by its id; undefined when it does not exist. */
export async function removeContextAttachment(
  db: Database,
  attachmentId: string,
): Promise<ContextAttachment | undefined> {
  const [attachment] = await db
    .delete(tables.contextAttachments)
    .where(eq(tables.contextAttachments.id, attachmentId))
    .returning();
  return attachment;
}

/** Writes a config element of its owner, replacing the owner's element with the same id. */
export async function putConfigElement(
  db: Database,
  owner: ConfigOwner,
  row: typeof tables.configElements.$inferInsert,
): Promise<ConfigElementRow> {
  const target =
    'stackId' in owner
      ? [tables.configElements.stackId, tables.configElements.id]
      : [tables.configElements.contextId, tables.configElements.id];
  const [element] = await db
    .insert(tables.configElements)
    .values(row)
    .onConflictDoUpdate({ target, set: row })
    .returning();
  return element!;
}

/** Deletes a config element of its owner; undefined when the owner has no such element. */
export async function removeConfigElement(
  db: Database,
  owner: ConfigOwner,
  id: string,
): Promise<ConfigElementRow | undefined> {
  const where =
    'stackId' in owner
      ? and(eq(tables.configElements.stackId, owner.stackId), eq(tables.configElements.id, id))!
      : and(
          eq(tables.configElements.contextId, owner.contextId),
          eq(tables.configElements.id, id),
        )!;
  const [element] = await db.delete(tables.configElements).where(where).returning();
  return element;
}

/** The contexts attached to a stack, with their attachments, by priority. */
export async function attachedContexts(db: Database, stackId: string) {
  return db
    .select({
      attachmentId: tables.contextAttachments.id,
      contextId: tables.contexts.id,
      contextName: tables.contexts.name,
      priority: tables.contextAttachments.priority,
    })
    .from(tables.contextAttachments)
    .innerJoin(tables.contexts, eq(tables.contexts.id, tables.contextAttachments.contextId))
    .where(eq(tables.contextAttachments.stackId, stackId))
    .orderBy(asc(tables.contextAttachments.priority), asc(tables.contextAttachments.id));
}

/** The hooks of the contexts attached to a stack, by priority. */
export async function hooksOfAttachedContexts(db: Database, stackId: string) {
  return db
    .select({ hooks: tables.contexts.hooks })
    .from(tables.contextAttachments)
    .innerJoin(tables.contexts, eq(tables.contexts.id, tables.contextAttachments.contextId))
    .where(eq(tables.contextAttachments.stackId, stackId))
    .orderBy(asc(tables.contextAttachments.priority), asc(tables.contextAttachments.id));
}

/** A stack's own config elements, by id. */
export function ownConfigOfStack(db: Database, stackId: string): Promise<ConfigElementRow[]> {
  return db
    .select()
    .from(tables.configElements)
    .where(eq(tables.configElements.stackId, stackId))
    .orderBy(asc(tables.configElements.id));
}

/** The config elements of all the given contexts, in one list by id. */
export function configOfAttachedContexts(
  db: Database,
  contextIds: string[],
): Promise<ConfigElementRow[]> {
  return db
    .select()
    .from(tables.configElements)
    .where(inArray(tables.configElements.contextId, contextIds))
    .orderBy(asc(tables.configElements.id));
}

/** Batch reads of contexts, their attachments and config elements, for the API's loaders. */

/** The contexts of `ids`, in that order. */
export async function contextsByIds(db: Database, ids: readonly string[]) {
  const rows = await db
    .select()
    .from(tables.contexts)
    .where(inArray(tables.contexts.id, [...ids]));
  return oneBy(ids, rows, (row) => row.id);
}

/** Context attachments by their ids. */
export async function contextAttachmentsByIds(db: Database, ids: readonly string[]) {
  const rows = await db
    .select()
    .from(tables.contextAttachments)
    .where(inArray(tables.contextAttachments.id, [...ids]));
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
