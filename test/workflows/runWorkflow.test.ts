import { WorkflowUpdateFailedError } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import {
  confirmUpdate,
  discardUpdate,
  replanUpdate,
  stackLockWorkflowId,
  stopUpdate,
} from '../../src/runs/contract';
import { refusalOf, replanRefusal } from '../../src/runs/machine';
import { RunState, RunType } from '../../src/runs/types';
import { WorkflowHarness } from './harness';
import * as scenarios from './scenarios';

/**
 * The run workflow of `workflows/` on real workers against a Temporal dev server, with stub
 * activities: every path a run can take, the decisions racing, and the time limit.
 */

describe('the run workflow with stub activities', () => {
  let harness: WorkflowHarness;

  beforeAll(async () => {
    harness = await WorkflowHarness.start();
  });

  afterAll(async () => {
    await harness?.stop();
  });

  describe('each path a run takes', () => {
    it('applies a tracked run once a person confirms it', async () => {
      const run = await scenarios.trackedConfirmed(harness, 'confirmed');
      expect(run.answer).toEqual({ state: RunState.CONFIRMED });
      expect(run.status).toEqual({ state: RunState.FINISHED });
      expect(harness.transitionsOf('confirmed')).toEqual([
        { runId: 'confirmed', seq: 1, state: RunState.INITIALIZING },
        { runId: 'confirmed', seq: 2, state: RunState.PLANNING },
        { runId: 'confirmed', seq: 3, state: RunState.UNCONFIRMED },
        { runId: 'confirmed', seq: 4, state: RunState.CONFIRMED, username: 'alice' },
        { runId: 'confirmed', seq: 5, state: RunState.APPLYING },
        { runId: 'confirmed', seq: 6, state: RunState.FINISHED },
      ]);
    });

    it('ends a tracked run a person discards DISCARDED', async () => {
      const run = await scenarios.trackedDiscarded(harness, 'discarded');
      expect(run.answer).toEqual({ state: RunState.DISCARDED });
      expect(run.status).toEqual({ state: RunState.DISCARDED });
      expect(harness.transitionsOf('discarded').at(-1)).toEqual({
        runId: 'discarded',
        seq: 4,
        state: RunState.DISCARDED,
        username: 'bob',
      });
    });

    it('finishes a run whose plan changes nothing without waiting', async () => {
      const run = await scenarios.trackedNoChanges(harness, 'no-changes');
      expect(run.status).toEqual({ state: RunState.FINISHED });
      expect(harness.transitionsOf('no-changes').slice(1)).toEqual([
        { runId: 'no-changes', seq: 2, state: RunState.PLANNING },
        { runId: 'no-changes', seq: 3, state: RunState.FINISHED, note: 'no changes' },
      ]);
    });

    it('confirms an autodeployed run itself', async () => {
      const run = await scenarios.autodeploy(harness, 'autodeploy');
      expect(run.status).toEqual({ state: RunState.FINISHED });
      expect(harness.transitionsOf('autodeploy').slice(2)).toEqual([
        { runId: 'autodeploy', seq: 3, state: RunState.CONFIRMED, note: 'autodeploy' },
        { runId: 'autodeploy', seq: 4, state: RunState.APPLYING },
        { runId: 'autodeploy', seq: 5, state: RunState.FINISHED },
      ]);
    });

    it('finishes a proposed run after planning, without asking for the lock', async () => {
      const run = await scenarios.proposed(harness, 'proposed');
      expect(run.status).toEqual({ state: RunState.FINISHED });
      expect(harness.statesOf('proposed')).toEqual([
        RunState.INITIALIZING,
        RunState.PLANNING,
        RunState.FINISHED,
      ]);
      await expect(
        harness.client.workflow.getHandle(stackLockWorkflowId('proposed')).describe(),
      ).rejects.toThrow(WorkflowNotFoundError);
    });

    it('performs a task', async () => {
      const run = await scenarios.task(harness, 'task');
      expect(run.status).toEqual({ state: RunState.FINISHED });
      expect(harness.statesOf('task')).toEqual([
        RunState.INITIALIZING,
        RunState.PERFORMING,
        RunState.PERFORMED,
        RunState.FINISHED,
      ]);
    });

    it('tells the integrations of every transition, QUEUED and its last included, once the run has ended', async () => {
      const run = await scenarios.autodeploy(harness, 'told');
      expect(run.status).toEqual({ state: RunState.FINISHED });
      // QUEUED was stored with the run; the workflow records the others.
      const transitions = [
        { seq: 0, state: RunState.QUEUED },
        ...harness.transitionsOf('told').map(({ seq, state }) => ({ seq, state })),
      ];
      // Each transition's feedback has started by the time the run's workflow ended.
      for (const { seq } of transitions) {
        await harness.client.workflow.getHandle(`notify/told/told/${seq}`).describe();
      }
      await harness.waitFor(
        () =>
          Promise.resolve(
            harness.told.filter((event) => event.runId === 'told').length === transitions.length,
          ),
        'the feedback of every transition',
      );
      const told = harness.told.filter((event) => event.runId === 'told');
      expect(told.sort((a, b) => a.seq - b.seq)).toEqual(
        transitions.map(({ seq, state }) => ({ runId: 'told', stackId: 'told', seq, state })),
      );
    });

    it('fails a run whose tool fails, saying what the tool said, and releases its state', async () => {
      const run = await scenarios.planFailed(harness, 'plan-failed');
      expect(run.status).toEqual({ state: RunState.FAILED });
      expect(harness.transitionsOf('plan-failed').at(-1)).toEqual({
        runId: 'plan-failed',
        seq: 3,
        state: RunState.FAILED,
        note: 'tofu plan exited with code 1',
      });
      expect(harness.releasedRunState).toContain('plan-failed');
    });
  });

  describe('decisions', () => {
    it('takes exactly one of two decisions sent at the same moment; the other is told who won', async () => {
      const handle = await harness.startRun({ runId: 'race', stackId: 'race' });
      await harness.waitForState(handle, RunState.UNCONFIRMED);
      const [confirmed, discarded] = await Promise.allSettled([
        handle.executeUpdate(confirmUpdate, { args: [{ username: 'alice' }] }),
        handle.executeUpdate(discardUpdate, { args: [{ username: 'bob' }] }),
      ]);
      const outcomes = [confirmed, discarded].map((outcome) => outcome.status);
      expect(outcomes.sort()).toEqual(['fulfilled', 'rejected']);

      const confirmWon = confirmed.status === 'fulfilled';
      const lost = (confirmWon ? discarded : confirmed) as PromiseRejectedResult;
      expect(lost.reason).toBeInstanceOf(WorkflowUpdateFailedError);
      expect((lost.reason as WorkflowUpdateFailedError).cause?.message).toBe(
        confirmWon
          ? 'the run was already confirmed by alice'
          : 'the run was already discarded by bob',
      );
      expect(await handle.result()).toEqual({
        state: confirmWon ? RunState.FINISHED : RunState.DISCARDED,
      });
      expect(harness.transitionsOf('race')[3]).toEqual(
        confirmWon
          ? { runId: 'race', seq: 4, state: RunState.CONFIRMED, username: 'alice' }
          : { runId: 'race', seq: 4, state: RunState.DISCARDED, username: 'bob' },
      );
    });

    it('refuses a decision while the run plans, and takes it once the run waits for one', async () => {
      const handle = await harness.startRun({
        runId: 'too-early',
        stackId: 'too-early',
        script: { hold: ['plan'] },
      });
      await harness.phaseStarted('too-early', 'plan');
      expect(
        await scenarios.refusal(
          handle.executeUpdate(confirmUpdate, { args: [{ username: 'alice' }] }),
        ),
      ).toBe(refusalOf('confirm', RunState.PLANNING));
      expect(refusalOf('confirm', RunState.PLANNING)).toBe(
        'the run is PLANNING; only an UNCONFIRMED run can be confirmed',
      );
      harness.release('too-early', 'plan');
      await harness.waitForState(handle, RunState.UNCONFIRMED);
      expect(await handle.executeUpdate(confirmUpdate, { args: [{ username: 'alice' }] })).toEqual({
        state: RunState.CONFIRMED,
      });
      expect(await handle.result()).toEqual({ state: RunState.FINISHED });
    });

    it('takes a decision sent as a Signal when it is valid, and drops it when it is too early', async () => {
      const run = await scenarios.trackedConfirmedBySignal(harness, 'by-signal');
      expect(run.status).toEqual({ state: RunState.FINISHED });
      expect(harness.transitionsOf('by-signal')[3]).toEqual({
        runId: 'by-signal',
        seq: 4,
        state: RunState.CONFIRMED,
        username: 'carol',
      });
    });
  });

  describe('targeted replans', () => {
    it('plans a waiting run again on request, numbering the visit, and applies after the new confirmation', async () => {
      const handle = await harness.startRun({ runId: 'replanned', stackId: 'replanned' });
      await harness.waitForState(handle, RunState.UNCONFIRMED);
      const answer = await handle.executeUpdate(replanUpdate, {
        args: [{ username: 'ada', targets: ['terraform_data.a'] }],
      });
      expect(answer).toEqual({ state: RunState.PLANNING });
      await harness.waitForState(handle, RunState.UNCONFIRMED);
      expect(harness.replans).toEqual([{ runId: 'replanned', targets: ['terraform_data.a'] }]);
      await handle.executeUpdate(confirmUpdate, { args: [{ username: 'bob' }] });
      expect(await handle.result()).toEqual({ state: RunState.FINISHED });
      expect(harness.transitionsOf('replanned').slice(1)).toEqual([
        { runId: 'replanned', seq: 2, state: RunState.PLANNING },
        { runId: 'replanned', seq: 3, state: RunState.UNCONFIRMED },
        {
          runId: 'replanned',
          seq: 4,
          state: RunState.PLANNING,
          username: 'ada',
          note: 'replan limited to terraform_data.a',
        },
        { runId: 'replanned', seq: 5, state: RunState.UNCONFIRMED },
        { runId: 'replanned', seq: 6, state: RunState.CONFIRMED, username: 'bob' },
        { runId: 'replanned', seq: 7, state: RunState.APPLYING },
        { runId: 'replanned', seq: 8, state: RunState.FINISHED },
      ]);
    });

    it('refuses a confirmation and a second replan while the replan plans', async () => {
      const handle = await harness.startRun({
        runId: 'replan-refusals',
        stackId: 'replan-refusals',
        script: { hold: ['replan'] },
      });
      await harness.waitForState(handle, RunState.UNCONFIRMED);
      await handle.executeUpdate(replanUpdate, { args: [{ username: 'ada', targets: ['a.b'] }] });
      expect(
        await scenarios.refusal(
          handle.executeUpdate(confirmUpdate, { args: [{ username: 'bob' }] }),
        ),
      ).toBe(refusalOf('confirm', RunState.PLANNING));
      expect(
        await scenarios.refusal(
          handle.executeUpdate(replanUpdate, { args: [{ username: 'ada', targets: ['a.b'] }] }),
        ),
      ).toBe(replanRefusal(RunState.PLANNING));
      harness.release('replan-refusals', 'replan');
      await harness.waitForState(handle, RunState.UNCONFIRMED);
      await handle.executeUpdate(discardUpdate, { args: [{ username: 'bob' }] });
      expect(await handle.result()).toEqual({ state: RunState.DISCARDED });
    });
  });

  describe('destroying a stack', () => {
    it('applies a destroy run without a decision and deletes the stack once it finished', async () => {
      const handle = await harness.startRun({
        runId: 'destroyed',
        stackId: 'destroyed',
        destroy: true,
      });
      expect(await handle.result()).toEqual({ state: RunState.FINISHED });
      expect(harness.statesOf('destroyed')).toEqual([
        RunState.INITIALIZING,
        RunState.PLANNING,
        RunState.CONFIRMED,
        RunState.APPLYING,
        RunState.FINISHED,
      ]);
      expect(harness.deletedStacks).toContain('destroyed');
      expect(harness.keptStacks).not.toContain('destroyed');
    });

    it('keeps the stack when its destroy run fails', async () => {
      const handle = await harness.startRun({
        runId: 'not-destroyed',
        stackId: 'not-destroyed',
        destroy: true,
        script: { fail: { apply: 'tofu apply exited with code 1' } },
      });
      expect(await handle.result()).toEqual({ state: RunState.FAILED });
      expect(harness.keptStacks).toContain('not-destroyed');
      expect(harness.deletedStacks).not.toContain('not-destroyed');
    });
  });

  describe('stop', () => {
    it('interrupts a run while it plans: STOPPED by that person, its state released', async () => {
      const run = await scenarios.stoppedWhilePlanning(harness, 'stopped');
      expect(run.answer).toEqual({ state: RunState.STOPPED });
      expect(run.status).toEqual({ state: RunState.STOPPED });
      expect(harness.transitionsOf('stopped').at(-1)).toEqual({
        runId: 'stopped',
        seq: 3,
        state: RunState.STOPPED,
        note: 'stopped by dave',
      });
      expect(harness.releasedRunState).toContain('stopped');
    });

    it('stops a run once: of two stops sent together one is taken', async () => {
      const handle = await harness.startRun({
        runId: 'stopped-twice',
        stackId: 'stopped-twice',
        script: { hold: ['plan'] },
      });
      await harness.phaseStarted('stopped-twice', 'plan');
      const outcomes = await Promise.allSettled([
        handle.executeUpdate(stopUpdate, { args: [{ username: 'dave' }] }),
        handle.executeUpdate(stopUpdate, { args: [{ username: 'erin' }] }),
      ]);
      expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
      expect(await handle.result()).toEqual({ state: RunState.STOPPED });
      expect(harness.statesOf('stopped-twice')).toEqual([
        RunState.INITIALIZING,
        RunState.PLANNING,
        RunState.STOPPED,
      ]);
    });

    it("stops a task while it performs, recording the person's note", async () => {
      const handle = await harness.startRun({
        runId: 'task-stopped',
        stackId: 'task-stopped',
        type: RunType.TASK,
        script: { hold: ['perform'] },
      });
      await harness.phaseStarted('task-stopped', 'perform');
      await handle.executeUpdate(stopUpdate, {
        args: [{ username: 'dave', note: 'Stopped by spacectl' }],
      });
      expect(await handle.result()).toEqual({ state: RunState.STOPPED });
      expect(harness.statesOf('task-stopped')).toEqual([
        RunState.INITIALIZING,
        RunState.PERFORMING,
        RunState.STOPPED,
      ]);
      expect(harness.transitionsOf('task-stopped').at(-1)?.note).toBe(
        'stopped by dave: Stopped by spacectl',
      );
    });

    it('refuses to stop a run waiting for a decision', async () => {
      const handle = await harness.startRun({ runId: 'no-stop', stackId: 'no-stop' });
      await harness.waitForState(handle, RunState.UNCONFIRMED);
      expect(
        await scenarios.refusal(handle.executeUpdate(stopUpdate, { args: [{ username: 'dave' }] })),
      ).toBe(
        'the run is UNCONFIRMED; only an INITIALIZING, PLANNING or PERFORMING run can be stopped',
      );
      await handle.executeUpdate(discardUpdate, { args: [{ username: 'dave' }] });
      expect(await handle.result()).toEqual({ state: RunState.DISCARDED });
    });
  });

  describe('cancel', () => {
    it('cancels a run waiting in QUEUED for the lock, and refuses to cancel one that started', async () => {
      const run = await scenarios.canceledWhileQueued(harness, 'canceled');
      expect(run.answer).toEqual({ state: RunState.CANCELED });
      expect(run.status).toEqual({ state: RunState.CANCELED });
      expect(harness.transitionsOf('canceled')).toEqual([
        { runId: 'canceled', seq: 1, state: RunState.CANCELED, note: 'canceled by erin' },
      ]);
      expect(run.blocked).toBe('the run is UNCONFIRMED; only a QUEUED run can be canceled');
      expect(run.blocker.status).toEqual({ state: RunState.DISCARDED });
      const lock = await scenarios.lockState(harness, 'canceled');
      expect(lock).toMatchObject({ queue: [] });
      expect(lock.holder).toBeUndefined();
    });
  });

  describe('the time limit', () => {
    it('fails a run whose plan outlasts the limit, saying how long it had', async () => {
      const run = await scenarios.tooLong(harness, 'too-long', 2_000);
      expect(run.status).toEqual({ state: RunState.FAILED });
      expect(harness.transitionsOf('too-long').at(-1)).toEqual({
        runId: 'too-long',
        seq: 3,
        state: RunState.FAILED,
        note: 'the run took longer than 2 seconds and was stopped',
      });
    });

    it('counts the active phases together: what initializing took, planning no longer has', async () => {
      const started = Date.now();
      const handle = await harness.startRun({
        runId: 'budget',
        stackId: 'budget',
        type: RunType.TASK,
        runTimeoutMs: 3_000,
        script: { hold: ['initialize', 'perform'] },
      });
      await harness.phaseStarted('budget', 'initialize');
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      harness.release('budget', 'initialize');
      expect(await handle.result()).toEqual({ state: RunState.FAILED });
      // Had performing been given the whole limit again, the run would have taken 5 s.
      expect(Date.now() - started).toBeLessThan(4_500);
      expect(harness.transitionsOf('budget').at(-1)?.note).toBe(
        'the run took longer than 3 seconds and was stopped',
      );
    });
  });
});
