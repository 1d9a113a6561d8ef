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
import { TASK_QUEUE } from './client';

export interface WorkerOptions {
  address: string;
  namespace: string;
  /** The module whose exports are the workflows; it is bundled for the workflow sandbox. */
  workflowsPath?: string;
  activities: object;
  taskQueue?: string;
  logger: Logger;
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
      // Activities still running then are cancelled: their tools are interrupted, not orphaned.
      shutdownGraceTime: '3s',
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

/**
 * The workers of one Gantry process: the shared queue takes workflows and the phases any
 * worker can do; this process's own queue takes the phases that need the workspace it
 * initialized.
 */
export async function startGantryWorkers(options: {
  address: string;
  namespace: string;
  logger: Logger;
  /** The activities of both queues, given the name of this process's own queue. */
  activities: (workerQueue: string) => { shared: object; sticky: object };
}): Promise<RunningWorker[]> {
  const workerQueue = `${TASK_QUEUE}/worker/${os.hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
  const activities = options.activities(workerQueue);
  const started: RunningWorker[] = [];
  try {
    for (const queue of [
      { workflowsPath: require.resolve('../workflows'), activities: activities.shared },
      { taskQueue: workerQueue, activities: activities.sticky },
    ]) {
      started.push(
        await startWorker({
          address: options.address,
          namespace: options.namespace,
          logger: options.logger,
          ...queue,
        }),
      );
    }
    return started;
  } catch (error) {
    await Promise.all(started.map((worker) => worker.stop()));
    throw error;
  }
}
