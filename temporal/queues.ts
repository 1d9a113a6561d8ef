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
