import {
  confirmUpdate,
  discardUpdate,
  prioritizeSignal,
  runWorkflowId,
  setLockedBySignal,
  stackLockWorkflowId,
} from '../../src/runs/contract';
import { RunState, RunType } from '../../src/runs/types';
import { WorkflowHarness, type RunHandle } from './harness';
import * as scenarios from './scenarios';

/**
 * The stack lock workflow of `workflows/` with real run workflows queueing on it (stub
 * activities): one run of a stack at a time, in order; a person's lock; continue-as-new. The
 * dev server here suggests continue-as-new after a short history, so any of these lock
 * workflows may continue as new mid-test, as long-lived ones do in production.
 */

/** A run's place in its stack's lock. */
const request = (stackId: string, runId: string, triggeredBy: string | null = null) => ({
  runId,
  workflowId: runWorkflowId(stackId, runId),
  triggeredBy,
});

describe('the stack lock workflow', () => {
  let harness: WorkflowHarness;

  beforeAll(async () => {
    harness = await WorkflowHarness.start({ serverArgs: scenarios.CONTINUE_AS_NEW_ARGS });
  });

  afterAll(async () => {
    await harness?.stop();
  });

  const discard = async (run: RunHandle) => {
    await run.executeUpdate(discardUpdate, { args: [{ username: 'tester' }] });
    expect(await run.result()).toEqual({ state: RunState.DISCARDED });
  };

  it('runs one tracked run of a stack at a time, in order; a proposed run never waits', async () => {
    const stackId = 'queue';
    const first = await harness.startRun({ runId: 'first', stackId });
    await harness.waitForState(first, RunState.UNCONFIRMED);
    const second = await harness.startRun({ runId: 'second', stackId });
    await scenarios.waitUntilQueued(harness, stackId, 'second');
    expect(await scenarios.lockState(harness, stackId)).toMatchObject({
      holder: request(stackId, 'first'),
      queue: [request(stackId, 'second')],
      lockedBy: null,
    });

    const proposed = await harness.startRun({ runId: 'beside', stackId, type: RunType.PROPOSED });
    expect(await proposed.result()).toEqual({ state: RunState.FINISHED });
    expect(harness.statesOf('second')).toEqual([]);

    await first.executeUpdate(confirmUpdate, { args: [{ username: 'alice' }] });
    expect(await first.result()).toEqual({ state: RunState.FINISHED });
    await harness.waitForState(second, RunState.UNCONFIRMED);
    expect(await scenarios.lockState(harness, stackId)).toMatchObject({
      holder: request(stackId, 'second'),
      queue: [],
    });
    await discard(second);
    expect((await scenarios.lockState(harness, stackId)).holder).toBeUndefined();
  });

  it('lets only the runs of the person who locked the stack through, the others keep their place', async () => {
    const stackId = 'person';
    const alicesFirst = await harness.startRun({
      runId: 'alice-1',
      stackId,
      triggeredBy: 'alice',
    });
    await harness.waitForState(alicesFirst, RunState.UNCONFIRMED);
    await harness.client.workflow
      .getHandle(stackLockWorkflowId(stackId))
      .signal(setLockedBySignal, { lockedBy: 'alice' });
    const bobs = await harness.startRun({ runId: 'bob', stackId, triggeredBy: 'bob' });
    await scenarios.waitUntilQueued(harness, stackId, 'bob');
    const alicesSecond = await harness.startRun({
      runId: 'alice-2',
      stackId,
      triggeredBy: 'alice',
    });
    await scenarios.waitUntilQueued(harness, stackId, 'alice-2');

    await discard(alicesFirst);
    await harness.waitForState(alicesSecond, RunState.UNCONFIRMED);
    expect(await scenarios.lockState(harness, stackId)).toMatchObject({
      holder: request(stackId, 'alice-2', 'alice'),
      queue: [request(stackId, 'bob', 'bob')],
      lockedBy: 'alice',
    });
    await discard(alicesSecond);
    expect(await scenarios.lockState(harness, stackId)).toMatchObject({
      queue: [request(stackId, 'bob', 'bob')],
      lockedBy: 'alice',
    });
    expect(harness.statesOf('bob')).toEqual([]);

    await harness.client.workflow
      .getHandle(stackLockWorkflowId(stackId))
      .signal(setLockedBySignal, { lockedBy: null });
    await harness.waitForState(bobs, RunState.UNCONFIRMED);
    await discard(bobs);
  });

  it('hands the lock to a prioritized run before the runs queued ahead of it', async () => {
    const stackId = 'priority';
    const first = await harness.startRun({ runId: 'p-first', stackId });
    await harness.waitForState(first, RunState.UNCONFIRMED);
    const second = await harness.startRun({ runId: 'p-second', stackId });
    await scenarios.waitUntilQueued(harness, stackId, 'p-second');
    const urgent = await harness.startRun({ runId: 'p-urgent', stackId });
    await scenarios.waitUntilQueued(harness, stackId, 'p-urgent');
    await harness.client.workflow
      .getHandle(stackLockWorkflowId(stackId))
      .signal(prioritizeSignal, { runId: 'p-urgent', prioritized: true });

    await discard(first);
    await harness.waitForState(urgent, RunState.UNCONFIRMED);
    expect(await scenarios.lockState(harness, stackId)).toMatchObject({
      holder: { runId: 'p-urgent', prioritized: true },
      queue: [request(stackId, 'p-second')],
    });
    expect(harness.statesOf('p-second')).toEqual([]);
    await discard(urgent);
    await harness.waitForState(second, RunState.UNCONFIRMED);
    await discard(second);
  });

  it('starts with the person’s lock as stored when the first run asks for the lock', async () => {
    const stackId = 'stored-lock';
    harness.lockedBy.set(stackId, 'carol');
    const bobs = await harness.startRun({ runId: 'bob-stored', stackId, triggeredBy: 'bob' });
    await scenarios.waitUntilQueued(harness, stackId, 'bob-stored');
    const carols = await harness.startRun({ runId: 'carol', stackId, triggeredBy: 'carol' });
    await harness.waitForState(carols, RunState.UNCONFIRMED);
    expect(await scenarios.lockState(harness, stackId)).toMatchObject({
      holder: request(stackId, 'carol', 'carol'),
      queue: [request(stackId, 'bob-stored', 'bob')],
      lockedBy: 'carol',
    });
    await discard(carols);
    await harness.client.workflow
      .getHandle(stackLockWorkflowId(stackId))
      .signal(setLockedBySignal, { lockedBy: null });
    await harness.waitForState(bobs, RunState.UNCONFIRMED);
    await discard(bobs);
  });

  it('carries the holder, the queue and the person’s lock over when it continues as new', async () => {
    const stackId = 'continued';
    const lock = await scenarios.lockContinuedAsNew(harness, stackId);
    expect(lock.secondRunId).not.toBe(lock.firstRunId);
    const expected = {
      stackId,
      holder: request(stackId, `${stackId}-alice`, 'alice'),
      queue: [
        request(stackId, `${stackId}-bob-1`, 'bob'),
        request(stackId, `${stackId}-bob-2`, 'bob'),
      ],
      lockedBy: 'alice',
    };
    expect(lock.before).toEqual(expected);
    expect(lock.after).toEqual(expected);
    // Once alice's run ended, bob's runs still wait for her lock to be lifted.
    expect(lock.stillQueued).toEqual({ ...expected, holder: undefined });
    expect(harness.statesOf(`${stackId}-bob-1`).at(-1)).toBe(RunState.DISCARDED);
    expect(harness.statesOf(`${stackId}-bob-2`).at(-1)).toBe(RunState.DISCARDED);
  });
});
