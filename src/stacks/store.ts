import { inArray, sql } from 'drizzle-orm';
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

/** Every stack, by id. */
export async function allStacks(db: Database): Promise<Stack[]> {
  return db.select().from(tables.stacks).orderBy(tables.stacks.id);
}

/** The stacks that read their code from a GitLab project, by id; GitLab paths ignore case. */
export async function stacksOfGitLabProject(db: Database, projectPath: string): Promise<Stack[]> {
  return db
    .select()
    .from(tables.stacks)
    .where(
      sql`${tables.stacks.provider} = 'GITLAB' and lower(${tables.stacks.repository}) = lower(${projectPath})`,
    )
    .orderBy(tables.stacks.id);
}
