import { inArray } from 'drizzle-orm';
import { oneBy } from '../db/batch';
import type { Database } from '../db';
import * as tables from './tables';
import type { Stack } from './tables';

/** Batch reads of stacks, for the API's loaders. */

/** The stacks of `ids`, in that order. */
export async function stacksByIds(db: Database, ids: readonly string[]) {
  const rows = await db
    .select()
    .from(tables.stacks)
    .where(inArray(tables.stacks.id, [...ids]));
  return oneBy<string, Stack>(ids, rows, (row) => row.id);
}
