import { eq, inArray, sql, type SQL } from 'drizzle-orm';
import { groupedBy, oneBy } from '../db/batch';
import type { Database, Transaction } from '../db';
import { preparedOnce, UNNAMED } from '../db/prepared';
import { ConflictError, NotFoundError } from '../platform/errors';
import * as tables from './tables';
import type { NewStack, Stack, TrackedCommit } from './tables';

export type { ClientSettings, Stack, TrackedCommit } from './tables';

/**
 * The stacks noun's reads and writes: stacks as users manage them, batch reads for the API's
 * loaders, and the stacks of a GitLab project.
 */

/** What a stack's writes change: everything but its id and times. */
type StackChanges = Partial<Omit<NewStack, 'id' | 'createdAt' | 'updatedAt'>>;

/** Gives a stack being written its worker pool, in the write's transaction (`poolForStack`). */
type PoolOf = (tx: Transaction) => Promise<string | null>;

/**
 * Writes a new stack with the worker pool `poolOf` gives it, in one transaction: poolOf holds
 * the pool's row, so the pool cannot move out of the stack's reach before the stack is
 * written. Undefined when a stack has its id.
 */
export async function addStack(
  db: Database,
  stack: Omit<NewStack, 'workerPool'>,
  poolOf: PoolOf,
): Promise<Stack | undefined> {
  return db.transaction(async (tx) => {
    const workerPool = await poolOf(tx);
    const [added] = await tx
      .insert(tables.stacks)
      .values({ ...stack, workerPool })
      .onConflictDoNothing()
      .returning();
    return added;
  });
}

/** Deletes a stack just added whose initialization failed. */
export async function removeUninitializedStack(db: Database, id: string): Promise<void> {
  await db.delete(tables.stacks).where(eq(tables.stacks.id, id));
}

/** Writes changes to a stack, as updated now; undefined when it does not exist. */
export async function changeStack(
  db: Database,
  id: string,
  changes: StackChanges,
): Promise<Stack | undefined> {
  const [stack] = await db
    .update(tables.stacks)
    .set({ ...changes, updatedAt: new Date() })
    .where(eq(tables.stacks.id, id))
    .returning();
  return stack;
}

/** Writes changes to a stack with the worker pool `poolOf` gives it, as addStack does. */
export async function changeStackWithPool(
  db: Database,
  id: string,
  changes: Omit<StackChanges, 'workerPool'>,
  poolOf: PoolOf,
): Promise<Stack | undefined> {
  return db.transaction(async (tx) =>
    changeStack(tx, id, { ...changes, workerPool: await poolOf(tx) }),
  );
}

/**
 * Deletes a stack with everything that belongs to it, in one transaction where `refuse` runs
 * first and throws to keep the stack; NotFoundError when it does not exist.
 */
export async function removeStack(
  db: Database,
  id: string,
  refuse: (tx: Transaction) => Promise<void>,
): Promise<Stack> {
  return db.transaction(async (tx) => {
    await refuse(tx);
    const [stack] = await tx.delete(tables.stacks).where(eq(tables.stacks.id, id)).returning();
    if (!stack) throw new NotFoundError(`stack "${id}" does not exist`);
    return stack;
  });
}

/** Why a stack being deleted with its resources starts no run. */
export function deletingConflict(id: string): ConflictError {
  return new ConflictError(
    `stack "${id}" is being deleted with its resources and starts no runs; its destroy run is under way`,
  );
}

/** Why a protected stack is not deleted. */
export function protectedConflict(id: string): ConflictError {
  return new ConflictError(
    `stack "${id}" is protected from deletion: set protectFromDeletion to false (stackUpdate) first`,
  );
}

/**
 * A query for a statement that stores a run (as a CTE): the stack's `deleting`, its row held
 * for share until the statement's transaction ends; no row if there is no such stack. Held so,
 * a run is stored either before a destroy run marks the stack (holdStackForRun, for update)
 * or after, seeing the mark. A statement that also writes the stack (trackCommitWithRun)
 * holds it for that write from the start: two holding it for share, each then waiting to
 * write it, would deadlock.
 */
export function stackHeldForRun(id: string, options: { writes?: boolean } = {}): SQL {
  const lock = options.writes ? sql`for no key update` : sql`for share`;
  return sql`select ${tables.stacks.deleting} as deleting from ${tables.stacks} where ${eq(tables.stacks.id, id)} ${lock}`;
}

/**
 * A statement for the one that stores a run (as a CTE, with the stack held by
 * `stackHeldForRun(id, { writes: true })`): `commit` becomes the stack's tracked commit, set
 * by no one (a push), as setTrackedCommit would make it, if `when` holds. Made in
 * the run's own statement, a tracked push's run and the stack's move to its commit are one
 * write: neither is there without the other.
 */
export function trackCommitWithRun(id: string, commit: TrackedCommit, at: Date, when: SQL): SQL {
  const column = (of: { name: string }) => sql.identifier(of.name);
  const stacks = tables.stacks;
  return sql`update ${stacks} set
      ${column(stacks.trackedCommit)} = ${sql.param(commit, stacks.trackedCommit)},
      ${column(stacks.trackedCommitSetBy)} = null,
      ${column(stacks.updatedAt)} = ${sql.param(at, stacks.updatedAt)}
    where ${eq(stacks.id, id)} and ${when}`;
}

/**
 * Holds the stack's row for the transaction that stores a run of it, so that storing runs and
 * marking the stack for deletion cannot pass each other: a stack being deleted with its
 * resources takes no run, and its destroy run (`destroy`) marks it so, unless it is protected.
 */
export async function holdStackForRun(
  tx: Transaction,
  id: string,
  destroy: boolean,
): Promise<void> {
  const [stack] = await tx
    .select({
      deleting: tables.stacks.deleting,
      protectFromDeletion: tables.stacks.protectFromDeletion,
    })
    .from(tables.stacks)
    .where(eq(tables.stacks.id, id))
    .for('update');
  if (!stack) throw new NotFoundError(`stack "${id}" does not exist`);
  if (stack.deleting) throw deletingConflict(id);
  if (!destroy) return;
  if (stack.protectFromDeletion) throw protectedConflict(id);
  await tx
    .update(tables.stacks)
    .set({ deleting: true, updatedAt: new Date() })
    .where(eq(tables.stacks.id, id));
}

/** The stack with this id, if there is one. */
export async function stackById(db: Database, id: string): Promise<Stack | undefined> {
  const [stack] = await stackByIdQuery(db).execute({ id });
  return stack;
}

const stackByIdQuery = preparedOnce((db) =>
  db
    .select()
    .from(tables.stacks)
    .where(eq(tables.stacks.id, sql.placeholder('id')))
    .prepare(UNNAMED),
);

/** The ids of the stacks in a space, by id. */
export async function stackIdsInSpace(db: Database, space: string): Promise<string[]> {
  const rows = await db
    .select({ id: tables.stacks.id })
    .from(tables.stacks)
    .where(eq(tables.stacks.space, space))
    .orderBy(tables.stacks.id);
  return rows.map((row) => row.id);
}

/** The stacks whose runs each worker pool runs, with their spaces, by id. */
export async function stacksUsingPools(db: Database, pools: readonly string[]) {
  const rows = await db
    .select({ id: tables.stacks.id, space: tables.stacks.space, pool: tables.stacks.workerPool })
    .from(tables.stacks)
    .where(inArray(tables.stacks.workerPool, [...pools]))
    .orderBy(tables.stacks.id);
  return groupedBy(pools, rows, (row) => row.pool!);
}

/** Batch reads of stacks, for the API's loaders. */

/** The stacks of `ids`, in that order. */
export async function stacksByIds(db: Database, ids: readonly string[]) {
  // One stack, the most common batch, by the query built once.
  if (ids.length === 1) return [await stackById(db, ids[0]!)];
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
  return stacksOfGitLabProjectQuery(db).execute({ projectPath });
}

const stacksOfGitLabProjectQuery = preparedOnce((db) =>
  db
    .select()
    .from(tables.stacks)
    .where(
      sql`${tables.stacks.provider} = 'GITLAB' and lower(${tables.stacks.repository}) = lower(${sql.placeholder('projectPath')})`,
    )
    .orderBy(tables.stacks.id)
    .prepare(UNNAMED),
);
