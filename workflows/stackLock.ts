import {
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  acquireLockSignal,
  lockGrantedSignal,
  prioritizeSignal,
  releaseLockSignal,
  setLockedBySignal,
  stackLockStateQuery,
  type StackLockState,
} from '../src/runs/contract';

/**
 * The per-stack lock. Tracked runs and tasks of one stack run one at a time, in the order they
 * asked; proposed runs never ask. One long-lived workflow per stack (`stack/<stackId>`) holds
 * the queue, because ordering and handing over belong to Temporal, not to a table of locks.
 *
 * A person's stack lock (stackLock) narrows who may go next: while it is held only runs that
 * person triggered are granted, the others keep their place until it is lifted. A prioritized
 * run (runPrioritizeSet) goes before the runs waiting without priority.
 */
export async function stackLockWorkflow(initial: StackLockState): Promise<void> {
  const state: StackLockState = { ...initial, queue: [...initial.queue] };

  setHandler(stackLockStateQuery, () => state);
  setHandler(acquireLockSignal, (request) => {
    const known =
      state.holder?.runId === request.runId ||
      state.queue.some((queued) => queued.runId === request.runId);
    if (!known) state.queue.push(request);
  });
  setHandler(releaseLockSignal, ({ runId }) => {
    if (state.holder?.runId === runId) delete state.holder;
    state.queue = state.queue.filter((queued) => queued.runId !== runId);
  });
  setHandler(setLockedBySignal, ({ lockedBy }) => {
    state.lockedBy = lockedBy;
  });
  setHandler(prioritizeSignal, ({ runId, prioritized }) => {
    for (const queued of state.queue) if (queued.runId === runId) queued.prioritized = prioritized;
  });

  // The first prioritized run the lock may go to, else the first run it may go to.
  const next = () => {
    if (state.holder) return undefined;
    const eligible = state.queue.filter(
      (queued) => !state.lockedBy || queued.triggeredBy === state.lockedBy,
    );
    return eligible.find((queued) => queued.prioritized) ?? eligible[0];
  };

  for (;;) {
    await condition(() => next() !== undefined || workflowInfo().continueAsNewSuggested);
    const granted = next();
    if (granted) {
      state.queue = state.queue.filter((queued) => queued !== granted);
      state.holder = granted;
      try {
        await getExternalWorkflowHandle(granted.workflowId).signal(lockGrantedSignal);
      } catch {
        // The run is gone (it ended while waiting): the lock goes to the next one.
        delete state.holder;
      }
      continue;
    }
    // A long history is carried over whole: the holder, the queue and the person's lock.
    await continueAsNew<typeof stackLockWorkflow>(state);
  }
}
