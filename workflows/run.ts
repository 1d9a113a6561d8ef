import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  defineQuery,
  defineSignal,
  defineUpdate,
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
import { isTerminal, RunState, RunType } from '../src/runs/types';
import { runStateKey } from '../temporal/searchAttributes';
import { notifyWorkflow } from './notify';
import { lockGrantedSignal, type LockRequest } from './stackLock';

/**
 * One run of a stack, from QUEUED to a terminal state, as DESIGN.md §3 draws it:
 *   TRACKED:  QUEUED → INITIALIZING → PLANNING → UNCONFIRMED → CONFIRMED → APPLYING → FINISHED
 *             (no changes: PLANNING → FINISHED; autodeploy: PLANNING → CONFIRMED)
 *   PROPOSED: QUEUED → INITIALIZING → PLANNING → FINISHED
 *   TASK:     QUEUED → INITIALIZING → PERFORMING → PERFORMED
 * and FAILED, DISCARDED, CANCELED or STOPPED on the way.
 */

export interface RunInput {
  runId: string;
  stackId: string;
  type: RunType;
  triggeredBy: string | null;
  /** Time the active phases may take together; waiting for a decision does not count. */
  runTimeoutMs: number;
}

export interface DecisionInput {
  username: string;
}

export interface RunStatus {
  state: RunState;
}

/**
 * Confirm and discard are Updates: the caller learns at once whether its decision took effect,
 * and the validator refuses a late or second decision before anything is written to history.
 */
export const confirmUpdate = defineUpdate<RunStatus, [DecisionInput]>('confirm');
export const discardUpdate = defineUpdate<RunStatus, [DecisionInput]>('discard');
/** runCancel: only a run still waiting in QUEUED. */
export const cancelUpdate = defineUpdate<RunStatus, [DecisionInput]>('cancel');
/** runStop: interrupts the tool of a run that is initializing or planning. */
export const stopUpdate = defineUpdate<RunStatus, [DecisionInput]>('stop');
/**
 * The same decisions as a Signal, which Temporal keeps while no worker runs: a caller that
 * could not reach a worker in time sends this, and the run applies it if it is still valid.
 */
export const decisionSignal =
  defineSignal<[DecisionInput & { decision: 'confirm' | 'discard' | 'cancel' | 'stop' }]>(
    'decision',
  );
export const runStatusQuery = defineQuery<RunStatus>('runStatus');

/** The states in which each decision can take effect. */
export const DECIDABLE_IN: Record<'confirm' | 'discard' | 'cancel' | 'stop', readonly RunState[]> =
  {
    confirm: [RunState.UNCONFIRMED],
    discard: [RunState.UNCONFIRMED],
    cancel: [RunState.QUEUED],
    stop: [RunState.INITIALIZING, RunState.PLANNING],
  };

const DECIDED = { confirm: 'confirmed', discard: 'discarded', cancel: 'canceled', stop: 'stopped' };

/** Why `decision` does not take effect on a run in `state`, as its caller is told. */
export function refusalOf(decision: keyof typeof DECIDABLE_IN, state: RunState): string {
  const states = DECIDABLE_IN[decision];
  const article = /^[AEIOU]/.test(states[0]!) ? 'an' : 'a';
  return `the run is ${state}; only ${article} ${states.join(' or ')} run can be ${DECIDED[decision]}`;
}

export function runWorkflowId(stackId: string, runId: string): string {
  return `run/${stackId}/${runId}`;
}

const { recordTransition, requestStackLock, releaseStackLock, releaseRunState } =
  proxyActivities<RunActivities>({
    startToCloseTimeout: '30s',
    retry: { initialInterval: '1s', maximumInterval: '30s' },
  });

/** Raised inside the workflow to end the run in a given state. */
class RunEnded extends Error {
  constructor(
    readonly state: RunState,
    readonly note?: string,
  ) {
    super(note ?? state);
  }
}

export async function runWorkflow(input: RunInput): Promise<RunStatus> {
  let state = RunState.QUEUED;
  // The state as stored: handlers answer once their outcome is readable by the caller.
  let recorded = RunState.QUEUED;
  let seq = 0;
  let lockHeld = false;
  let lockGranted = false;
  let activeMs = 0;
  let decision: { kind: 'confirm' | 'discard'; username: string } | undefined;
  let decisionRecorded = false;
  let cancelledBy: string | undefined;
  let stoppedBy: string | undefined;
  const phases = new CancellationScope();

  const transition = async (next: RunState, note?: string, username?: string) => {
    state = next;
    seq += 1;
    await recordTransition({
      runId: input.runId,
      seq,
      state: next,
      at: Date.now(),
      ...(note ? { note } : {}),
      ...(username ? { username } : {}),
    });
    recorded = next;
    upsertSearchAttributes([{ key: runStateKey, value: next }]);
    await notify(input, seq, next);
  };

  // Validators see the state as it is when the message arrives, so of two decisions sent at
  // the same moment exactly one passes.
  const refuseDecision = (kind: 'confirm' | 'discard') => {
    if (decision) {
      throw new Error(`the run was already ${decision.kind}ed by ${decision.username}`);
    }
    if (!DECIDABLE_IN[kind].includes(state)) throw new Error(refusalOf(kind, state));
  };
  const refuseCancel = () => {
    if (cancelledBy || !DECIDABLE_IN.cancel.includes(state)) {
      throw new Error(refusalOf('cancel', state));
    }
  };
  const refuseStop = () => {
    if (stoppedBy || !DECIDABLE_IN.stop.includes(state)) throw new Error(refusalOf('stop', state));
  };

  const decide =
    (kind: 'confirm' | 'discard') =>
    async ({ username }: DecisionInput) => {
      decision = { kind, username };
      // The decision may arrive before UNCONFIRMED is recorded (the validator sees the state
      // as it is being entered): the answer waits for the decision's own transition.
      await condition(() => decisionRecorded || isTerminal(recorded));
      return { state: recorded };
    };
  setHandler(confirmUpdate, decide('confirm'), {
    validator: (_input: DecisionInput) => refuseDecision('confirm'),
  });
  setHandler(discardUpdate, decide('discard'), {
    validator: (_input: DecisionInput) => refuseDecision('discard'),
  });
  setHandler(
    cancelUpdate,
    async ({ username }) => {
      cancelledBy = username;
      await condition(() => isTerminal(recorded));
      return { state: recorded };
    },
    { validator: (_input: DecisionInput) => refuseCancel() },
  );
  setHandler(
    stopUpdate,
    async ({ username }) => {
      stoppedBy = username;
      phases.cancel();
      await condition(() => isTerminal(recorded));
      return { state: recorded };
    },
    { validator: (_input: DecisionInput) => refuseStop() },
  );
  setHandler(decisionSignal, ({ decision: kind, username }) => {
    try {
      if (kind === 'confirm' || kind === 'discard') {
        refuseDecision(kind);
        decision = { kind, username };
      } else if (kind === 'cancel') {
        refuseCancel();
        cancelledBy = username;
      } else {
        refuseStop();
        stoppedBy = username;
        phases.cancel();
      }
    } catch {
      // Too late or already decided: the run goes on as it is.
    }
  });
  setHandler(runStatusQuery, () => ({ state: recorded }));
  setHandler(lockGrantedSignal, () => {
    lockGranted = true;
  });

  /** Runs one active phase, counting its time against the run's limit. */
  const phase = async <T>(run: (timeoutMs: number) => Promise<T>): Promise<T> => {
    const remaining = input.runTimeoutMs - activeMs;
    if (remaining <= 0) throw runTooLong(input.runTimeoutMs);
    const started = Date.now();
    try {
      return await phases.run(() => run(remaining));
    } catch (error) {
      if (isCancellation(error) && stoppedBy)
        throw new RunEnded(RunState.STOPPED, `stopped by ${stoppedBy}`);
      // Whichever notices first, Temporal or the activity itself, the run ran out of time.
      if (
        error instanceof ActivityFailure &&
        error.cause instanceof ApplicationFailure &&
        error.cause.type === 'PhaseTimeout'
      ) {
        throw runTooLong(input.runTimeoutMs);
      }
      if (error instanceof ActivityFailure && error.cause instanceof TimeoutFailure) {
        if (error.cause.timeoutType === TimeoutType.START_TO_CLOSE)
          throw runTooLong(input.runTimeoutMs);
      }
      throw new RunEnded(RunState.FAILED, failureNote(error));
    } finally {
      activeMs += Date.now() - started;
    }
  };

  try {
    if (input.type !== RunType.PROPOSED) {
      const request: LockRequest = {
        runId: input.runId,
        workflowId: workflowInfo().workflowId,
        triggeredBy: input.triggeredBy,
      };
      await requestStackLock({ stackId: input.stackId, request });
      lockHeld = true;
      await condition(() => lockGranted || cancelledBy !== undefined);
      if (!lockGranted) throw new RunEnded(RunState.CANCELED, `canceled by ${cancelledBy}`);
    } else if (cancelledBy) {
      throw new RunEnded(RunState.CANCELED, `canceled by ${cancelledBy}`);
    }

    await transition(RunState.INITIALIZING);
    const sticky = await phase((timeoutMs) => activitiesFor(timeoutMs).initialize(input.runId));
    const onWorker = stickyActivitiesOn(sticky.workerQueue);

    if (input.type === RunType.TASK) {
      await transition(RunState.PERFORMING);
      await phase((timeoutMs) => onWorker(timeoutMs).perform(input.runId));
      await transition(RunState.PERFORMED);
      return { state };
    }

    await transition(RunState.PLANNING);
    const plan = await phase((timeoutMs) => onWorker(timeoutMs).plan(input.runId));
    if (!plan.changes || input.type === RunType.PROPOSED) {
      await transition(RunState.FINISHED, plan.changes ? undefined : 'no changes');
      return { state };
    }

    if (plan.autodeploy) {
      await transition(RunState.CONFIRMED, 'autodeploy');
    } else {
      await transition(RunState.UNCONFIRMED);
      await condition(() => decision !== undefined);
      if (decision!.kind === 'discard') {
        await transition(RunState.DISCARDED, undefined, decision!.username);
        decisionRecorded = true;
        return { state };
      }
      await transition(RunState.CONFIRMED, undefined, decision!.username);
      decisionRecorded = true;
    }

    await transition(RunState.APPLYING);
    await phase((timeoutMs) => applyActivities(timeoutMs).apply(input.runId));
    await transition(RunState.FINISHED);
    return { state };
  } catch (error) {
    if (!(error instanceof RunEnded)) throw error;
    await CancellationScope.nonCancellable(async () => {
      // A worker that died mid-phase could not release the state lock its tool held, nor
      // revoke the phase's state credentials: the run does it before it ends.
      if (patched('release-run-state')) await releaseRunState(input.runId);
      await transition(error.state, error.note);
    });
    return { state };
  } finally {
    if (lockHeld) {
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

function runTooLong(timeoutMs: number) {
  const limit =
    timeoutMs % 60_000 === 0
      ? `${timeoutMs / 60_000} minutes`
      : `${Math.round(timeoutMs / 1000)} seconds`;
  return new RunEnded(RunState.FAILED, `the run took longer than ${limit} and was stopped`);
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
