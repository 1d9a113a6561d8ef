import { and, asc, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import { ulid } from '../platform/ids';
import { groupedBy, oneBy } from '../db/batch';
import { onForeignKeyViolation } from '../db/errors';
import type { Database, Transaction } from '../db';
import * as tables from './tables';
import type { NewWorker, NewWorkerPool, Worker, WorkerPool } from './tables';

export type { Worker, WorkerPool } from './tables';

/**
 * The worker pools noun's reads and writes: pools as admins manage them, the workers as they
 * register, beat and leave, and batch reads for the API's loaders.
 */

/** What a pool is, beside its id, its secret and its times. */
export type WorkerPoolColumns = Pick<NewWorkerPool, 'name' | 'description' | 'labels' | 'space'>;

type WorkerPoolChanges = Partial<WorkerPoolColumns & { encryptedToken: string }>;

/** What a worker says of itself when it registers; its pool is null for Gantry's own workers. */
export type WorkerRegistration = Required<
  Pick<NewWorker, 'pool' | 'hostname' | 'pid' | 'concurrency'>
>;

// A worker beats more often than this; one silent for longer has stopped or lost the database.
const LIVE_WITHIN = sql`now() - interval '60 seconds'`;

/** Every pool, by name. */
export function allWorkerPools(db: Database): Promise<WorkerPool[]> {
  return db
    .select()
    .from(tables.workerPools)
    .orderBy(asc(tables.workerPools.name), asc(tables.workerPools.id));
}

/**
 * The pool with this id, if there is one. In a transaction, `hold` locks its row until the
 * transaction ends: 'share' against a change to the pool, 'update' against anyone holding it.
 */
export async function workerPoolById(
  db: Database | Transaction,
  id: string,
  hold?: 'share' | 'update',
): Promise<WorkerPool | undefined> {
  const query = db.select().from(tables.workerPools).where(eq(tables.workerPools.id, id));
  const [pool] = await (hold ? query.for(hold) : query);
  return pool;
}

/** The pools of `ids`, in that order. */
export async function workerPoolsByIds(db: Database, ids: readonly string[]) {
  const rows = await db
    .select()
    .from(tables.workerPools)
    .where(inArray(tables.workerPools.id, [...ids]));
  return oneBy<string, WorkerPool>(ids, rows, (row) => row.id);
}

/** The ids of the pools in a space. */
export async function workerPoolIdsInSpace(db: Database, space: string): Promise<string[]> {
  const rows = await db
    .select({ id: tables.workerPools.id })
    .from(tables.workerPools)
    .where(eq(tables.workerPools.space, space))
    .orderBy(tables.workerPools.id);
  return rows.map((row) => row.id);
}

/** Writes a new pool with a new id and its sealed secret. */
export async function addWorkerPool(
  db: Database,
  pool: WorkerPoolColumns & { encryptedToken: string },
): Promise<WorkerPool> {
  const [added] = await db
    .insert(tables.workerPools)
    .values({ id: ulid(), ...pool })
    .returning();
  return added!;
}

/**
 * Writes the changes `change` makes to a pool as it is, as updated now, in one transaction that
 * holds the pool's row from the read to the write: `change` throws to keep the pool as it is,
 * and a stack being given the pool meanwhile (`poolForStack` holds the row too) waits and sees
 * the pool as written. Undefined when the pool does not exist.
 */
export async function changeWorkerPool(
  db: Database,
  id: string,
  change: (tx: Transaction, pool: WorkerPool) => Promise<WorkerPoolChanges> | WorkerPoolChanges,
): Promise<WorkerPool | undefined> {
  return db.transaction(async (tx) => {
    const current = await workerPoolById(tx, id, 'update');
    if (!current) return undefined;
    const [pool] = await tx
      .update(tables.workerPools)
      .set({ ...(await change(tx, current)), updatedAt: new Date() })
      .where(eq(tables.workerPools.id, id))
      .returning();
    return pool;
  });
}

/**
 * Deletes a pool and its workers' registrations; undefined when it does not exist. A pool a
 * stack names stays: the database refuses it, and `inUse` says so.
 */
export async function removeWorkerPool(
  db: Database,
  id: string,
  inUse: () => Error,
): Promise<WorkerPool | undefined> {
  const [pool] = await onForeignKeyViolation(
    () => db.delete(tables.workerPools).where(eq(tables.workerPools.id, id)).returning(),
    inUse,
  );
  return pool;
}

/** Registers a worker, live from now; `missingPool` says so when its pool does not exist. */
export async function addWorker(
  db: Database,
  worker: WorkerRegistration,
  missingPool: () => Error,
): Promise<Worker> {
  const [added] = await onForeignKeyViolation(
    () =>
      db
        .insert(tables.workers)
        .values({ id: ulid(), ...worker })
        .returning(),
    missingPool,
  );
  return added!;
}

/** Records a worker's heartbeat and how many runs it holds; undefined when it is not registered. */
export async function recordHeartbeat(
  db: Database,
  id: string,
  busy: number,
): Promise<Worker | undefined> {
  const [worker] = await db
    .update(tables.workers)
    .set({ busy, seenAt: sql`now()` })
    .where(eq(tables.workers.id, id))
    .returning();
  return worker;
}

/** Marks a worker as draining before it stops. */
export async function markWorkerDrained(db: Database, id: string): Promise<void> {
  await db.update(tables.workers).set({ drained: true }).where(eq(tables.workers.id, id));
}

export async function removeWorker(db: Database, id: string): Promise<void> {
  await db.delete(tables.workers).where(eq(tables.workers.id, id));
}

/** The live workers of a pool, or of Gantry's own (null), oldest first. */
export function liveWorkersOf(db: Database, pool: string | null): Promise<Worker[]> {
  return db
    .select()
    .from(tables.workers)
    .where(
      and(
        pool === null ? isNull(tables.workers.pool) : eq(tables.workers.pool, pool),
        gt(tables.workers.seenAt, LIVE_WITHIN),
      ),
    )
    .orderBy(asc(tables.workers.id));
}

/** Each pool's live workers, oldest first. */
export async function liveWorkersOfPools(db: Database, pools: readonly string[]) {
  const rows = await db
    .select()
    .from(tables.workers)
    .where(and(inArray(tables.workers.pool, [...pools]), gt(tables.workers.seenAt, LIVE_WITHIN)))
    .orderBy(asc(tables.workers.id));
  return groupedBy(pools, rows, (row) => row.pool!);
}
