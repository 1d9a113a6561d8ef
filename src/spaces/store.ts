import { asc, eq, inArray } from 'drizzle-orm';
import { oneBy } from '../db/batch';
import { onForeignKeyViolation } from '../db/errors';
import type { Database, Transaction } from '../db';
import * as tables from './tables';
import type { NewSpace, Space } from './tables';
import { SpaceTree } from './tree';

export type { Space } from './tables';

/**
 * The spaces noun's reads and writes: spaces as admins manage them, the tree as one read, and
 * batch reads for the API's loaders.
 */

/** What a space is, beside its id and times. */
export type SpaceColumns = Pick<
  NewSpace,
  'name' | 'description' | 'labels' | 'parentSpaceId' | 'inheritEntities'
>;

/** Every space, by id. */
export function allSpaces(db: Database): Promise<Space[]> {
  return db.select().from(tables.spaces).orderBy(asc(tables.spaces.id));
}

/** The space with this id, if there is one. */
export async function spaceById(db: Database, id: string): Promise<Space | undefined> {
  const [space] = await db.select().from(tables.spaces).where(eq(tables.spaces.id, id));
  return space;
}

/** The spaces of `ids`, in that order. */
export async function spacesByIds(db: Database, ids: readonly string[]) {
  const rows = await db
    .select()
    .from(tables.spaces)
    .where(inArray(tables.spaces.id, [...ids]));
  return oneBy<string, Space>(ids, rows, (row) => row.id);
}

/** The whole tree, as it is now. */
export async function spaceTree(db: Database): Promise<SpaceTree> {
  return new SpaceTree(await treeNodes(db));
}

/** Writes a new space; undefined when a space has its id. */
export async function addSpace(
  db: Database,
  space: SpaceColumns & { id: string },
): Promise<Space | undefined> {
  const [added] = await db.insert(tables.spaces).values(space).onConflictDoNothing().returning();
  return added;
}

/**
 * Writes changes to a space, as updated now, once `check` has seen the tree with no other
 * change to it under way (it throws to keep the space as it is); undefined when it does not exist.
 */
export async function changeSpace(
  db: Database,
  id: string,
  changes: SpaceColumns,
  check: (tree: SpaceTree) => void,
): Promise<Space | undefined> {
  return db.transaction(async (tx) => {
    // Holding every row keeps two moves from each making half of a cycle.
    check(new SpaceTree(await treeNodes(tx, true)));
    const [space] = await tx
      .update(tables.spaces)
      .set({ ...changes, updatedAt: new Date() })
      .where(eq(tables.spaces.id, id))
      .returning();
    return space;
  });
}

/**
 * Deletes a space; undefined when it does not exist. A space that has children or entities
 * stays: the database refuses it, and `inUse` says so.
 */
export async function removeSpace(
  db: Database,
  id: string,
  inUse: () => Error,
): Promise<Space | undefined> {
  const [space] = await onForeignKeyViolation(
    () => db.delete(tables.spaces).where(eq(tables.spaces.id, id)).returning(),
    inUse,
  );
  return space;
}

async function treeNodes(db: Database | Transaction, hold = false) {
  const query = db
    .select({
      id: tables.spaces.id,
      parentSpaceId: tables.spaces.parentSpaceId,
      inheritEntities: tables.spaces.inheritEntities,
    })
    .from(tables.spaces);
  return hold ? query.for('update') : query;
}
