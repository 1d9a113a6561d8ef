import os from 'node:os';
import type { WorkerPlaces } from '../../activities';
import { AuthenticationError, NotFoundError } from '../platform/errors';
import type { Logger } from '../platform/logger';
import type { WorkerPoolService } from '../workerPools/service';

// Well inside the minute after which a worker that stopped saying so counts as gone.
const HEARTBEAT_MS = 15_000;

/**
 * A worker process in its pool's list of workers (WorkerPool.workers): registered when it
 * starts, how many runs it holds told every few seconds, drained while it stops, gone when it
 * has. A worker of a private pool whose pool was deleted, or whose credentials were reset,
 * stops: it no longer belongs to the pool.
 */
export async function startWorkerRegistration(options: {
  pools: WorkerPoolService;
  pool: string | null;
  token: string | undefined;
  places: Pick<WorkerPlaces, 'held'>;
  concurrency: number;
  logger: Logger;
  fail: (error: Error) => void;
  heartbeatMs?: number;
}) {
  const { pools, pool, places, logger } = options;
  const registration = {
    pool,
    hostname: os.hostname(),
    pid: process.pid,
    concurrency: options.concurrency,
  };
  let id = await pools.registerWorker(registration);
  let drained = false;
  logger.info({ workerId: id, pool }, 'worker registered');
  // One beat at a time: a slow one is not overtaken by the next, nor outlived by stop().
  let beating: Promise<void> | undefined;
  const beat = async () => {
    try {
      // A deleted pool's worker is told so here, as is one whose credentials were reset.
      if (pool !== null) await pools.authenticateWorker(pool, options.token ?? '');
      if (!(await pools.heartbeatWorker(id, places.held))) {
        // Forgotten while it could not reach the database: it registers again.
        id = await pools.registerWorker(registration);
        if (drained) await pools.drainWorker(id);
        logger.info({ workerId: id, pool }, 'worker registered again');
      }
    } catch (error) {
      if (error instanceof AuthenticationError || error instanceof NotFoundError) {
        clearInterval(timer);
        options.fail(
          new Error(`worker pool ${pool} no longer takes this worker: ${error.message}`),
        );
        return;
      }
      logger.warn({ err: error, workerId: id }, 'telling the pool this worker is alive');
    }
  };
  const timer = setInterval(() => {
    beating ??= beat().finally(() => (beating = undefined));
  }, options.heartbeatMs ?? HEARTBEAT_MS);
  return {
    /** Shows the worker as draining; it stays listed, and beating, until it stops. */
    async draining() {
      drained = true;
      try {
        await pools.drainWorker(id);
      } catch (error) {
        // Stopping goes on; the pool's list shows the worker undrained until it is forgotten.
        logger.warn({ err: error, workerId: id }, 'marking this worker drained');
      }
    },
    async stop() {
      clearInterval(timer);
      await beating;
      await pools.forgetWorker(id);
    },
  };
}
