import { Context } from '@temporalio/activity';
import { ApplicationFailure, type Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { Database } from '../src/db';
import type { Logger } from '../src/platform/logger';
import type { RunState } from '../src/runs/types';
import { TASK_QUEUE } from '../temporal/client';
import { releaseRunLocks, revokeStateCredentials } from '../src/state/store';
import {
  acquireLockSignal,
  releaseLockSignal,
  STACK_LOCK_WORKFLOW,
  stackLockWorkflowId,
  type LockRequest,
  type StackLockWorkflow,
} from '../src/runs/contract';
import {
  activeRunOf,
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
  sinks: RunSinks;
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

  const sticky = {
    /** Plans; whether to apply without waiting is read now, as the stack is at this moment. */
    async plan(runId: string) {
      const summary = await asActivity(client, (control) => planPhase(deps.runner, runId, control));
      const [run] = await runsByIds(db, [runId]);
      const [stack] = run ? await stacksByIds(db, [run.stackId]) : [];
      return { ...summary, autodeploy: Boolean(stack?.autodeploy && !stack.lockedBy) };
    },

    async perform(runId: string): Promise<void> {
      await asActivity(client, (control) => performPhase(deps.runner, runId, control));
    },
  };

  return { shared, sticky };
}

export type RunActivities = ReturnType<typeof createActivities>['shared'];
export type StickyActivities = ReturnType<typeof createActivities>['sticky'];
