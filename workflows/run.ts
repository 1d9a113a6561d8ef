import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  log,
  ParentClosePolicy,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  startChild,
  TimeoutFailure,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { ActivityCancellationType, TimeoutType, type Duration } from '@temporalio/common';
import type { AdmissionActivities, Place, RunActivities, StickyActivities } from '../activities';
import {
  admittedSignal,
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
import { QUEUED_SEQ, RunMachine, type PlanOutcome, type Step } from '../src/runs/machine';
import { isTerminal, RunState, RunType } from '../src/runs/types';
import { poolTaskQueue } from '../temporal/queues';
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
  describePool,
  noteTransition,
} = proxyActivities<RunActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '30s' },
});

/**
 * The records every run keeps on its way (its transitions, its place in the stack's lock
 * queue), written by the worker that runs the workflow itself, as local activities: a
 * database write then takes its own time, not that and two trips through a task queue.
 */
const records = proxyLocalActivities<RunActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '30s' },
});

/** Raised inside the workflow to end the run with the given transition. */
class RunEnded extends Error {
  constructor(readonly step: Step) {
    super(step.note ?? step.state);
  }
}

/** Raised when the worker running a phase went away, and the phase can be run elsewhere. */
class WorkerLost extends Error {}

// A run handed back this often by workers that went away fails: something kills them.
const MAX_ADMISSIONS = 3;
// How long a run waits for a worker before it says what it waits for, and how often it looks again.
const WAIT_BEFORE_NOTE = '10s';
const WAIT_BETWEEN_NOTES = '1m';

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
  // Runs started before workers took runs by admission go on the way they began.
  const byAdmission = patched('worker-admission');
  // So do runs started before their records were written by the workflow's own worker and
  // their feedback was started without waiting for it.
  const recordsHere = byAdmission && patched('local-records');
  const keeper = recordsHere ? records : { recordTransition, requestStackLock, releaseStackLock };
  // Feedback of transitions, started: the run ends only once each has started, as Temporal
  // starts no child of a workflow that has closed.
  const feedback: Promise<void>[] = [];

  /** Starts the feedback of one recorded transition; the run goes on meanwhile. */
  const startFeedback = (seq: number, state: RunState) => {
    // The run goes on while the feedback starts: it reads the run as it is by then.
    feedback.push(
      notify(input, seq, state).catch((error: unknown) =>
        log.warn('starting the feedback of a transition', {
          runId: input.runId,
          seq,
          error: failureNote(error),
        }),
      ),
    );
  };
  // QUEUED was recorded with the run, before the workflow began: GitLab's commit status says
  // pending (and Slack posts) from the start, also while the run waits for the stack's lock.
  // Runs started before this replay without it.
  if (recordsHere && patched('notify-queued')) startFeedback(QUEUED_SEQ, RunState.QUEUED);

  const transition = async ({ state, note, username }: Step) => {
    const seq = machine.enter(state);
    await keeper.recordTransition({
      runId: input.runId,
      seq,
      state,
      at: Date.now(),
      ...(note ? { note } : {}),
      ...(username ? { username } : {}),
    });
    machine.transitionRecorded(state);
    upsertSearchAttributes([{ key: runStateKey, value: state }]);
    if (!recordsHere) {
      await notify(input, seq, state);
      return;
    }
    startFeedback(seq, state);
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
  const admitted = new Map<number, string>();
  setHandler(admittedSignal, ({ admission, workerQueue }) => {
    admitted.set(admission, workerQueue);
  });

  /** The run has FINISHED: a destroy run deletes its stack, which takes the run with it. */
  const ended = async (): Promise<RunStatus> => {
    if (input.destroy && machine.state === RunState.FINISHED) {
      await deleteDestroyedStack({ stackId: input.stackId, runId: input.runId });
    }
    return { state: machine.state };
  };

  /**
   * Runs one active phase, counting its time against the run's limit. A phase whose worker
   * went away raises WorkerLost when `handBack` (it is run again on another worker), and
   * fails the run otherwise.
   */
  const phase = async <T>(
    run: (timeoutMs: number) => Promise<T>,
    options: { handBack?: boolean; lost?: () => string | undefined } = {},
  ): Promise<T> => {
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
      const lost = workerLoss(error) ?? options.lost?.();
      if (lost !== undefined && options.handBack) throw new WorkerLost(lost);
      throw new RunEnded({ state: RunState.FAILED, note: failureNote(error, lost) });
    } finally {
      machine.spent(Date.now() - started);
    }
  };

  /**
   * Waits until a worker of the run's pool takes the run, then runs `work` there, with the
   * worker holding a place for it until `work` is done. The run waits in the state it is in
   * (QUEUED, or CONFIRMED before applying, or PLANNING before a replan) for as long as every
   * worker is busy, saying after a while what it waits for. A worker that goes away while it
   * holds the run gives it back: `work` then raises WorkerLost, or fails the run if the phase
   * it was in cannot be run twice.
   */
  let admissionNumber = 1;
  const onAdmittedWorker = async <T>(work: (worker: AdmittedWorker) => Promise<T>): Promise<T> => {
    const admission = admissionNumber++;
    const hold = new CancellationScope();
    let lost: string | undefined;
    let released = false;
    let current: CancellationScope | undefined;
    const loseWorker = (why: string) => {
      if (released || lost !== undefined) return;
      lost = why;
      current?.cancel();
    };
    void hold
      .run(() =>
        admissionActivities(input.workerPool ?? null, machine.remainingMs).admit({
          workflowId: workflowInfo().workflowId,
          runId: input.runId,
          admission,
        }),
      )
      // It ends by itself when the admission's last phase, or a failed one, gave the place back.
      .then(
        () => undefined,
        (error: unknown) => loseWorker(workerLoss(error) ?? failureNote(error)),
      );
    try {
      await waitForWorker(() => admitted.has(admission) || lost !== undefined);
      if (lost !== undefined) throw new WorkerLost(lost);
      const activities = onWorkerQueue(admitted.get(admission)!);
      return await work({
        phase: (run, { handBack = false, last = false } = {}) =>
          phase(
            (timeoutMs) => {
              // Made inside the run's phase scope, so a stop reaches the activity as well.
              current = new CancellationScope();
              return current.run(() => {
                if (lost !== undefined) throw new WorkerLost(lost);
                return run(activities(timeoutMs), { admission, last });
              });
            },
            { handBack, lost: () => lost },
          ),
      });
    } finally {
      released = true;
      hold.cancel();
    }
  };
  /**
   * Waits until `over`, or until the run is canceled or stopped meanwhile, telling the run's
   * history and the Temporal UI what it waits for once it has waited a while.
   */
  const waitForWorker = async (over: () => boolean) => {
    const done = () => over() || machine.cancelRequested || machine.stopped() !== undefined;
    let told: string | undefined;
    let wait: Duration = WAIT_BEFORE_NOTE;
    try {
      while (!(await phases.run(() => condition(done, wait)))) {
        const note = waitingNote(
          input.workerPool ?? null,
          await describePool(input.workerPool ?? null),
        );
        if (note !== told) {
          told = note;
          setCurrentDetails(note);
          await noteTransition({ runId: input.runId, seq: machine.transitionNumber, note });
        }
        wait = WAIT_BETWEEN_NOTES;
      }
    } catch (error) {
      const stopped = machine.stopped();
      if (isCancellation(error) && stopped) throw new RunEnded(stopped);
      throw error;
    } finally {
      if (told !== undefined) setCurrentDetails('');
    }
    const stopped = machine.stopped();
    if (stopped) throw new RunEnded(stopped);
    // A cancel is taken only while the run is QUEUED, so it ends the run here.
    const canceled = machine.canceledWhileQueued();
    if (canceled) throw new RunEnded(canceled);
  };

  /**
   * Runs `work` on an admitted worker, taking another while workers are lost on the way, each
   * time with the lost one's state lock released. With `requeue`, the run goes back to QUEUED
   * meanwhile, saying why, and starts again from there; otherwise it waits in the state it is in.
   */
  const onSomeWorker = async <T>(
    work: (worker: AdmittedWorker) => Promise<T>,
    { requeue }: { requeue: boolean },
  ): Promise<T> => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await onAdmittedWorker(work);
      } catch (error) {
        if (!(error instanceof WorkerLost)) throw error;
        if (attempt >= MAX_ADMISSIONS) {
          throw new RunEnded({
            state: RunState.FAILED,
            note: `${error.message}, and so did the ${MAX_ADMISSIONS - 1} workers before it`,
          });
        }
        await releaseRunState(input.runId);
        if (requeue && machine.state !== RunState.QUEUED) {
          await transition({
            state: RunState.QUEUED,
            note: `${error.message}; the run starts again on another worker`,
          });
        }
      }
    }
  };

  /**
   * Records where the plan led and, while the run waits for a decision, replans it as often as
   * a person asks, limited to the resources they name, from the workspace its first plan
   * stored. Answers how the run ended if it did (nothing to apply, discarded); nothing once it
   * is CONFIRMED.
   */
  const untilDecided = async (
    first: Step,
    replan: (targets: string[]) => Promise<PlanOutcome>,
  ): Promise<RunStatus | undefined> => {
    let planned = first;
    await transition(planned);
    while (planned.state === RunState.UNCONFIRMED) {
      await condition(() => machine.decided || machine.replanRequested);
      if (machine.decided) break;
      const { step, targets } = machine.takeReplan();
      await transition(step);
      machine.replanRecorded();
      planned = machine.afterPlan(await replan(targets));
      await transition(planned);
    }
    if (isTerminal(planned.state)) return await ended();
    if (planned.state === RunState.UNCONFIRMED) {
      const decided = machine.afterDecision();
      await transition(decided);
      machine.decisionRecorded();
      if (isTerminal(decided.state)) return { state: machine.state };
    }
    return undefined;
  };

  try {
    if (machine.needsLock) {
      const request: LockRequest = {
        runId: input.runId,
        workflowId: workflowInfo().workflowId,
        triggeredBy: input.triggeredBy,
      };
      await keeper.requestStackLock({ stackId: input.stackId, request });
      machine.lockRequested();
      await condition(() => machine.lockWaitOver);
    }
    const canceled = machine.canceledBeforeStart();
    if (canceled) throw new RunEnded(canceled);
    if (!byAdmission) return await legacyPhases();

    if (input.type === RunType.TASK) {
      await onSomeWorker(
        async (worker) => {
          await transition({ state: RunState.INITIALIZING });
          await worker.phase((on, place) => on.initialize(input.runId, place), { handBack: true });
          await transition({ state: RunState.PERFORMING });
          // A task's command may have done part of its work: it is not run twice.
          await worker.phase((on, place) => on.perform(input.runId, place), { last: true });
        },
        { requeue: true },
      );
      await transition({ state: RunState.PERFORMED });
      await transition({ state: RunState.FINISHED });
      return { state: machine.state };
    }

    const plan = await onSomeWorker(
      async (worker) => {
        await transition({ state: RunState.INITIALIZING });
        await worker.phase((on, place) => on.initialize(input.runId, place), { handBack: true });
        await transition({ state: RunState.PLANNING });
        return worker.phase((on, place) => on.plan(input.runId, place), {
          handBack: true,
          last: true,
        });
      },
      { requeue: true },
    );
    const decided = await untilDecided(machine.afterPlan(plan), (targets) =>
      onSomeWorker(
        (worker) =>
          worker.phase((on, place) => on.replan({ runId: input.runId, targets }, place), {
            handBack: true,
            last: true,
          }),
        { requeue: false },
      ),
    );
    if (decided) return decided;

    await onAdmittedWorker(async (worker) => {
      await transition({ state: RunState.APPLYING });
      // Applying is never repeated: a worker lost while it applies fails the run.
      await worker.phase((on, place) => on.apply(input.runId, place), { last: true });
    });
    await transition({ state: RunState.FINISHED });
    return await ended();
  } catch (caught) {
    const error =
      caught instanceof WorkerLost
        ? new RunEnded({ state: RunState.FAILED, note: caught.message })
        : caught;
    if (!(error instanceof RunEnded)) throw error;
    const { step } = error;
    await CancellationScope.nonCancellable(async () => {
      // A worker that died mid-phase could not release the state lock its tool held, nor
      // revoke the phase's state credentials: the run does it before it ends.
      if (patched('release-run-state')) await releaseRunState(input.runId);
      await transition(step);
      // The stack's resources were not all destroyed: it stays, for its run to be looked at.
      if (input.destroy) await keepUndestroyedStack(input.stackId);
    });
    return { state: machine.state };
  } finally {
    if (machine.mustReleaseLock) {
      await CancellationScope.nonCancellable(() =>
        keeper.releaseStackLock({ stackId: input.stackId, runId: input.runId }),
      );
    }
    await CancellationScope.nonCancellable(() => Promise.all(feedback));
  }

  /**
   * The phases as runs took them before workers admitted runs: initializing on any worker of
   * the shared queue, planning where it initialized, applying on any worker.
   */
  async function legacyPhases(): Promise<RunStatus> {
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
    const decided = await untilDecided(machine.afterPlan(plan), (targets) =>
      phase((timeoutMs) => activitiesFor(timeoutMs).replan({ runId: input.runId, targets })),
    );
    if (decided) return decided;

    await transition({ state: RunState.APPLYING });
    await phase((timeoutMs) => applyActivities(timeoutMs).apply(input.runId));
    await transition({ state: RunState.FINISHED });
    return await ended();
  }
}

/** A worker that admitted the run: its phases run there, on its own queue. */
interface AdmittedWorker {
  /**
   * Runs a phase there. `handBack`: a worker lost meanwhile hands the run to another (the
   * phase can be run again); `last`: the phase gives the worker's place back as it ends.
   */
  phase<T>(
    run: (on: ReturnType<ReturnType<typeof onWorkerQueue>>, place: Place) => Promise<T>,
    options?: { handBack?: boolean; last?: boolean },
  ): Promise<T>;
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

// A place is held a little past the phases it is for: their transitions are recorded meanwhile.
const HOLD_MARGIN_MS = 15 * 60_000;

/**
 * The admission of a run by a worker of its pool. It waits in the pool's queue, without a
 * schedule-to-start timeout, for as long as every worker is busy; once a worker runs it, its
 * heartbeats say the worker is there. The run cancels it to give the place back and does not
 * wait for the worker to hear it.
 */
function admissionActivities(pool: string | null, remainingMs: number) {
  return proxyActivities<AdmissionActivities>({
    taskQueue: poolTaskQueue(pool),
    startToCloseTimeout: Math.max(remainingMs, 0) + HOLD_MARGIN_MS,
    heartbeatTimeout: HEARTBEAT_TIMEOUT,
    cancellationType: ActivityCancellationType.TRY_CANCEL,
    retry: { maximumAttempts: 1 },
    summary: `a place on a worker of ${poolName(pool)}`,
  });
}

/**
 * The phases on the worker that admitted the run. No schedule-to-start timeout: the worker
 * holds a place for them, and should it go away, its admission says so.
 */
function onWorkerQueue(workerQueue: string) {
  return (timeoutMs: number) =>
    proxyActivities<StickyActivities>({
      taskQueue: workerQueue,
      startToCloseTimeout: timeoutMs,
      heartbeatTimeout: HEARTBEAT_TIMEOUT,
      cancellationType: 'WAIT_CANCELLATION_COMPLETED',
      // A phase is not repeated on the same worker; the run decides whether another takes it.
      retry: { maximumAttempts: 1 },
    });
}

function poolName(pool: string | null): string {
  return pool ? `worker pool ${pool}` : 'the public worker pool';
}

/** What a run waiting for a worker says it waits for. */
function waitingNote(pool: string | null, workers: { live: number; full: number }): string {
  if (workers.live === 0) {
    const start = pool ? `gantry worker --pool ${pool}` : 'gantry worker';
    return `waiting for a worker of ${poolName(pool)}: none is running (start one with \`${start}\`)`;
  }
  if (workers.full >= workers.live) {
    const all = workers.live === 1 ? 'its one worker is' : `all ${workers.live} workers are`;
    return `waiting for a worker of ${poolName(pool)}: ${all} busy with other runs`;
  }
  return `waiting for a worker of ${poolName(pool)} to take the run`;
}

const WORKER_WENT_AWAY = 'the worker running this phase went away';

/** Why the worker of a phase, or of an admission, is no longer there; undefined if it is. */
function workerLoss(error: unknown): string | undefined {
  if (!(error instanceof ActivityFailure)) return undefined;
  const cause = error.cause;
  if (cause instanceof TimeoutFailure) {
    if (cause.timeoutType === TimeoutType.HEARTBEAT) return WORKER_WENT_AWAY;
    if (cause.timeoutType === TimeoutType.SCHEDULE_TO_START) {
      return 'the worker holding the workspace went away';
    }
  }
  if (
    cause instanceof ApplicationFailure &&
    (cause.type === 'LostTemporal' || cause.type === 'WorkerStopped')
  ) {
    return cause.message;
  }
  return undefined;
}

/** The innermost message of a failure: what the activity said went wrong. */
function failureNote(error: unknown, lost?: string): string {
  let current = error as Error | undefined;
  while (current?.cause instanceof Error) current = current.cause;
  if (current instanceof TimeoutFailure && current.timeoutType === TimeoutType.HEARTBEAT) {
    return (
      `${WORKER_WENT_AWAY}; its tools were stopped with it, the state ` +
      'lock was released, and whatever OpenTofu saved before it stopped is in the stored state'
    );
  }
  if (lost !== undefined) {
    return (
      `${lost}; the phase was stopped, the state lock was released, and whatever OpenTofu ` +
      'saved before it stopped is in the stored state'
    );
  }
  if (current instanceof TimeoutFailure) return `timed out (${current.timeoutType ?? 'unknown'})`;
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
