import { RunMachine, refusalOf, replanRefusal } from '../../src/runs/machine';
import { RunState, RunType } from '../../src/runs/types';

/** The run's rules on their own: no Temporal, no workers, no clock. */

const machineFor = (type = RunType.TRACKED, runTimeoutMs = 60_000) =>
  new RunMachine({ type, runTimeoutMs });

/** A machine whose run has entered, and stored, each of `states` in turn. */
function machineAt(states: RunState[], type = RunType.TRACKED): RunMachine {
  const machine = machineFor(type);
  for (const state of states) {
    machine.enter(state);
    machine.transitionRecorded(state);
  }
  return machine;
}

const UNCONFIRMED_PATH = [RunState.INITIALIZING, RunState.PLANNING, RunState.UNCONFIRMED];

describe('RunMachine', () => {
  describe('transitions', () => {
    it('numbers transitions from 1 and stores a state only once told it is recorded', () => {
      const machine = machineFor();
      expect([machine.state, machine.recorded]).toEqual([RunState.QUEUED, RunState.QUEUED]);
      expect(machine.enter(RunState.INITIALIZING)).toBe(1);
      expect([machine.state, machine.recorded]).toEqual([RunState.INITIALIZING, RunState.QUEUED]);
      machine.transitionRecorded(RunState.INITIALIZING);
      expect(machine.recorded).toBe(RunState.INITIALIZING);
      expect(machine.enter(RunState.PLANNING)).toBe(2);
      expect(machine.enter(RunState.FAILED)).toBe(3);
    });

    it('has ended once a terminal state is recorded, not when it is entered', () => {
      const machine = machineAt([RunState.INITIALIZING]);
      machine.enter(RunState.FAILED);
      expect(machine.ended).toBe(false);
      machine.transitionRecorded(RunState.FAILED);
      expect(machine.ended).toBe(true);
    });
  });

  describe('confirm and discard', () => {
    it('takes the first decision and refuses the second, naming who decided', () => {
      const machine = machineAt(UNCONFIRMED_PATH);
      expect(() => machine.refuseDecision('confirm')).not.toThrow();
      machine.decide('confirm', 'alice');
      expect(() => machine.refuseDecision('discard')).toThrow(
        new Error('the run was already confirmed by alice'),
      );
      expect(() => machine.refuseDecision('confirm')).toThrow(
        new Error('the run was already confirmed by alice'),
      );
    });

    it('says "discarded" of a discarded run', () => {
      const machine = machineAt(UNCONFIRMED_PATH);
      machine.decide('discard', 'bob');
      expect(() => machine.refuseDecision('confirm')).toThrow(
        new Error('the run was already discarded by bob'),
      );
    });

    it('refuses a decision while the run is planning, saying which runs can be decided', () => {
      const machine = machineAt([RunState.INITIALIZING, RunState.PLANNING]);
      expect(() => machine.refuseDecision('confirm')).toThrow(
        new Error('the run is PLANNING; only an UNCONFIRMED run can be confirmed'),
      );
      expect(() => machine.refuseDecision('discard')).toThrow(
        new Error(refusalOf('discard', RunState.PLANNING)),
      );
    });

    it('takes a decision while UNCONFIRMED is still being stored, and answers once its own transition is', () => {
      const machine = machineAt([RunState.INITIALIZING, RunState.PLANNING]);
      machine.enter(RunState.UNCONFIRMED);
      expect(() => machine.refuseDecision('confirm')).not.toThrow();
      machine.decide('confirm', 'alice');
      expect(machine.decided).toBe(true);
      machine.transitionRecorded(RunState.UNCONFIRMED);
      expect(machine.afterDecision()).toEqual({ state: RunState.CONFIRMED, username: 'alice' });
      machine.enter(RunState.CONFIRMED);
      machine.transitionRecorded(RunState.CONFIRMED);
      expect(machine.decisionAnswered).toBe(false);
      machine.decisionRecorded();
      expect(machine.decisionAnswered).toBe(true);
    });

    it('leads a discard to DISCARDED, by the person who discarded', () => {
      const machine = machineAt(UNCONFIRMED_PATH);
      expect(machine.decided).toBe(false);
      machine.decide('discard', 'bob');
      expect(machine.afterDecision()).toEqual({ state: RunState.DISCARDED, username: 'bob' });
    });

    it('answers a decision of a run that ended otherwise', () => {
      const machine = machineAt(UNCONFIRMED_PATH);
      machine.decide('confirm', 'alice');
      machine.enter(RunState.FAILED);
      machine.transitionRecorded(RunState.FAILED);
      expect(machine.decisionAnswered).toBe(true);
    });
  });

  describe('cancel', () => {
    it('cancels only a QUEUED run', () => {
      expect(() => machineFor().refuseCancel()).not.toThrow();
      expect(() => machineAt([RunState.INITIALIZING]).refuseCancel()).toThrow(
        new Error('the run is INITIALIZING; only a QUEUED run can be canceled'),
      );
      expect(() => machineAt(UNCONFIRMED_PATH).refuseCancel()).toThrow(
        new Error('the run is UNCONFIRMED; only a QUEUED run can be canceled'),
      );
    });

    it('cancels once', () => {
      const machine = machineFor();
      machine.cancel('erin');
      expect(() => machine.refuseCancel()).toThrow(
        new Error('the run is QUEUED; only a QUEUED run can be canceled'),
      );
    });

    it('ends a run canceled while it waits for the lock CANCELED', () => {
      const machine = machineFor();
      machine.lockRequested();
      expect(machine.lockWaitOver).toBe(false);
      expect(machine.canceledBeforeStart()).toBeUndefined();
      machine.cancel('erin');
      expect(machine.lockWaitOver).toBe(true);
      expect(machine.canceledBeforeStart()).toEqual({
        state: RunState.CANCELED,
        note: 'canceled by erin',
      });
      expect(machine.mustReleaseLock).toBe(true);
    });

    it('starts a run granted the lock, even when a cancel came with the grant', () => {
      const machine = machineFor();
      machine.lockGranted();
      machine.cancel('erin');
      expect(machine.lockWaitOver).toBe(true);
      expect(machine.canceledBeforeStart()).toBeUndefined();
    });

    it('ends a proposed run canceled before it started CANCELED, without a lock', () => {
      const machine = machineFor(RunType.PROPOSED);
      expect(machine.needsLock).toBe(false);
      expect(machine.mustReleaseLock).toBe(false);
      expect(machine.canceledBeforeStart()).toBeUndefined();
      machine.cancel('erin');
      expect(machine.canceledBeforeStart()).toEqual({
        state: RunState.CANCELED,
        note: 'canceled by erin',
      });
    });
  });

  describe('stop', () => {
    it('stops a run only while it initializes, plans or performs its task', () => {
      expect(() => machineAt([RunState.INITIALIZING]).refuseStop()).not.toThrow();
      expect(() =>
        machineAt([RunState.INITIALIZING, RunState.PLANNING]).refuseStop(),
      ).not.toThrow();
      expect(() =>
        machineAt([RunState.INITIALIZING, RunState.PERFORMING], RunType.TASK).refuseStop(),
      ).not.toThrow();
      expect(() => machineFor().refuseStop()).toThrow(
        new Error(
          'the run is QUEUED; only an INITIALIZING, PLANNING or PERFORMING run can be stopped',
        ),
      );
      expect(() => machineAt(UNCONFIRMED_PATH).refuseStop()).toThrow(
        new Error(
          'the run is UNCONFIRMED; only an INITIALIZING, PLANNING or PERFORMING run can be stopped',
        ),
      );
    });

    it('stops once, and ends the interrupted phase STOPPED by that person', () => {
      const machine = machineAt([RunState.INITIALIZING, RunState.PLANNING]);
      expect(machine.stopped()).toBeUndefined();
      machine.stop('dave');
      expect(() => machine.refuseStop()).toThrow(new Error(refusalOf('stop', RunState.PLANNING)));
      expect(machine.stopped()).toEqual({ state: RunState.STOPPED, note: 'stopped by dave' });
    });

    it("records the person's note with the stop", () => {
      const machine = machineAt([RunState.INITIALIZING, RunState.PLANNING]);
      machine.stop('dave', 'Stopped by spacectl');
      expect(machine.stopped()).toEqual({
        state: RunState.STOPPED,
        note: 'stopped by dave: Stopped by spacectl',
      });
    });
  });

  describe('decisions sent as a Signal', () => {
    it('takes one that is still valid', () => {
      const machine = machineAt(UNCONFIRMED_PATH);
      expect(machine.takeSignal('confirm', 'carol')).toBe(true);
      expect(machine.afterDecision()).toEqual({ state: RunState.CONFIRMED, username: 'carol' });
    });

    it('drops one that is too late or second', () => {
      const planning = machineAt([RunState.INITIALIZING, RunState.PLANNING]);
      expect(planning.takeSignal('confirm', 'early')).toBe(false);
      expect(planning.decided).toBe(false);
      expect(planning.takeSignal('cancel', 'erin')).toBe(false);
      expect(planning.takeSignal('stop', 'dave')).toBe(true);
      expect(planning.takeSignal('stop', 'dave')).toBe(false);

      const decided = machineAt(UNCONFIRMED_PATH);
      decided.decide('discard', 'bob');
      expect(decided.takeSignal('confirm', 'carol')).toBe(false);
      expect(decided.afterDecision()).toEqual({ state: RunState.DISCARDED, username: 'bob' });
    });

    it('cancels a QUEUED run', () => {
      const machine = machineFor();
      expect(machine.takeSignal('cancel', 'erin')).toBe(true);
      expect(machine.lockWaitOver).toBe(true);
    });
  });

  describe('the time budget', () => {
    it('leaves the active phases the run’s time, less what earlier phases took', () => {
      const machine = machineFor(RunType.TRACKED, 10_000);
      expect(machine.remainingMs).toBe(10_000);
      machine.spent(4_000);
      machine.spent(5_500);
      expect(machine.remainingMs).toBe(500);
      machine.spent(700);
      expect(machine.remainingMs).toBe(-200);
    });

    it.each([
      [30 * 60_000, 'the run took longer than 30 minutes and was stopped'],
      [90_000, 'the run took longer than 90 seconds and was stopped'],
      [2_500, 'the run took longer than 3 seconds and was stopped'],
    ])('fails a run over a %i ms limit saying so', (runTimeoutMs, note) => {
      expect(machineFor(RunType.TRACKED, runTimeoutMs).tooLong()).toEqual({
        state: RunState.FAILED,
        note,
      });
    });
  });

  describe('after a plan', () => {
    const none = { changes: false, autodeploy: false };
    const changes = { changes: true, autodeploy: false };
    const autodeploy = { changes: true, autodeploy: true };

    it.each([
      [RunType.TRACKED, none, { state: RunState.FINISHED, note: 'no changes' }],
      [RunType.TRACKED, changes, { state: RunState.UNCONFIRMED }],
      [RunType.TRACKED, autodeploy, { state: RunState.CONFIRMED, note: 'autodeploy' }],
      [RunType.PROPOSED, none, { state: RunState.FINISHED, note: 'no changes' }],
      [RunType.PROPOSED, changes, { state: RunState.FINISHED }],
      [RunType.PROPOSED, autodeploy, { state: RunState.FINISHED }],
      [
        RunType.TRACKED,
        { changes: false, autodeploy: true },
        { state: RunState.FINISHED, note: 'no changes' },
      ],
    ])('a %s run with %j goes to %j', (type, plan, next) => {
      expect(machineFor(type).afterPlan(plan)).toEqual(next);
    });
  });

  describe('targeted replans', () => {
    const replan = { username: 'ada', targets: ['terraform_data.a'] };

    it('takes a replan only while a tracked run waits for a decision', () => {
      expect(() => machineAt(UNCONFIRMED_PATH).refuseReplan()).not.toThrow();
      expect(() => machineAt([RunState.INITIALIZING, RunState.PLANNING]).refuseReplan()).toThrow(
        replanRefusal(RunState.PLANNING),
      );
      expect(replanRefusal(RunState.PLANNING)).toBe(
        'the run is PLANNING; only an UNCONFIRMED run can be replanned',
      );
      expect(() => machineAt(UNCONFIRMED_PATH, RunType.PROPOSED).refuseReplan()).toThrow(
        'the run is PROPOSED; only a TRACKED run can be replanned',
      );
      const destroying = new RunMachine({ type: RunType.TRACKED, runTimeoutMs: 1, destroy: true });
      expect(() => destroying.refuseReplan()).toThrow('is not replanned');
    });

    it('refuses a decision while a replan waits to start, and a replan once decided', () => {
      const replanning = machineAt(UNCONFIRMED_PATH);
      replanning.requestReplan(replan);
      expect(() => replanning.refuseDecision('confirm')).toThrow(
        'the run is being replanned by ada; decide once its new plan is UNCONFIRMED',
      );
      expect(() => replanning.refuseReplan()).toThrow('the run is already being replanned by ada');
      const decided = machineAt(UNCONFIRMED_PATH);
      decided.decide('confirm', 'bob');
      expect(() => decided.refuseReplan()).toThrow('the run was already confirmed by bob');
    });

    it('plans again, noting the targets, and answers the replan once PLANNING is stored', () => {
      const machine = machineAt(UNCONFIRMED_PATH);
      const number = machine.requestReplan({
        username: 'ada',
        targets: ['a.one', 'a.two', 'a.three', 'a.four', 'a.five', 'a.six'],
      });
      expect(machine.replanRequested).toBe(true);
      const { step, targets } = machine.takeReplan();
      expect(step).toEqual({
        state: RunState.PLANNING,
        username: 'ada',
        note: 'replan limited to a.one, a.two, a.three, a.four, a.five and 1 more',
      });
      expect(targets).toHaveLength(6);
      expect(machine.replanRequested).toBe(false);
      machine.enter(RunState.PLANNING);
      expect(machine.replanAnswered(number)).toBe(false);
      machine.transitionRecorded(RunState.PLANNING);
      machine.replanRecorded();
      expect(machine.replanAnswered(number)).toBe(true);
    });

    it('confirms a destroy run by itself, and finishes one with nothing to destroy', () => {
      const destroying = new RunMachine({ type: RunType.TRACKED, runTimeoutMs: 1, destroy: true });
      expect(destroying.afterPlan({ changes: true, autodeploy: false })).toEqual({
        state: RunState.CONFIRMED,
        note: 'the stack is being deleted with its resources',
      });
      expect(destroying.afterPlan({ changes: false, autodeploy: false })).toEqual({
        state: RunState.FINISHED,
        note: 'no changes',
      });
    });
  });

  describe('the stack’s lock', () => {
    it('is taken by tracked runs and tasks, not by proposed runs', () => {
      expect(machineFor(RunType.TRACKED).needsLock).toBe(true);
      expect(machineFor(RunType.TASK).needsLock).toBe(true);
      expect(machineFor(RunType.PROPOSED).needsLock).toBe(false);
    });

    it('lets the run start once granted, and is given back at the end once asked for', () => {
      const machine = machineFor();
      expect(machine.mustReleaseLock).toBe(false);
      machine.lockRequested();
      expect(machine.mustReleaseLock).toBe(true);
      expect(machine.lockWaitOver).toBe(false);
      machine.lockGranted();
      expect(machine.lockWaitOver).toBe(true);
      expect(machine.canceledBeforeStart()).toBeUndefined();
    });
  });
});
