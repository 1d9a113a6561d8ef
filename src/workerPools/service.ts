import { randomBytes } from 'node:crypto';
import type { Database, Transaction } from '../db';
import {
  AuthenticationError,
  ConflictError,
  InvalidInputError,
  NotFoundError,
} from '../platform/errors';
import { requiredName, validLabels } from '../platform/input';
import { secretMatches, type SecretBox } from '../platform/secrets';
import { existingSpace } from '../spaces/service';
import { spaceTree } from '../spaces/store';
import {
  addWorker,
  addWorkerPool,
  allWorkerPools,
  changeWorkerPool,
  liveWorkersOf,
  markWorkerDrained,
  recordHeartbeat,
  removeWorker,
  removeWorkerPool,
  workerPoolById,
  workerPoolIdsInSpace,
  type Worker,
  type WorkerPool,
  type WorkerRegistration,
} from './store';

export type { WorkerPool } from './store';

/** A pool as it is created or updated: whole, what is null or left out is empty. */
export interface WorkerPoolInput {
  name: string;
  description?: string | null;
  labels?: readonly string[] | null;
  /** The pool's space; root when not given. */
  space?: string | null;
}

/**
 * What the pool noun needs of the stacks above it (ARCHITECTURE.md, "Layers"): the
 * composition root hands it over.
 */
export interface PoolUsers {
  /** The stacks that name the pool, with their spaces; read in `tx` when it is given. */
  stacksOf(poolId: string, tx?: Transaction): Promise<Array<{ id: string; space: string }>>;
}

/** A pool's credential, as its workers are given it (GANTRY_WORKER_POOL_TOKEN). */
interface WorkerPoolCredential {
  pool: string;
  token: string;
}

/**
 * Worker pools as admins manage them, and the workers that serve them. A pool lives in a space;
 * its credential (`config`) is Gantry's own token, not Spacelift's certificate, and is kept
 * sealed. Which worker runs which run is decided elsewhere: this service keeps the data.
 */
export class WorkerPoolService {
  constructor(
    private readonly deps: {
      db: Database;
      box: SecretBox;
      users: PoolUsers;
    },
  ) {}

  /** Every pool, by name. */
  list(): Promise<WorkerPool[]> {
    return allWorkerPools(this.deps.db);
  }

  /** The pool, or NotFoundError. */
  async get(id: string): Promise<WorkerPool> {
    const pool = await workerPoolById(this.deps.db, id);
    if (!pool) throw missing(id);
    return pool;
  }

  /** Creates a pool with a new credential. */
  async create(input: WorkerPoolInput): Promise<WorkerPool> {
    return addWorkerPool(this.deps.db, {
      ...poolColumns(input),
      space: await existingSpace(this.deps.db, input.space),
      encryptedToken: this.newSealedToken(),
    });
  }

  /**
   * Everything but the id and the credential. The pool moves to another space only if every
   * stack that names it is still in that space or below it: the stacks are read with the
   * pool's row held, so no stack is given the pool between the check and the write.
   */
  async update(id: string, input: WorkerPoolInput): Promise<WorkerPool> {
    const pool = await changeWorkerPool(this.deps.db, id, async (tx, current) => {
      const columns = poolColumns(input);
      const space = await existingSpace(tx, input.space);
      if (space !== current.space) {
        const tree = await spaceTree(tx);
        const stranded = (await this.deps.users.stacksOf(id, tx)).filter(
          (stack) => !tree.isWithin(stack.space, space),
        );
        if (stranded.length > 0) {
          throw new InvalidInputError(
            `worker pool "${id}" runs the runs of ${inWords(stranded.map((stack) => `stack "${stack.id}"`))}, which would not be in space "${space}" or below it; ` +
              `move those stacks there or give them another pool (stackUpdate's workerPool) first, or keep the pool in a space above them`,
          );
        }
      }
      return { ...columns, space };
    });
    if (!pool) throw missing(id);
    return pool;
  }

  /** Gives the pool a new credential: workers with the old one are refused from now on. */
  async reset(id: string): Promise<WorkerPool> {
    const pool = await changeWorkerPool(this.deps.db, id, () => ({
      encryptedToken: this.newSealedToken(),
    }));
    if (!pool) throw missing(id);
    return pool;
  }

  /** Deletes a pool no stack names, with its workers' registrations. */
  async delete(id: string): Promise<WorkerPool> {
    const stacks = await this.deps.users.stacksOf(id);
    if (stacks.length > 0) throw inUse(id, stacks);
    const pool = await removeWorkerPool(
      this.deps.db,
      id,
      () =>
        new ConflictError(
          `a stack was given worker pool "${id}" while it was being deleted; delete it again to see which`,
        ),
    );
    if (!pool) throw missing(id);
    return pool;
  }

  /** The ids of the pools in a space. */
  idsInSpace(space: string): Promise<string[]> {
    return workerPoolIdsInSpace(this.deps.db, space);
  }

  /** The pool's credential, as its workers are given it: base64 of {"pool", "token"}. */
  config(pool: WorkerPool): string {
    const credential: WorkerPoolCredential = {
      pool: pool.id,
      token: this.deps.box.open(pool.encryptedToken),
    };
    return Buffer.from(JSON.stringify(credential)).toString('base64');
  }

  /** The pool, if `config` is its current credential; otherwise an error saying what to do. */
  async authenticateWorker(poolId: string, config: string): Promise<WorkerPool> {
    const credential = parseWorkerPoolConfig(config);
    if (credential.pool !== poolId) {
      throw new AuthenticationError(
        `the worker pool credentials are for pool "${credential.pool}", not "${poolId}"; give the worker the config of pool "${poolId}"`,
      );
    }
    const pool = await workerPoolById(this.deps.db, poolId);
    if (!pool) {
      throw new NotFoundError(
        `worker pool "${poolId}" does not exist: it was deleted, or the config is of another Gantry; create a pool (workerPoolCreate) and give the worker its config`,
      );
    }
    if (!secretMatches(credential.token, this.deps.box.open(pool.encryptedToken))) {
      throw new AuthenticationError(
        `the credentials do not match worker pool "${poolId}": they were reset, or belong to an older pool of that id; reset with workerPoolReset and give the worker the new config`,
      );
    }
    return pool;
  }

  /**
   * Registers a worker process, live from now; its id. Only the worker process registers: its
   * concurrency comes from its validated configuration, and the table checks it again.
   */
  async registerWorker(worker: WorkerRegistration): Promise<string> {
    const registered = await addWorker(this.deps.db, worker, () => missing(worker.pool!));
    return registered.id;
  }

  /**
   * Records that a worker is alive and how many runs it holds now; false when it is not
   * registered (it was forgotten, or its pool deleted with its workers).
   */
  async heartbeatWorker(id: string, busy: number): Promise<boolean> {
    return (await recordHeartbeat(this.deps.db, id, busy)) !== undefined;
  }

  /** Marks a worker as draining, as it is while it stops: it takes no new runs. */
  drainWorker(id: string): Promise<void> {
    return markWorkerDrained(this.deps.db, id);
  }

  /** Forgets a worker that stops. */
  forgetWorker(id: string): Promise<void> {
    return removeWorker(this.deps.db, id);
  }

  /** The workers of a pool, or Gantry's own (null), that beat within the last minute. */
  liveWorkers(poolId: string | null): Promise<Worker[]> {
    return liveWorkersOf(this.deps.db, poolId);
  }

  private newSealedToken(): string {
    return this.deps.box.seal(randomBytes(32).toString('base64url'));
  }
}

/** What a pool's config says, or AuthenticationError when it is not a pool's config. */
function parseWorkerPoolConfig(config: string): WorkerPoolCredential {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(config.trim(), 'base64').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const { pool, token } = (parsed ?? {}) as Partial<Record<keyof WorkerPoolCredential, unknown>>;
  if (typeof pool !== 'string' || !pool || typeof token !== 'string' || !token) {
    throw new AuthenticationError(
      "the worker pool credentials are not a pool's config; give the worker the config workerPoolCreate or workerPoolReset answered (WorkerPool.config)",
    );
  }
  return { pool, token };
}

/**
 * The pool a stack in `space` is given, which must exist and be in that space or one above it;
 * null when none is given (Gantry's own workers run its runs). The pool's row is held until
 * `tx`, which writes the stack, ends, so the pool cannot move out of the stack's reach first.
 */
export async function poolForStack(
  tx: Transaction,
  poolId: string | null | undefined,
  space: string,
): Promise<string | null> {
  const id = poolId?.trim();
  if (!id) return null;
  const pool = await workerPoolById(tx, id, 'share');
  if (!pool) {
    throw new InvalidInputError(
      `worker pool "${id}" does not exist; give the id of an existing pool (the workerPools query lists them), or leave workerPool out for Gantry's own workers`,
    );
  }
  const lineage = (await spaceTree(tx)).lineage(space);
  if (!lineage.includes(pool.space)) {
    throw new InvalidInputError(
      `worker pool "${id}" is in space "${pool.space}", and a stack in space "${space}" may only use the pools of ${inWords(lineage.map((spaceId) => `"${spaceId}"`))}: ` +
        `choose a pool in one of those, or move the pool to one of them`,
    );
  }
  return id;
}

function poolColumns(input: WorkerPoolInput) {
  return {
    name: requiredName(input.name, 'a worker pool'),
    description: input.description ?? null,
    labels: validLabels(input.labels ?? []),
  };
}

// "a, b and c"; en, not en-GB, would say "a, b, and c".
const listFormat = new Intl.ListFormat('en-GB', { type: 'conjunction' });
const inWords = (items: string[]) => listFormat.format(items);

function missing(id: string) {
  return new NotFoundError(
    `worker pool "${id}" does not exist; the workerPools query lists the pools`,
  );
}

function inUse(id: string, stacks: Array<{ id: string }>) {
  return new ConflictError(
    `worker pool "${id}" runs the runs of ${inWords(stacks.map((stack) => `stack "${stack.id}"`))}; ` +
      `move them to another pool or to Gantry's own workers (stackUpdate with workerPool null) first`,
  );
}
