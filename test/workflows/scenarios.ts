import { WorkflowUpdateFailedError } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import {
  cancelUpdate,
  confirmUpdate,
  decisionSignal,
  discardUpdate,
  replanUpdate,
  setLockedBySignal,
  stackLockStateQuery,
  stackLockWorkflowId,
  stopUpdate,
  type RunStatus,
  type StackLockState,
} from '../../src/runs/contract';
import { RunState, RunType } from '../../src/runs/types';
import type { RunHandle, WorkflowHarness } from './harness';

/**
 * One run per path through the run workflow, driven with stub activities. The workflow tests
 * assert on them, and `recordHistories.ts` records their histories for the replay test.
 */

export interface ScenarioRun {
  runId: string;
  workflowId: string;
  status: RunStatus;
}

/** Waits for the run's end. Each scenario's run has a stack of its own, named as the run. */
async function finish(handle: RunHandle, runId: string): Promise<ScenarioRun> {
  return { runId, workflowId: handle.workflowId, status: await handle.result() };
}

export async function trackedConfirmed(harness: WorkflowHarness, runId: string) {
  const handle = await harness.startRun({ runId, stackId: runId, triggeredBy: 'alice' });
  await harness.waitForState(handle, RunState.UNCONFIRMED);
  const answer = await handle.executeUpdate(confirmUpdate, { args: [{ username: 'alice' }] });
  return { ...(await finish(handle, runId)), answer };
}

/** Replanned, limited to one resource, while it waited; then confirmed. */
export async function trackedReplanned(harness: WorkflowHarness, runId: string) {
  const handle = await harness.startRun({ runId, stackId: runId, triggeredBy: 'alice' });
  await harness.waitForState(handle, RunState.UNCONFIRMED);
  await handle.executeUpdate(replanUpdate, {
    args: [{ username: 'ada', targets: ['terraform_data.a'] }],
  });
  await harness.waitForState(handle, RunState.UNCONFIRMED);
  await handle.executeUpdate(confirmUpdate, { args: [{ username: 'alice' }] });
  return finish(handle, runId);
}

/** Destroying its stack's resources: applied without a decision, the stack deleted after. */
export async function destroyed(harness: WorkflowHarness, runId: string) {
  const handle = await harness.startRun({ runId, stackId: runId, destroy: true });
  return finish(handle, runId);
}

export async function trackedDiscarded(harness: WorkflowHarness, runId: string) {
  const handle = await harness.startRun({ runId, stackId: runId, triggeredBy: 'alice' });
  await harness.waitForState(handle, RunState.UNCONFIRMED);
  const answer = await handle.executeUpdate(discardUpdate, { args: [{ username: 'bob' }] });
  return { ...(await finish(handle, runId)), answer };
}

/** Confirmed by the Signal a caller sends when no worker answered its Update in time. */
export async function trackedConfirmedBySignal(harness: WorkflowHarness, runId: string) {
  const handle = await harness.startRun({
    runId,
    stackId: runId,
    script: { hold: ['plan'] },
  });
  await harness.phaseStarted(runId, 'plan');
  // Too early: dropped, the run goes on to wait for a decision.
  await handle.signal(decisionSignal, { decision: 'confirm', username: 'early' });
  harness.release(runId, 'plan');
  await harness.waitForState(handle, RunState.UNCONFIRMED);
  await handle.signal(decisionSignal, { decision: 'confirm', username: 'carol' });
  return finish(handle, runId);
}

export async function trackedNoChanges(harness: WorkflowHarness, runId: string) {
  const handle = await harness.startRun({
    runId,
    stackId: runId,
    script: { plan: { changes: false, autodeploy: false } },
  });
  return finish(handle, runId);
}

export async function autodeploy(harness: WorkflowHarness, runId: string) {
  const handle = await harness.startRun({
    runId,
    stackId: runId,
    script: { plan: { changes: true, autodeploy: true } },
  });
  return finish(handle, runId);
}

export async function proposed(harness: WorkflowHarness, runId: string) {
  const handle = await harness.startRun({ runId, stackId: runId, type: RunType.PROPOSED });
  return finish(handle, runId);
}

export async function task(harness: WorkflowHarness, runId: string) {
  const handle = await harness.startRun({ runId, stackId: runId, type: RunType.TASK });
  return finish(handle, runId);
}

export async function planFailed(harness: WorkflowHarness, runId: string) {
  const handle = await harness.startRun({
    runId,
    stackId: runId,
    script: { fail: { plan: 'tofu plan exited with code 1' } },
  });
  return finish(handle, runId);
}

/** A plan that outlasts the run's time limit. */
export async function tooLong(harness: WorkflowHarness, runId: string, runTimeoutMs = 2_000) {
  const handle = await harness.startRun({
    runId,
    stackId: runId,
    runTimeoutMs,
    script: { hold: ['plan'] },
  });
  return finish(handle, runId);
}

export async function stoppedWhilePlanning(harness: WorkflowHarness, runId: string) {
  const handle = await harness.startRun({ runId, stackId: runId, script: { hold: ['plan'] } });
  await harness.phaseStarted(runId, 'plan');
  const answer = await handle.executeUpdate(stopUpdate, { args: [{ username: 'dave' }] });
  return { ...(await finish(handle, runId)), answer };
}

/**
 * A run canceled while it waits in QUEUED for the lock `blockerId` holds; the blocker is
 * discarded afterwards, and `blocked` is its refusal of a cancel.
 */
export async function canceledWhileQueued(
  harness: WorkflowHarness,
  runId: string,
  blockerId = `${runId}-blocker`,
) {
  const stackId = runId;
  const blocker = await harness.startRun({ runId: blockerId, stackId });
  await harness.waitForState(blocker, RunState.UNCONFIRMED);
  const handle = await harness.startRun({ runId, stackId });
  await waitUntilQueued(harness, stackId, runId);
  const answer = await handle.executeUpdate(cancelUpdate, { args: [{ username: 'erin' }] });
  const canceled = await finish(handle, runId);
  const blocked = await refusal(
    blocker.executeUpdate(cancelUpdate, { args: [{ username: 'erin' }] }),
  );
  await blocker.executeUpdate(discardUpdate, { args: [{ username: 'erin' }] });
  return { ...canceled, answer, blocked, blocker: await finish(blocker, blockerId) };
}

/** The refusal a rejected Update carries, as the run service reads it. */
export async function refusal(update: Promise<unknown>): Promise<string> {
  const error = await update.then(
    () => {
      throw new Error('the update was not refused');
    },
    (error: unknown) => error,
  );
  if (!(error instanceof WorkflowUpdateFailedError)) throw error;
  return (error.cause as Error).message;
}

/** Waits until the run has its place in the queue of its stack's lock. */
export async function waitUntilQueued(harness: WorkflowHarness, stackId: string, runId: string) {
  await harness.waitFor(async () => {
    const { queue } = await lockState(harness, stackId).catch((error: unknown) => {
      if (error instanceof WorkflowNotFoundError) return { queue: [] };
      throw error;
    });
    return queue.some((queued) => queued.runId === runId);
  }, `${runId} to queue for the lock of ${stackId}`);
}

export function lockState(harness: WorkflowHarness, stackId: string): Promise<StackLockState> {
  return harness.client.workflow.getHandle(stackLockWorkflowId(stackId)).query(stackLockStateQuery);
}

/**
 * Dev server arguments that make it suggest continue-as-new after 40 events, so that a stack's
 * lock workflow does it within a test.
 */
export const CONTINUE_AS_NEW_ARGS = [
  '--dynamic-config-value',
  'limit.historyCount.suggestContinueAsNew=40',
];

/**
 * A stack's lock workflow that continues as new while a run holds the lock and two wait
 * behind a person's lock: the holder, the queue and the person's lock must carry over. The
 * server must suggest continue-as-new after a short history.
 */
export async function lockContinuedAsNew(harness: WorkflowHarness, stackId: string) {
  harness.lockedBy.set(stackId, 'alice');
  const holder = await harness.startRun({
    runId: `${stackId}-alice`,
    stackId,
    triggeredBy: 'alice',
  });
  await harness.waitForState(holder, RunState.UNCONFIRMED);
  const waiting = [];
  for (const runId of [`${stackId}-bob-1`, `${stackId}-bob-2`]) {
    waiting.push(await harness.startRun({ runId, stackId, triggeredBy: 'bob' }));
    await waitUntilQueued(harness, stackId, runId);
  }
  const lock = harness.client.workflow.getHandle(stackLockWorkflowId(stackId));
  const before = await lockState(harness, stackId);
  const { runId: firstRunId } = await lock.describe();
  // Each signal lengthens the history, until the server suggests continuing as new.
  await harness.waitFor(async () => {
    if ((await lock.describe()).runId !== firstRunId) return true;
    await lock.signal(setLockedBySignal, { lockedBy: 'alice' });
    return false;
  }, 'the lock workflow to continue as new');
  const { runId: secondRunId } = await lock.describe();
  const after = await lockState(harness, stackId);

  await holder.executeUpdate(confirmUpdate, { args: [{ username: 'alice' }] });
  await holder.result();
  const stillQueued = await lockState(harness, stackId);
  await lock.signal(setLockedBySignal, { lockedBy: null });
  for (const run of waiting) {
    await harness.waitForState(run, RunState.UNCONFIRMED);
    await run.executeUpdate(discardUpdate, { args: [{ username: 'bob' }] });
    await run.result();
  }
  return { lockWorkflowId: lock.workflowId, firstRunId, secondRunId, before, after, stillQueued };
}
