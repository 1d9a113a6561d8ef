/**
 * Gantry's task queues, by name. Workflow code reads them too, so this module imports nothing.
 */

/** Workflows, and the short activities that record what runs do. */
export const TASK_QUEUE = 'gantry';

/**
 * The queue where a worker pool's workers admit runs; stacks that name no pool use the public
 * pool, which every `gantry worker` without a pool serves.
 */
export function poolTaskQueue(poolId: string | null | undefined): string {
  return `${TASK_QUEUE}/pool/${poolId ?? 'public'}`;
}

/**
 * Temporal keeps a task queue's tasks in order only within one of its partitions; with one
 * partition per queue, runs waiting for a worker of a pool are admitted in the order they came.
 * Gantry's queues carry a few tasks a second, far below what one partition takes. The embedded
 * dev server is started with these values; a Temporal cluster gets them from its dynamic
 * configuration (temporal/dynamicconfig.yaml, as docker-compose.yml mounts it).
 */
export const ONE_PARTITION = [
  'matching.numTaskqueueReadPartitions=1',
  'matching.numTaskqueueWritePartitions=1',
];
