import os from 'node:os';
import type { WorkerPlaces } from '../../activities';
import { AuthenticationError, NotFoundError } from '../platform/errors';
import type { Logger } from '../platform/logger';
import type { WorkerPoolService } from '../workerPools/service';

// Well inside the minute after which a worker that stopped saying so counts as gone.
const HEARTBEAT_MS = 15_000;

/**
 * A worker process in its pool's list of workers (WorkerPool.workers): registered when it
 * starts, how many runs it holds told every few seconds, gone when it stops. A worker of a
 * private pool whose pool was deleted, or whose credentials were reset, stops: it no longer
 * belongs to the pool.
 */
export async function startWorkerRegistration(options: {
  pools: WorkerPoolService;
  pool: string | null;
  token: string | undefined;
  places: WorkerPlaces;
  concurrency: number;
  logger: Logger;
  fail: (error: Error) => void;
}) {
  const { pools, pool, places, logger } = options;
  const registration = {
    pool,
    hostname: os.hostname(),
    pid: process.pid,
    concurrency: options.concurrency,
  };
  const id = await pools.registerWorker(registration);
  logger.info({ workerId: id, pool }, 'worker registered');
  let beating: Promise<void> = Promise.resolve();
  let registered = { id, pool };
  const beat = async () => {
    try {
      if (pool !== null) await pools.authenticateWorker(pool, options.token ?? '');
      const heard = await pools.heartbeatWorker(registered, places.held);
      if (!heard.registered && heard.poolExists) {
        // Forgotten while it could not reach the database: it registers again.
        registered = { ...registered, id: await pools.registerWorker(registration) };
      }
      if (!heard.poolExists) throw new NotFoundError(`worker pool "${pool}" was deleted`);
    } catch (error) {
      if (error instanceof AuthenticationError || error instanceof NotFoundError) {
        options.fail(
          new Error(`worker pool ${pool} no longer takes this worker: ${error.message}`),
        );
        return;
      }
      logger.warn({ err: error, workerId: registered.id }, 'telling the pool this worker is alive');
    }
  };
  const timer = setInterval(() => {
    beating = beat();
  }, HEARTBEAT_MS);
  return {
    async stop() {
      clearInterval(timer);
      await beating;
      await pools.forgetWorker(registered.id);
    },
  };
}
