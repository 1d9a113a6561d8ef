import { WorkflowUpdateFailedError } from '@temporalio/client';
import { cancelUpdate } from '../../src/runs/contract';
import { RunState, RunType } from '../../src/runs/types';
import { WorkflowHarness, type RunHandle } from './harness';

/**
 * Admission: a worker runs as many runs' phases at once as it has places, and the runs beyond
 * them wait in QUEUED, in order, for as long as it takes, and say what they wait for. A worker
 * that goes away gives its runs back to the queue. Real workflows and real admission
 * activities on a Temporal dev server, with stub phases.
 */
describe('runs admitted by the workers of their pool', () => {
  let harness: WorkflowHarness;

  beforeAll(async () => {
    // The harness's worker of the public pool holds one run at a time.
    harness = await WorkflowHarness.start({ places: 1 });
  });

  afterAll(async () => {
    await harness?.stop();
  });

  /** Waits until the run asks a worker for a place: its admission is pending. */
  const askedForPlace = (run: RunHandle) =>
    harness.waitFor(
      async () =>
        ((await run.describe()).raw.pendingActivities ?? []).some(
          (activity) => activity.activityType?.name === 'admit',
        ),
      `${run.workflowId} to ask for a place`,
    );

  it('runs one run at a time on a worker with one place; the next waits QUEUED, then runs', async () => {
    const first = await harness.startRun({
      runId: 'first',
      stackId: 'one-place-a',
      type: RunType.PROPOSED,
      script: { hold: ['plan'] },
    });
    await harness.phaseStarted('first', 'plan');
    const second = await harness.startRun({
      runId: 'second',
      stackId: 'one-place-b',
      type: RunType.PROPOSED,
    });
    // Long enough for the second run to have been taken, were there a place for it.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(harness.statesOf('second')).toEqual([]);
    expect(harness.places.held).toBe(1);

    harness.release('first', 'plan');
    expect(await first.result()).toEqual({ state: RunState.FINISHED });
    expect(await second.result()).toEqual({ state: RunState.FINISHED });
    expect(harness.statesOf('second')).toEqual([
      RunState.INITIALIZING,
      RunState.PLANNING,
      RunState.FINISHED,
    ]);
    await harness.waitFor(
      () => Promise.resolve(harness.places.held === 0),
      'the places to be given back',
    );
  });

  it('starts runs waiting for a worker in the order they came', async () => {
    const holder = await harness.startRun({
      runId: 'holder',
      stackId: 'order-holder',
      type: RunType.PROPOSED,
      script: { hold: ['plan'] },
    });
    await harness.phaseStarted('holder', 'plan');
    const waiting = ['order-1', 'order-2', 'order-3', 'order-4'];
    const handles = [];
    for (const runId of waiting) {
      const handle = await harness.startRun({ runId, stackId: runId, type: RunType.PROPOSED });
      // Each asks for its place before the next is started.
      await askedForPlace(handle);
      handles.push(handle);
    }
    harness.release('holder', 'plan');
    await holder.result();
    await Promise.all(handles.map((handle) => handle.result()));
    const started = harness.transitions
      .filter((transition) => waiting.includes(transition.runId))
      .filter((transition) => transition.state === RunState.INITIALIZING)
      .map((transition) => transition.runId);
    expect(started).toEqual(waiting);
  });

  it('keeps a run of a pool without workers QUEUED, saying so, and starts it when one comes; other runs go on', async () => {
    harness.poolWorkers.set('01JPOOL0000000000000000001', { live: 0, full: 0 });
    const pooled = await harness.startRun({
      runId: 'pooled',
      stackId: 'in-pool',
      type: RunType.PROPOSED,
      workerPool: '01JPOOL0000000000000000001',
    });
    const public_ = await harness.startRun({
      runId: 'public',
      stackId: 'not-in-pool',
      type: RunType.PROPOSED,
    });
    expect(await public_.result()).toEqual({ state: RunState.FINISHED });

    await harness.waitFor(
      () => Promise.resolve(harness.waitingNotes.some((note) => note.runId === 'pooled')),
      'the waiting run to say what it waits for',
      30_000,
    );
    expect(harness.waitingNotes.filter((note) => note.runId === 'pooled')).toEqual([
      {
        runId: 'pooled',
        seq: 0,
        note: 'waiting for a worker of worker pool 01JPOOL0000000000000000001: none is running (start one with `gantry worker --pool 01JPOOL0000000000000000001`)',
      },
    ]);
    expect(harness.statesOf('pooled')).toEqual([]);
    const pending = (await pooled.describe()).raw.pendingActivities ?? [];
    expect(pending.map((activity) => activity.activityType?.name)).toEqual(['admit']);

    const worker = await harness.startPoolWorker('01JPOOL0000000000000000001');
    try {
      expect(await pooled.result()).toEqual({ state: RunState.FINISHED });
      expect(harness.statesOf('pooled')).toEqual([
        RunState.INITIALIZING,
        RunState.PLANNING,
        RunState.FINISHED,
      ]);
    } finally {
      await worker.stop();
    }
  });

  it('cancels a run waiting QUEUED for a worker', async () => {
    harness.poolWorkers.set('01JPOOL0000000000000000002', { live: 0, full: 0 });
    const waiting = await harness.startRun({
      runId: 'waiting',
      stackId: 'waits-for-pool',
      workerPool: '01JPOOL0000000000000000002',
    });
    await askedForPlace(waiting);
    expect(await waiting.executeUpdate(cancelUpdate, { args: [{ username: 'erin' }] })).toEqual({
      state: RunState.CANCELED,
    });
    expect(await waiting.result()).toEqual({ state: RunState.CANCELED });
    expect(harness.transitionsOf('waiting')).toEqual([
      { runId: 'waiting', seq: 1, state: RunState.CANCELED, note: 'canceled by erin' },
    ]);
    expect((await waiting.describe()).raw.pendingActivities ?? []).toEqual([]);
  });

  it('hands a run back to the queue when its worker stops mid-plan, and another worker plans it', async () => {
    const pool = '01JPOOL0000000000000000003';
    const leaving = await harness.startPoolWorker(pool, { graceMs: 500 });
    const run = await harness.startRun({
      runId: 'handed-back',
      stackId: 'worker-stops',
      type: RunType.PROPOSED,
      workerPool: pool,
      script: { hold: ['plan'] },
    });
    await harness.phaseStarted('handed-back', 'plan');
    await leaving.stop();
    await harness.waitFor(
      () => Promise.resolve(harness.statesOf('handed-back').includes(RunState.QUEUED)),
      'the run to be back in the queue',
    );
    expect(harness.transitionsOf('handed-back').at(-1)).toEqual({
      runId: 'handed-back',
      seq: 3,
      state: RunState.QUEUED,
      note: 'the worker holding the run was stopped before the run was done with it; the run starts again on another worker',
    });
    expect(harness.releasedRunState).toContain('handed-back');

    const staying = await harness.startPoolWorker(pool);
    try {
      // The stub's plan gate is still open from the first attempt: the second plan runs through.
      harness.release('handed-back', 'plan');
      expect(await run.result()).toEqual({ state: RunState.FINISHED });
      expect(harness.statesOf('handed-back')).toEqual([
        RunState.INITIALIZING,
        RunState.PLANNING,
        RunState.QUEUED,
        RunState.INITIALIZING,
        RunState.PLANNING,
        RunState.FINISHED,
      ]);
    } finally {
      await staying.stop();
    }
  });

  it('refuses to cancel a run once a worker took it', async () => {
    const run = await harness.startRun({
      runId: 'taken',
      stackId: 'taken-stack',
      type: RunType.TASK,
      script: { hold: ['perform'] },
    });
    await harness.phaseStarted('taken', 'perform');
    await expect(
      run.executeUpdate(cancelUpdate, { args: [{ username: 'erin' }] }),
    ).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    harness.release('taken', 'perform');
    expect(await run.result()).toEqual({ state: RunState.FINISHED });
  });
});
