import { Context } from '@temporalio/activity';
import { ApplicationFailure, type Client } from '@temporalio/client';
import { CancelledFailure, WorkflowNotFoundError } from '@temporalio/common';
import type { Database } from '../src/db';
import type { Logger } from '../src/platform/logger';
import type { RunState } from '../src/runs/types';
import { TASK_QUEUE } from '../temporal/client';
import { releaseRunLocks, revokeStateCredentials } from '../src/state/store';
import {
  acquireLockSignal,
  admittedSignal,
  releaseLockSignal,
  STACK_LOCK_WORKFLOW,
  stackLockWorkflowId,
  type LockRequest,
  type StackLockWorkflow,
} from '../src/runs/contract';
import {
  activeRunOf,
  noteTransition,
  recordTransition,
  RunAlreadyEndedError,
  RunGoneError,
  runsByIds,
} from '../src/runs/store';
import { changeStack, protectedConflict, removeStack, stacksByIds } from '../src/stacks/store';
import { ConflictError, NotFoundError } from '../src/platform/errors';
import {
  applyPhase,
  initializePhase,
  performPhase,
  isFinalFailure,
  planPhase,
  replanPhase,
  type PhaseControl,
  type RunnerDependencies,
} from './runner/phases';
import { createNotifyActivities, type RunSinks } from './notify';

/** What activities need from the process that runs them; injected so tests can supply their own. */
export interface ActivityDependencies {
  db: Database;
  logger: Logger;
  client: Client;
  runner: RunnerDependencies;
  /** This worker's own task queue, where the phases that need its workspace are sent. */
  workerQueue: string;
  /** The runs this worker holds: a run's last phase here gives its place back. */
  places: WorkerPlaces;
  observer?: RunObserver;
  sinks: RunSinks;
  /** The live workers of a pool (none: the public pool), for what a waiting run is told. */
  poolWorkers(pool: string | null): Promise<PoolWorkers>;
}

/** What a worker tells about the runs it takes (its metrics). */
export interface RunObserver {
  /** A run waited this long for this worker to take it. */
  waited(seconds: number): void;
  /** A phase of a run ended here after this long. */
  phaseEnded(phase: string, outcome: 'succeeded' | 'failed', seconds: number): void;
}

/** How many workers serve a pool, and how many of them have no place left. */
export interface PoolWorkers {
  live: number;
  full: number;
}

// Heartbeats also carry cancellation to the activity, so they go out while a tool is silent.
const HEARTBEAT_INTERVAL_MS = 5_000;
// Past the workflow's heartbeat timeout (30 s) without a word from this worker, Temporal takes
// the phase for dead and the run's failure path frees its stack and state. A worker that has
// not reached Temporal for this long stops its tool first, so no tool outlives that.
const FENCE_AFTER_MS = 20_000;
const PROBE_TIMEOUT_MS = 5_000;

/** Aborts once Temporal has not answered this worker for FENCE_AFTER_MS. */
function temporalFence(client: Client) {
  const fence = new AbortController();
  let lastContact = Date.now();
  const probe = setInterval(() => {
    void client.connection
      .withDeadline(Date.now() + PROBE_TIMEOUT_MS, () => client.workflowService.getSystemInfo({}))
      .then(
        () => (lastContact = Date.now()),
        () => {
          if (Date.now() - lastContact >= FENCE_AFTER_MS && !fence.signal.aborted) {
            fence.abort(
              new Error(
                `this worker could not reach Temporal for ${FENCE_AFTER_MS / 1000} seconds, so Temporal may have given the phase up`,
              ),
            );
          }
        },
      );
  }, HEARTBEAT_INTERVAL_MS);
  return { signal: fence.signal, stop: () => clearInterval(probe) };
}

/**
 * Runs a phase as an activity: heartbeating, interrupted when Temporal cancels it, and with
 * the failures a retry cannot mend (the tool failed, the code is broken) marked so.
 */
async function asActivity<T>(
  client: Client,
  work: (control: PhaseControl) => Promise<T>,
): Promise<T> {
  const context = Context.current();
  const fence = temporalFence(client);
  const timer = setInterval(() => context.heartbeat(), HEARTBEAT_INTERVAL_MS);
  // Temporal times the activity out on its own clock and tells the worker only on a later
  // heartbeat; the tool is interrupted at the deadline itself, not seconds after.
  const { startToCloseTimeoutMs, currentAttemptScheduledTimestampMs } = context.info;
  const deadline = AbortSignal.timeout(
    Math.max(0, currentAttemptScheduledTimestampMs + startToCloseTimeoutMs - Date.now()),
  );
  const signal = AbortSignal.any([context.cancellationSignal, deadline, fence.signal]);
  try {
    return await work({
      signal,
      heartbeat: () => context.heartbeat(),
      deadline: currentAttemptScheduledTimestampMs + startToCloseTimeoutMs,
    });
  } catch (error) {
    if (context.cancellationSignal.aborted) throw context.cancellationSignal.reason;
    if (deadline.aborted) {
      throw ApplicationFailure.nonRetryable('the phase ran out of time', 'PhaseTimeout');
    }
    if (fence.signal.aborted) {
      throw ApplicationFailure.nonRetryable((fence.signal.reason as Error).message, 'LostTemporal');
    }
    if (isFinalFailure(error)) throw ApplicationFailure.nonRetryable(error.message, error.name);
    throw error;
  } finally {
    clearInterval(timer);
    fence.stop();
  }
}

/**
 * Builds the activities the worker registers. Every activity is safe to retry: Temporal may run
 * one again after a worker dies part-way through it.
 */
export function createActivities(deps: ActivityDependencies) {
  const { db, client } = deps;

  const shared = {
    /** Records one state of a run's history; the same transition recorded twice is one row. */
    async recordTransition(input: {
      runId: string;
      seq: number;
      state: RunState;
      at: number;
      note?: string;
      username?: string;
    }): Promise<void> {
      const row = {
        runId: input.runId,
        seq: input.seq,
        state: input.state,
        note: input.note ?? null,
        username: input.username ?? null,
        timestamp: new Date(input.at),
      };
      try {
        await recordTransition(db, row);
      } catch (error) {
        if (error instanceof RunGoneError) {
          throw ApplicationFailure.nonRetryable(error.message, 'RunGone');
        }
        if (error instanceof RunAlreadyEndedError) {
          throw ApplicationFailure.nonRetryable(error.message, 'RunAlreadyEnded');
        }
        throw error;
      }
    },

    /**
     * Sets the note of transition `seq` without changing when it happened: what a run waiting
     * in QUEUED is waiting for.
     */
    async noteTransition(input: { runId: string; seq: number; note: string }): Promise<void> {
      await noteTransition(db, input);
    },

    /** How many workers the run's pool has now, live and without a free place. */
    async describePool(pool: string | null): Promise<PoolWorkers> {
      return deps.poolWorkers(pool);
    },

    /** Joins the stack's lock queue, starting the stack's lock workflow if it is not running. */
    async requestStackLock(input: { stackId: string; request: LockRequest }): Promise<void> {
      const [[stack], [run]] = await Promise.all([
        stacksByIds(db, [input.stackId]),
        runsByIds(db, [input.request.runId]),
      ]);
      const request = run?.isPrioritized ? { ...input.request, prioritized: true } : input.request;
      await client.workflow.signalWithStart<StackLockWorkflow, [LockRequest]>(STACK_LOCK_WORKFLOW, {
        workflowId: stackLockWorkflowId(input.stackId),
        taskQueue: TASK_QUEUE,
        args: [{ stackId: input.stackId, queue: [], lockedBy: stack?.lockedBy ?? null }],
        signal: acquireLockSignal,
        signalArgs: [request],
        staticSummary: `lock of stack ${input.stackId}`,
      });
    },

    async releaseStackLock(input: { stackId: string; runId: string }): Promise<void> {
      try {
        await client.workflow
          .getHandle(stackLockWorkflowId(input.stackId))
          .signal(releaseLockSignal, { runId: input.runId });
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      }
    },

    /**
     * Revokes the run's state credentials and releases any state lock it holds, for a run that
     * ends in failure: the worker of its last phase may have died before doing it itself.
     */
    async releaseRunState(runId: string): Promise<void> {
      await revokeStateCredentials(db, runId);
      await releaseRunLocks(db, runId);
    },

    async initialize(runId: string): Promise<{ workerQueue: string }> {
      await asActivity(client, (control) => initializePhase(deps.runner, runId, control));
      return { workerQueue: deps.workerQueue };
    },

    async apply(runId: string): Promise<void> {
      await asActivity(client, (control) => applyPhase(deps.runner, runId, control));
    },

    /**
     * Plans an UNCONFIRMED run again, limited to `targets`, from its stored workspace on any
     * worker. A person asked for it: the new plan waits for their confirmation, autodeploy or not.
     */
    async replan(input: { runId: string; targets: string[] }) {
      const summary = await asActivity(client, (control) =>
        replanPhase(deps.runner, input.runId, input.targets, control),
      );
      return { ...summary, autodeploy: false };
    },

    /**
     * Deletes the stack whose destroy run finished, with its runs, config and state. Done
     * already (a retry) is done. Should another run be under way, or an admin have protected
     * the stack from deletion meanwhile, the stack stays, no longer deleting, with its
     * resources destroyed.
     */
    async deleteDestroyedStack(input: { stackId: string; runId: string }): Promise<void> {
      try {
        await removeStack(db, input.stackId, async (tx) => {
          const [stack] = await stacksByIds(tx, [input.stackId]);
          if (stack?.protectFromDeletion) throw protectedConflict(input.stackId);
          const active = await activeRunOf(tx, input.stackId);
          if (active && active.id !== input.runId) {
            throw new ConflictError(`run ${active.id} is ${active.state}`);
          }
        });
      } catch (error) {
        if (error instanceof NotFoundError) return;
        if (!(error instanceof ConflictError)) throw error;
        await changeStack(db, input.stackId, { deleting: false });
        deps.logger.warn(
          { stackId: input.stackId, runId: input.runId, reason: error.message },
          'keeping the stack whose resources were destroyed',
        );
      }
    },

    /** The stack's destroy run did not finish: it stays, no longer being deleted. */
    async keepUndestroyedStack(stackId: string): Promise<void> {
      await changeStack(db, stackId, { deleting: false });
    },

    ...createNotifyActivities(deps.sinks),
  };

  /** A phase in the run's place on this worker, timed for the worker's metrics. */
  const inPlace = async <T>(
    phase: string,
    runId: string,
    place: Place | undefined,
    work: () => Promise<T>,
  ): Promise<T> => {
    const started = performance.now();
    let outcome: 'succeeded' | 'failed' = 'failed';
    try {
      const result = await deps.places.runIn(runId, place, work);
      outcome = 'succeeded';
      return result;
    } finally {
      deps.observer?.phaseEnded(phase, outcome, (performance.now() - started) / 1000);
    }
  };
  const sticky = {
    async initialize(runId: string, place?: Place): Promise<void> {
      await inPlace('initialize', runId, place, () =>
        asActivity(client, (control) => initializePhase(deps.runner, runId, control)),
      );
    },

    /** Plans; whether to apply without waiting is read now, as the stack is at this moment. */
    async plan(runId: string, place?: Place) {
      return inPlace('plan', runId, place, async () => {
        const summary = await asActivity(client, (control) =>
          planPhase(deps.runner, runId, control),
        );
        const [run] = await runsByIds(db, [runId]);
        const [stack] = run ? await stacksByIds(db, [run.stackId]) : [];
        return { ...summary, autodeploy: Boolean(stack?.autodeploy && !stack.lockedBy) };
      });
    },

    async perform(runId: string, place?: Place): Promise<void> {
      await inPlace('perform', runId, place, () =>
        asActivity(client, (control) => performPhase(deps.runner, runId, control)),
      );
    },

    replan(input: { runId: string; targets: string[] }, place?: Place) {
      return inPlace('replan', input.runId, place, () => shared.replan(input));
    },

    apply(runId: string, place?: Place): Promise<void> {
      return inPlace('apply', runId, place, () => shared.apply(runId));
    },
  };

  return { shared, sticky };
}

/** Which admission of a run a phase runs in, and whether it is the admission's last phase. */
export interface Place {
  admission: number;
  last: boolean;
}

/**
 * The places of one worker process: the runs it holds right now. A place is given back by
 * the run's last phase on this worker as it ends, so the next run waiting for the worker
 * starts at once; or by the run cancelling the admission, when it ends otherwise.
 */
export class WorkerPlaces {
  private readonly holders = new Map<string, () => void>();

  get held(): number {
    return this.holders.size;
  }

  take(runId: string, admission: number, giveBack: () => void) {
    this.holders.set(`${runId}/${admission}`, giveBack);
  }

  giveBack(runId: string, admission: number) {
    const key = `${runId}/${admission}`;
    const giveBack = this.holders.get(key);
    this.holders.delete(key);
    giveBack?.();
  }

  /**
   * Runs a phase in its place: the place is given back when the phase was the admission's
   * last, or failed (the run then ends, or goes on elsewhere).
   */
  async runIn<T>(runId: string, place: Place | undefined, phase: () => Promise<T>): Promise<T> {
    let done = false;
    try {
      const result = await phase();
      done = true;
      return result;
    } finally {
      if (place && (place.last || !done)) this.giveBack(runId, place.admission);
    }
  }
}

/**
 * The one activity of a pool's queue. A worker takes it only while it has a free place (the
 * queue's worker allows as many at once as the worker has places), tells the run where its
 * phases go, and holds the place until the run's last phase here gives it back, or the run
 * cancels the activity. Runs beyond the places wait in the queue, in order, for as long as it
 * takes: nothing times out while a run waits, and a worker that dies is noticed by its
 * missing heartbeats.
 */
export function createAdmissionActivities(deps: {
  client: Client;
  workerQueue: string;
  places: WorkerPlaces;
  observer?: RunObserver;
}) {
  return {
    async admit(input: { workflowId: string; runId: string; admission: number }): Promise<void> {
      const context = Context.current();
      deps.observer?.waited((Date.now() - context.info.currentAttemptScheduledTimestampMs) / 1000);
      let giveBack!: () => void;
      const givenBack = new Promise<void>((resolve) => (giveBack = resolve));
      deps.places.take(input.runId, input.admission, giveBack);
      const timer = setInterval(() => context.heartbeat(), HEARTBEAT_INTERVAL_MS);
      try {
        await deps.client.workflow
          .getHandle(input.workflowId)
          .signal(admittedSignal, { admission: input.admission, workerQueue: deps.workerQueue });
        context.heartbeat();
        await Promise.race([givenBack, context.cancelled]);
      } catch (error) {
        // The run ended while it waited: there is nothing to hold a place for.
        if (error instanceof WorkflowNotFoundError) return;
        if (error instanceof CancelledFailure && error.message === 'WORKER_SHUTDOWN') {
          // The run hears it and hands its phases to another worker.
          throw ApplicationFailure.nonRetryable(
            'the worker holding the run was stopped before the run was done with it',
            'WorkerStopped',
          );
        }
        throw error;
      } finally {
        clearInterval(timer);
        deps.places.giveBack(input.runId, input.admission);
      }
    },
  };
}

export type RunActivities = ReturnType<typeof createActivities>['shared'];
export type StickyActivities = ReturnType<typeof createActivities>['sticky'];
export type AdmissionActivities = ReturnType<typeof createAdmissionActivities>;
