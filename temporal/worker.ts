import {
  NativeConnection,
  Runtime,
  Worker,
  type LogLevel,
  type LogMetadata,
} from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Logger } from '../src/platform/logger';
import { poolTaskQueue, TASK_QUEUE } from './client';

export interface WorkerOptions {
  address: string;
  namespace: string;
  /** The module whose exports are the workflows; it is bundled for the workflow sandbox. */
  workflowsPath?: string;
  activities: object;
  taskQueue?: string;
  logger: Logger;
  /** How many of the queue's activities the worker runs at once; the SDK's default if unset. */
  maxConcurrentActivities?: number;
  /** How long activities still running at a stop get to finish before they are cancelled. */
  shutdownGraceMs?: number;
}

export interface RunningWorker {
  worker: Worker;
  /** Settles when the worker stops, whether asked to or because it failed. */
  done: Promise<void>;
  /** Stops polling, lets running activities finish within the grace time, and resolves when done. */
  stop(): Promise<void>;
}

let runtimeInstalled = false;

/**
 * The SDK's runtime is process-wide and installed once: its log lines go to Gantry's logger,
 * and it must not take SIGINT/SIGTERM for itself, because Gantry stops its parts in order.
 */
function installRuntime(logger: Logger) {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  // The SDK is chatty at info (it logs the whole workflow bundle); its warnings are what matter.
  const log = logger.child(
    { component: 'temporal' },
    { level: logger.level === 'info' ? 'warn' : logger.level },
  );
  const levels: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
    TRACE: 'trace',
    DEBUG: 'debug',
    INFO: 'info',
    WARN: 'warn',
    ERROR: 'error',
  };
  const write = (level: LogLevel, message: string, meta?: LogMetadata) =>
    log[levels[level]](meta ?? {}, message);
  Runtime.install({
    shutdownSignals: [],
    logger: {
      log: write,
      trace: (message, meta) => write('TRACE', message, meta),
      debug: (message, meta) => write('DEBUG', message, meta),
      info: (message, meta) => write('INFO', message, meta),
      warn: (message, meta) => write('WARN', message, meta),
      error: (message, meta) => write('ERROR', message, meta),
    },
  });
}

export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  installRuntime(options.logger);
  const connection = await NativeConnection.connect({ address: options.address });
  try {
    const worker = await Worker.create({
      connection,
      namespace: options.namespace,
      taskQueue: options.taskQueue ?? TASK_QUEUE,
      ...(options.workflowsPath ? { workflowsPath: options.workflowsPath } : {}),
      activities: options.activities,
      ...(options.maxConcurrentActivities
        ? { maxConcurrentActivityTaskExecutions: options.maxConcurrentActivities }
        : {}),
      // Activities still running then are cancelled: their tools are interrupted, not orphaned.
      shutdownGraceTime: options.shutdownGraceMs ?? 3_000,
      // A stop reaches an activity with the answer to its next heartbeat, so heartbeats go
      // out every couple of seconds instead of the SDK's default of most of the timeout.
      maxHeartbeatThrottleInterval: '2s',
      defaultHeartbeatThrottleInterval: '2s',
    });
    const done = worker.run().finally(() => connection.close());
    return {
      worker,
      done,
      async stop() {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await done;
      },
    };
  } catch (error) {
    await connection.close();
    throw error;
  }
}

/** The Temporal workers of one Gantry worker process; `stop` drains them in order. */
export interface GantryWorkers {
  /** Settles when any of them stops, whether asked to or because it failed. */
  done: Promise<void>;
  stop(): Promise<void>;
}

/**
 * The workers of one Gantry process:
 * - the pool's queue admits runs, at most `places` at once (see createAdmissionActivities);
 * - this process's own queue runs the phases of the runs it admitted;
 * - the shared queue takes workflows and the short activities that record what runs do. Only
 *   workers of the public pool serve it: a private pool's workers run phases and nothing else.
 *
 * A stop drains: the pool's queue stops admitting at once, and runs already admitted have
 * `drainMs` to finish their phases here; after that their places are given back and the runs
 * go to other workers (an apply that was cut short fails, as it is never repeated).
 */
export async function startGantryWorkers(options: {
  address: string;
  namespace: string;
  logger: Logger;
  /** The pool this process serves; none is the public pool. */
  pool: string | null;
  places: number;
  drainMs: number;
  /** The activities of the queues, given the name of this process's own queue. */
  activities: (workerQueue: string) => { shared: object; sticky: object; admission: object };
}): Promise<GantryWorkers> {
  const workerQueue = `${TASK_QUEUE}/worker/${os.hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
  const activities = options.activities(workerQueue);
  const base = { address: options.address, namespace: options.namespace, logger: options.logger };
  const started: RunningWorker[] = [];
  const start = async (queue: Omit<WorkerOptions, keyof typeof base>) => {
    const worker = await startWorker({ ...base, ...queue });
    started.push(worker);
    return worker;
  };
  try {
    const shared =
      options.pool === null
        ? await start({
            workflowsPath: require.resolve('../workflows'),
            activities: activities.shared,
          })
        : undefined;
    const own = await start({
      taskQueue: workerQueue,
      activities: activities.sticky,
      // By then the runs it admitted are done here, or being handed to other workers.
      shutdownGraceMs: Math.min(options.drainMs, 10_000),
    });
    const admission = await start({
      taskQueue: poolTaskQueue(options.pool),
      activities: activities.admission,
      maxConcurrentActivities: options.places,
      shutdownGraceMs: options.drainMs,
    });
    return {
      done: Promise.race(started.map((worker) => worker.done)),
      async stop() {
        // Admitting stops first; the runs it held hand their places back as they finish.
        await admission.stop();
        await own.stop();
        await shared?.stop();
      },
    };
  } catch (error) {
    await Promise.all(started.map((worker) => worker.stop()));
    throw error;
  }
}
