import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  ParentClosePolicy,
  patched,
  proxyActivities,
  setHandler,
  startChild,
  TimeoutFailure,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { TimeoutType } from '@temporalio/common';
import type { RunActivities, StickyActivities } from '../activities';
import {
  cancelUpdate,
  confirmUpdate,
  decisionSignal,
  discardUpdate,
  lockGrantedSignal,
  replanUpdate,
  runStatusQuery,
  stopUpdate,
  type DecisionInput,
  type LockRequest,
  type ReplanInput,
  type RunInput,
  type RunStatus,
} from '../src/runs/contract';
import { RunMachine, type Step } from '../src/runs/machine';
import { isTerminal, RunState, RunType } from '../src/runs/types';
import { runStateKey } from '../temporal/searchAttributes';
import { notifyWorkflow } from './notify';

// Importers still reach these here; they belong to src/runs/contract and src/runs/machine.

const {
  recordTransition,
  requestStackLock,
  releaseStackLock,
  releaseRunState,
  deleteDestroyedStack,
  keepUndestroyedStack,
} = proxyActivities<RunActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '30s' },
});

/** Raised inside the workflow to end the run with the given transition. */
class RunEnded extends Error {
  constructor(readonly step: Step) {
    super(step.note ?? step.state);
  }
}

/**
 * One run of a stack, from QUEUED to a terminal state, as ARCHITECTURE.md draws it:
 *   TRACKED:  QUEUED → INITIALIZING → PLANNING → UNCONFIRMED → CONFIRMED → APPLYING → FINISHED
 *             (no changes: PLANNING → FINISHED; autodeploy: PLANNING → CONFIRMED;
 *              a targeted replan: UNCONFIRMED → PLANNING → UNCONFIRMED, as often as asked;
 *              destroying the stack's resources: PLANNING → CONFIRMED, and the stack is
 *              deleted once the run is FINISHED)
 *   PROPOSED: QUEUED → INITIALIZING → PLANNING → FINISHED
 *   TASK:     QUEUED → INITIALIZING → PERFORMING → PERFORMED → FINISHED
 * and FAILED, DISCARDED, CANCELED or STOPPED on the way. The rules are RunMachine's; this is
 * the wiring: messages in, activities out.
 */
export async function runWorkflow(input: RunInput): Promise<RunStatus> {
  const machine = new RunMachine(input);
  const phases = new CancellationScope();

  const transition = async ({ state, note, username }: Step) => {
    const seq = machine.enter(state);
    await recordTransition({
      runId: input.runId,
      seq,
      state,
      at: Date.now(),
      ...(note ? { note } : {}),
      ...(username ? { username } : {}),
    });
    machine.transitionRecorded(state);
    upsertSearchAttributes([{ key: runStateKey, value: state }]);
    await notify(input, seq, state);
  };

  // Validators see the state as it is when the message arrives, so of two decisions sent at
  // the same moment exactly one passes.
  const decide =
    (kind: 'confirm' | 'discard') =>
    async ({ username }: DecisionInput) => {
      machine.decide(kind, username);
      await condition(() => machine.decisionAnswered);
      return { state: machine.recorded };
    };
  setHandler(confirmUpdate, decide('confirm'), {
    validator: (_input: DecisionInput) => machine.refuseDecision('confirm'),
  });
  setHandler(discardUpdate, decide('discard'), {
    validator: (_input: DecisionInput) => machine.refuseDecision('discard'),
  });
  setHandler(
    cancelUpdate,
    async ({ username }) => {
      machine.cancel(username);
      await condition(() => machine.ended);
      return { state: machine.recorded };
    },
    { validator: (_input: DecisionInput) => machine.refuseCancel() },
  );
  setHandler(
    stopUpdate,
    async ({ username, note }) => {
      machine.stop(username, note);
      phases.cancel();
      await condition(() => machine.ended);
      return { state: machine.recorded };
    },
    { validator: (_input: DecisionInput) => machine.refuseStop() },
  );
  setHandler(
    replanUpdate,
    async (replan) => {
      const number = machine.requestReplan(replan);
      await condition(() => machine.replanAnswered(number));
      return { state: machine.recorded };
    },
    { validator: (_input: ReplanInput) => machine.refuseReplan() },
  );
  setHandler(decisionSignal, ({ decision, username, note }) => {
    if (machine.takeSignal(decision, username, note) && decision === 'stop') phases.cancel();
  });
  setHandler(runStatusQuery, () => ({ state: machine.recorded }));
  setHandler(lockGrantedSignal, () => machine.lockGranted());

  /** The run has FINISHED: a destroy run deletes its stack, which takes the run with it. */
  const ended = async (): Promise<RunStatus> => {
    if (input.destroy && machine.state === RunState.FINISHED) {
      await deleteDestroyedStack({ stackId: input.stackId, runId: input.runId });
    }
    return { state: machine.state };
  };

  /** Runs one active phase, counting its time against the run's limit. */
  const phase = async <T>(run: (timeoutMs: number) => Promise<T>): Promise<T> => {
    const remaining = machine.remainingMs;
    if (remaining <= 0) throw new RunEnded(machine.tooLong());
    const started = Date.now();
    try {
      return await phases.run(() => run(remaining));
    } catch (error) {
      const stopped = machine.stopped();
      if (isCancellation(error) && stopped) throw new RunEnded(stopped);
      // Whichever notices first, Temporal or the activity itself, the run ran out of time.
      if (
        error instanceof ActivityFailure &&
        error.cause instanceof ApplicationFailure &&
        error.cause.type === 'PhaseTimeout'
      ) {
        throw new RunEnded(machine.tooLong());
      }
      if (error instanceof ActivityFailure && error.cause instanceof TimeoutFailure) {
        if (error.cause.timeoutType === TimeoutType.START_TO_CLOSE)
          throw new RunEnded(machine.tooLong());
      }
      throw new RunEnded({ state: RunState.FAILED, note: failureNote(error) });
    } finally {
      machine.spent(Date.now() - started);
    }
  };

  try {
    if (machine.needsLock) {
      const request: LockRequest = {
        runId: input.runId,
        workflowId: workflowInfo().workflowId,
        triggeredBy: input.triggeredBy,
      };
      await requestStackLock({ stackId: input.stackId, request });
      machine.lockRequested();
      await condition(() => machine.lockWaitOver);
    }
    const canceled = machine.canceledBeforeStart();
    if (canceled) throw new RunEnded(canceled);

    await transition({ state: RunState.INITIALIZING });
    const sticky = await phase((timeoutMs) => activitiesFor(timeoutMs).initialize(input.runId));
    const onWorker = stickyActivitiesOn(sticky.workerQueue);

    if (input.type === RunType.TASK) {
      await transition({ state: RunState.PERFORMING });
      await phase((timeoutMs) => onWorker(timeoutMs).perform(input.runId));
      await transition({ state: RunState.PERFORMED });
      // A task whose command succeeded ends FINISHED, as Spacelift's do and its clients expect;
      // tasks that recorded PERFORMED before this end there (a migration moved them on).
      if (patched('task-ends-finished')) await transition({ state: RunState.FINISHED });
      return { state: machine.state };
    }

    await transition({ state: RunState.PLANNING });
    const plan = await phase((timeoutMs) => onWorker(timeoutMs).plan(input.runId));
    let planned = machine.afterPlan(plan);
    await transition(planned);

    // Waiting for a decision, the run may be replanned, limited to resources a person names:
    // it plans again, from the workspace its first plan stored, and waits again.
    while (planned.state === RunState.UNCONFIRMED) {
      await condition(() => machine.decided || machine.replanRequested);
      if (machine.decided) break;
      const { step, targets } = machine.takeReplan();
      await transition(step);
      machine.replanRecorded();
      const replanned = await phase((timeoutMs) =>
        activitiesFor(timeoutMs).replan({ runId: input.runId, targets }),
      );
      planned = machine.afterPlan(replanned);
      await transition(planned);
    }
    if (isTerminal(planned.state)) return await ended();

    if (planned.state === RunState.UNCONFIRMED) {
      const decided = machine.afterDecision();
      await transition(decided);
      machine.decisionRecorded();
      if (isTerminal(decided.state)) return { state: machine.state };
    }

    await transition({ state: RunState.APPLYING });
    await phase((timeoutMs) => applyActivities(timeoutMs).apply(input.runId));
    await transition({ state: RunState.FINISHED });
    return await ended();
  } catch (error) {
    if (!(error instanceof RunEnded)) throw error;
    await CancellationScope.nonCancellable(async () => {
      // A worker that died mid-phase could not release the state lock its tool held, nor
      // revoke the phase's state credentials: the run does it before it ends.
      if (patched('release-run-state')) await releaseRunState(input.runId);
      await transition(error.step);
      // The stack's resources were not all destroyed: it stays, for its run to be looked at.
      if (input.destroy) await keepUndestroyedStack(input.stackId);
    });
    return { state: machine.state };
  } finally {
    if (machine.mustReleaseLock) {
      await CancellationScope.nonCancellable(() =>
        releaseStackLock({ stackId: input.stackId, runId: input.runId }),
      );
    }
  }
}

// A heartbeat every few seconds lets a dead worker be noticed within the heartbeat timeout,
// and lets a stop reach the activity, which then interrupts its tool.
const HEARTBEAT_TIMEOUT = '30s';

function activitiesFor(timeoutMs: number) {
  return proxyActivities<RunActivities>({
    startToCloseTimeout: timeoutMs,
    heartbeatTimeout: HEARTBEAT_TIMEOUT,
    cancellationType: 'WAIT_CANCELLATION_COMPLETED',
    retry: { maximumAttempts: 3, initialInterval: '5s' },
  });
}

/** Planning and tasks run where the workspace was initialized: on that worker's own queue. */
function stickyActivitiesOn(workerQueue: string) {
  return (timeoutMs: number) =>
    proxyActivities<StickyActivities>({
      taskQueue: workerQueue,
      startToCloseTimeout: timeoutMs,
      scheduleToStartTimeout: '1m',
      heartbeatTimeout: HEARTBEAT_TIMEOUT,
      cancellationType: 'WAIT_CANCELLATION_COMPLETED',
      // The workspace is on one worker's disk; if that worker is gone, so is the workspace.
      retry: { maximumAttempts: 1 },
    });
}

/** Applying is tried once: a run is never applied twice. */
function applyActivities(timeoutMs: number) {
  return proxyActivities<RunActivities>({
    startToCloseTimeout: timeoutMs,
    heartbeatTimeout: HEARTBEAT_TIMEOUT,
    cancellationType: 'WAIT_CANCELLATION_COMPLETED',
    retry: { maximumAttempts: 1 },
  });
}

/** The innermost message of a failure: what the activity said went wrong. */
function failureNote(error: unknown): string {
  let current = error as Error | undefined;
  while (current?.cause instanceof Error) current = current.cause;
  if (current instanceof TimeoutFailure) {
    if (current.timeoutType === TimeoutType.SCHEDULE_TO_START) {
      return 'the worker holding the workspace went away';
    }
    if (current.timeoutType === TimeoutType.HEARTBEAT) {
      return (
        'the worker running this phase went away; its tools were stopped with it, the state ' +
        'lock was released, and whatever OpenTofu saved before it stopped is in the stored state'
      );
    }
    return `timed out (${current.timeoutType ?? 'unknown'})`;
  }
  return current instanceof ApplicationFailure || current instanceof Error
    ? current.message
    : String(error);
}

/**
 * Feedback to GitLab and Slack goes through a child workflow of its own per transition: it
 * retries with backoff for as long as they are down, and neither delays nor fails the run.
 */
async function notify(input: RunInput, seq: number, state: RunState) {
  await startChild(notifyWorkflow, {
    workflowId: `notify/${input.stackId}/${input.runId}/${seq}`,
    args: [{ runId: input.runId, stackId: input.stackId, state, seq }],
    parentClosePolicy: ParentClosePolicy.ABANDON,
  });
}
