import {
  isGrpcServiceError,
  ServiceError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  WorkflowUpdateStage,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import {
  TypedSearchAttributes,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
} from '@temporalio/common';
import { ulid } from '../platform/ids';
import {
  branchKey,
  commitShaKey,
  runStateKey,
  runTypeKey,
  stackIdKey,
} from '../../temporal/searchAttributes';
import {
  cancelUpdate,
  confirmUpdate,
  decisionSignal,
  discardUpdate,
  NOTIFY_WORKFLOW,
  prioritizeSignal,
  replanUpdate,
  stackLockWorkflowId,
  RUN_WORKFLOW,
  runWorkflowId,
  stopUpdate,
  type Decision,
  type NotifyWorkflow,
  type RunStatus,
  type RunWorkflow,
} from './contract';
import { DECIDABLE_IN, refusalOf, replanRefusal } from './machine';
import { replanTargets } from './targets';
import type { Database } from '../db';
import { deletingConflict } from '../stacks/store';
import type { Logger } from '../platform/logger';
import { SecretBox } from '../platform/secrets';
import { planChanges, type ResourceChange } from './plan';
import { TASK_QUEUE } from '../../temporal/client';
import type { CommitInfo, ResolvedRef, VcsProvider } from '../vcs';
import { LogTokenError, type LogPage } from './logs';
import { isTerminal, RunState, RunType } from './types';
import type { Stack, StackService } from '../stacks/service';
import {
  activeRunCounts,
  addRunReview,
  getArtifact,
  setRunPrioritized,
  blockers,
  claimUnstartedRun,
  endUnstartedRun,
  historyOf,
  lastTransitionSeq,
  readLogPages,
  releaseUnstartedRun,
  runById,
  rollbackRuns,
  runPage,
  unfinishedRollback,
  storeRun,
  type StoredRun,
  unstartedRuns,
  type Run,
  type RunReview,
  refuseWhileRunning,
} from './store';
import { ConflictError, InvalidInputError, NotFoundError } from '../platform/errors';
import { parseRuntimeYaml, type RunRuntimeConfig } from './runtimeYaml';

export interface RunServiceDependencies {
  db: Database;
  /** Opens the artifacts plans store sealed. */
  box: SecretBox;
  stacks: StackService;
  client: Client;
  vcsFor(stack: Stack): VcsProvider;
  runTimeoutMs: number;
  logger?: Logger;
}

export type { Decision } from './contract';

// gRPC's status for a request Temporal turned away for lack of room.
const GRPC_RESOURCE_EXHAUSTED = 8;
// How long a decision waits for a worker to take it before it is left for the run as a signal.
const DECISION_WAIT_MS = 10_000;

/**
 * Runs as callers see them: made here in the database and started as workflows; decisions go
 * to the run's workflow, which alone decides what happens next.
 */
export class RunService {
  constructor(private readonly deps: RunServiceDependencies) {}

  async stack(stackId: string): Promise<Stack> {
    return this.deps.stacks.stack(stackId);
  }

  /** Deletes a stack with its runs, config and state; refused while a run is under way. */
  async deleteStack(stackId: string): Promise<Stack> {
    return this.deps.stacks.deleteStack(stackId, (tx) => refuseWhileRunning(tx, stackId));
  }

  /**
   * Deletes a stack with its resources: the stack is marked deleting and a tracked run of its
   * tracked commit destroys what its state holds, applying without waiting for a person (the
   * request is the confirmation). Once that run finishes the stack is deleted; if it does
   * not, the stack stays, no longer deleting. Answers the stack as it is now, deleting.
   */
  async deleteStackWithResources(stackId: string, username: string): Promise<Stack> {
    const stack = await this.stack(stackId);
    refuseWhileDeleting(stack);
    refuseWhileDisabled(stack);
    this.refuseWhileLocked(stack, username);
    const commit = await this.trackedCommit(stack);
    // Storing the destroy run marks the stack deleting in the same transaction (storeRun): a
    // run stored meanwhile is refused there, and the mark never outlives a run that was not
    // stored. Should Temporal not answer, the run stays QUEUED and the reconciler starts it.
    await this.start(stack, {
      type: RunType.TRACKED,
      branch: stack.branch,
      commit,
      triggeredBy: username,
      destroy: true,
    });
    return this.stack(stackId);
  }

  async run(runId: string): Promise<Run> {
    const run = await runById(this.deps.db, runId);
    if (!run) throw new NotFoundError(`run "${runId}" does not exist`);
    return run;
  }

  /**
   * A run the API or Slack asks for (runTrigger): TRACKED, or a PROPOSED preview, of the
   * stack's tracked commit (its branch's head unless someone set another) or of `sha`, any
   * commit of the stack's repository.
   */
  async trigger(
    stackOrId: string | Stack,
    options: {
      triggeredBy: string | null;
      sha?: string | null;
      type?: RunType;
      /** The run's own settings as Spacelift's runtime YAML (./runtimeYaml). */
      runtimeYaml?: string | null;
    },
  ): Promise<Run> {
    const type = options.type ?? RunType.TRACKED;
    if (type !== RunType.TRACKED && type !== RunType.PROPOSED) {
      throw new InvalidInputError(
        'runTrigger starts a TRACKED or a PROPOSED run; use taskCreate for a task',
      );
    }
    const runtimeConfig = parseRuntimeYaml(options.runtimeYaml);
    const stack = await this.stackOf(stackOrId);
    refuseWhileDeleting(stack);
    refuseWhileDisabled(stack);
    if (type === RunType.TRACKED) this.refuseWhileLocked(stack, options.triggeredBy);
    const commit = options.sha
      ? await this.deps.vcsFor(stack).commit(stack, options.sha)
      : await this.trackedCommit(stack);
    // A preview is asked for by name: it stops no other proposed run, as a newer push would.
    return this.start(stack, {
      type,
      branch: stack.branch,
      commit,
      triggeredBy: options.triggeredBy,
      ...(runtimeConfig ? { runtimeConfig } : {}),
    });
  }

  /**
   * A TRACKED run at `ref`, a branch, a tag or a commit of the stack's repository (Slack's
   * deploy). A branch or tag is the run's branch, as GitLab shows it; a commit runs on the
   * stack's branch. The stack's tracked commit stays as it is: the next push moves on from it.
   */
  async deploy(
    stackId: string,
    options: { ref: string; triggeredBy: string | null },
  ): Promise<{ run: Run; kind: ResolvedRef['kind'] }> {
    const stack = await this.stack(stackId);
    refuseWhileDeleting(stack);
    refuseWhileDisabled(stack);
    this.refuseWhileLocked(stack, options.triggeredBy);
    const { commit, kind } = await this.deps.vcsFor(stack).resolve(stack, options.ref);
    const run = await this.start(stack, {
      type: RunType.TRACKED,
      branch: kind === 'commit' ? stack.branch : options.ref,
      isTag: kind === 'tag',
      commit,
      triggeredBy: options.triggeredBy,
    });
    return { run, kind };
  }

  /** What a rollback of the stack goes between (see rollbackRuns). */
  async rollbackRuns(stackId: string) {
    return rollbackRuns(this.deps.db, stackId);
  }

  /**
   * The rollback someone confirmed: a TRACKED run at `sha`, only while the stack is still where
   * it was when the rollback was proposed (its current run `from`, going back to `sha`). One
   * run per proposal (`proposal`, unique to each), however often it is confirmed; `created` is
   * false when it was started already. A rollback discarded or failed is proposed anew.
   */
  async rollback(
    stackId: string,
    options: { from: string; sha: string; proposal: string; triggeredBy: string | null },
  ): Promise<{ run: Run; created: boolean }> {
    const stack = await this.stack(stackId);
    refuseWhileDeleting(stack);
    refuseWhileDisabled(stack);
    this.refuseWhileLocked(stack, options.triggeredBy);
    const { current, target } = await rollbackRuns(this.deps.db, stackId);
    if (current?.id !== options.from || target?.commitHash !== options.sha) {
      throw new ConflictError(
        `stack "${stackId}" has moved on since this rollback was proposed (another run applied meanwhile); ask for the rollback again to see where it goes back to now`,
      );
    }
    // Another proposal of the same rollback started one that has not ended: that is the one.
    const unfinished = await unfinishedRollback(this.deps.db, stackId, options.from);
    if (unfinished) return { run: unfinished, created: false };
    const commit = await this.deps.vcsFor(stack).commit(stack, options.sha);
    const { run, created } = await this.startRun(stack, {
      type: RunType.TRACKED,
      branch: stack.branch,
      commit,
      triggeredBy: options.triggeredBy,
      dedupeKey: `rollback/${stackId}/${options.from}/${options.proposal}`,
    });
    return { run, created };
  }

  /** A TRACKED run of the stack's tracked commit (Slack's trigger). */
  async trackHead(stackId: string, options: { triggeredBy: string | null }): Promise<Run> {
    return this.trigger(stackId, { triggeredBy: options.triggeredBy });
  }

  /**
   * The commit the stack's next run without a commit of its own takes: the one someone set
   * (stackSetCurrentCommit) or the last push to its branch, else its branch's head now.
   */
  async trackedCommit(stack: Stack): Promise<CommitInfo> {
    const tracked = stack.trackedCommit;
    if (tracked) return { ...tracked, timestamp: new Date(tracked.timestamp) };
    return this.deps.vcsFor(stack).headOf(stack, stack.branch);
  }

  /** Sets the stack's tracked commit to `sha`, a commit of its repository. */
  async setCurrentCommit(stackId: string, sha: string, username: string): Promise<Stack> {
    const stack = await this.stack(stackId);
    const commit = await this.deps.vcsFor(stack).commit(stack, sha);
    return this.deps.stacks.setTrackedCommit(stackId, commit, username);
  }

  /** Sets the stack's tracked commit to its branch's head now. */
  async syncCommit(stackId: string, username: string): Promise<Stack> {
    const stack = await this.stack(stackId);
    const commit = await this.deps.vcsFor(stack).headOf(stack, stack.branch);
    return this.deps.stacks.setTrackedCommit(stackId, commit, username);
  }

  /**
   * A TRACKED run of a commit pushed to the tracked branch; with a dedupe key, the same push
   * makes one run however often it is delivered.
   */
  async trackPush(
    stackOrId: string | Stack,
    options: { commit: CommitInfo; triggeredBy: string | null; dedupeKey?: string },
  ): Promise<Run> {
    const stack = await this.stackOf(stackOrId);
    refuseWhileDeleting(stack);
    refuseWhileDisabled(stack);
    this.refuseWhileLocked(stack, options.triggeredBy);
    // The push is the branch's head: the stack tracks it from now on, as the run is stored.
    return this.start(stack, {
      type: RunType.TRACKED,
      branch: stack.branch,
      ...options,
      tracksCommit: true,
    });
  }

  /**
   * A TRACKED run at a tag's commit, for a tag push the stack's trackTags matches. The run's
   * branch is the tag's name, which GitLab's commit status and deployment take as their ref.
   * The stack's tracked commit stays: it follows the stack's branch, and a tag may name any
   * commit, an old one included; a run without a commit of its own takes the branch's.
   */
  async trackTag(
    stack: Stack,
    options: { tag: string; commit: CommitInfo; triggeredBy: string | null; dedupeKey: string },
  ): Promise<Run> {
    refuseWhileDeleting(stack);
    refuseWhileDisabled(stack);
    this.refuseWhileLocked(stack, options.triggeredBy);
    return this.start(stack, {
      type: RunType.TRACKED,
      branch: options.tag,
      isTag: true,
      commit: options.commit,
      triggeredBy: options.triggeredBy,
      dedupeKey: options.dedupeKey,
    });
  }

  /** The stack as the caller has just read it, or as the database has it now. */
  private async stackOf(stackOrId: string | Stack): Promise<Stack> {
    return typeof stackOrId === 'string' ? this.stack(stackOrId) : stackOrId;
  }

  /**
   * A PROPOSED run of `commit` on `branch`; the branch's unfinished proposed runs are stopped,
   * since a newer push makes them moot. With a dedupe key, the same event makes one run; a
   * merge request links the run to it, also when a push of the same commit made the run.
   */
  async proposeRun(
    stackOrId: string | Stack,
    options: {
      branch: string;
      commit: CommitInfo;
      triggeredBy: string | null;
      dedupeKey?: string;
      mergeRequestIid?: number;
    },
  ): Promise<Run> {
    const stack = await this.stackOf(stackOrId);
    refuseWhileDeleting(stack);
    refuseWhileDisabled(stack);
    const { run, created, superseded } = await this.startRun(stack, {
      type: RunType.PROPOSED,
      ...options,
    });
    // Only a new run supersedes, and only older ones: a late event of an older commit finds
    // its run again and must not stop the newer one.
    if (!created) return run;
    const username = `newer push ${options.commit.hash.slice(0, 8)}`;
    for (const old of superseded) {
      if (await this.cancelUnstarted(old, username)) continue;
      // A queued run is canceled and a working one stopped; whichever it is when the signal
      // arrives takes effect, and the other is refused as no longer valid.
      for (const decision of ['cancel', 'stop'] as const) {
        await this.signalDecision(stack.id, old, decision, username).catch((error: unknown) => {
          // Its workflow has ended already: there is nothing left to stop.
          if (!(error instanceof WorkflowNotFoundError)) throw error;
        });
      }
    }
    return run;
  }

  /**
   * A TASK: `command` run in the stack's workspace at its tracked commit, initialized unless
   * `skipInitialization` says not to.
   */
  async createTask(
    stackId: string,
    options: { command: string; triggeredBy: string | null; skipInitialization?: boolean },
  ): Promise<Run> {
    if (!options.command.trim()) throw new ConflictError('a task needs a command to run');
    const stack = await this.stack(stackId);
    refuseWhileDeleting(stack);
    refuseWhileDisabled(stack);
    this.refuseWhileLocked(stack, options.triggeredBy);
    const commit = await this.trackedCommit(stack);
    return this.start(stack, { type: RunType.TASK, branch: stack.branch, commit, ...options });
  }

  /** A new run of an ended tracked or proposed run's commit, with its runtime config. */
  async retryRun(
    stackId: string,
    runId: string,
    options: { triggeredBy: string | null },
  ): Promise<Run> {
    const run = await this.run(runId);
    if (run.stackId !== stackId) throw new NotFoundError(`run "${runId}" does not exist`);
    if (!isTerminal(run.state)) {
      throw new ConflictError(`the run is ${run.state}; only a run that has ended can be retried`);
    }
    if (run.type === RunType.TASK) {
      throw new ConflictError('a task is not retried; create a new task with its command');
    }
    if (run.destroy) {
      throw new ConflictError(
        "a run that destroyed a stack's resources is not retried; delete the stack with destroyResources again",
      );
    }
    const stack = await this.stack(stackId);
    refuseWhileDeleting(stack);
    refuseWhileDisabled(stack);
    if (run.type === RunType.TRACKED) this.refuseWhileLocked(stack, options.triggeredBy);
    return this.start(stack, {
      type: run.type,
      branch: run.branch,
      commit: {
        hash: run.commitHash,
        message: run.commitMessage,
        authorName: run.commitAuthorName,
        ...(run.commitAuthorLogin ? { authorLogin: run.commitAuthorLogin } : {}),
        timestamp: run.commitTimestamp ?? run.createdAt,
        url: run.commitUrl,
      },
      ...(run.runtimeConfig ? { runtimeConfig: run.runtimeConfig } : {}),
      ...options,
    });
  }

  /**
   * Plans an UNCONFIRMED tracked run again, limited to `targets` (resource addresses, each a
   * `-target`), by a writer the stack's lock does not keep out; answers the run once it is
   * PLANNING. It then waits for a decision again, and a confirmation applies the new plan.
   */
  async replan(
    stackId: string,
    runId: string,
    targets: readonly string[],
    username: string,
  ): Promise<Run> {
    const checked = replanTargets(targets);
    const run = await this.run(runId);
    if (run.stackId !== stackId) throw new NotFoundError(`run "${runId}" does not exist`);
    if (run.type !== RunType.TRACKED) {
      throw new ConflictError(
        `run "${runId}" is a ${run.type} run; only a TRACKED run can be replanned`,
      );
    }
    if (run.destroy) {
      throw new ConflictError(`run "${runId}" destroys the stack's resources and is not replanned`);
    }
    if (run.state !== RunState.UNCONFIRMED) throw new ConflictError(replanRefusal(run.state));
    const stack = await this.stack(stackId);
    if (stack.lockedBy && stack.lockedBy !== username) {
      throw new ConflictError(
        `stack "${stackId}" is locked by ${stack.lockedBy}; only they can replan its runs until it is unlocked`,
      );
    }
    try {
      const accepted = await this.deps.client.connection.withDeadline(
        Date.now() + DECISION_WAIT_MS,
        () =>
          this.handle(stackId, runId).startUpdate(replanUpdate, {
            args: [{ username, targets: checked }],
            waitForStage: WorkflowUpdateStage.ACCEPTED,
          }),
      );
      await accepted.result();
    } catch (error) {
      if (error instanceof WorkflowUpdateFailedError) {
        throw new ConflictError(causeMessage(error));
      }
      if (error instanceof WorkflowNotFoundError) {
        throw new ConflictError(replanRefusal((await this.run(runId)).state));
      }
      if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
        throw new ConflictError(
          `no worker took the replan of run "${runId}" within ${DECISION_WAIT_MS / 1000} seconds; check that Gantry's workers are running, then replan again`,
        );
      }
      if (
        error instanceof ServiceError &&
        isGrpcServiceError(error.cause) &&
        Number(error.cause.code) === GRPC_RESOURCE_EXHAUSTED
      ) {
        throw new ConflictError(
          `other requests for run "${runId}" are being taken; replan again in a moment`,
        );
      }
      throw error;
    }
    return this.run(runId);
  }

  /**
   * Sends a decision to the run and answers with its state afterwards. A decision the run
   * refuses (too late, already decided) is a ConflictError saying why. When no worker takes
   * it in time it is left with the run, which applies it once a worker is back.
   */
  async decide(
    stackId: string,
    runId: string,
    decision: Decision,
    username: string,
    options: { note?: string | null } = {},
  ): Promise<{ state: RunState; pending: boolean }> {
    const message = { username, ...(options.note ? { note: options.note } : {}) };
    const run = await this.run(runId);
    if (run.stackId !== stackId) throw new NotFoundError(`run "${runId}" does not exist`);
    if (isTerminal(run.state)) throw endedConflict(run.state);
    if (!run.workflowStarted) return this.decideUnstarted(run, decision, username);
    const handle = this.handle(stackId, runId);
    const update = {
      confirm: confirmUpdate,
      discard: discardUpdate,
      cancel: cancelUpdate,
      stop: stopUpdate,
    }[decision];
    try {
      // Waiting for a worker to accept the decision is bounded; what follows (a stop waits for
      // the tool to be gone) is not.
      const accepted = await this.deps.client.connection.withDeadline(
        Date.now() + DECISION_WAIT_MS,
        () =>
          handle.startUpdate(update, {
            args: [message],
            waitForStage: WorkflowUpdateStage.ACCEPTED,
          }),
      );
      const status: RunStatus = await accepted.result();
      return { state: status.state, pending: false };
    } catch (error) {
      if (error instanceof WorkflowUpdateFailedError) {
        throw new ConflictError(causeMessage(error));
      }
      if (error instanceof WorkflowNotFoundError) {
        // The workflow ended while the decision was on its way (another decision won), or it
        // has not been started yet: the stored run says which.
        const now = await this.run(runId);
        if (isTerminal(now.state)) throw endedConflict(now.state);
        if (!now.workflowStarted) return this.decideUnstarted(now, decision, username);
        throw new ConflictError(
          `run "${runId}" is being started; send the decision again in a moment`,
        );
      }
      if (error instanceof ServiceError) {
        // Temporal turned the decision away (it takes only so many for one run at once). If the
        // run has moved on, a decision that came first won; otherwise it is worth another try.
        const now = await this.run(runId);
        if (!DECIDABLE_IN[decision].includes(now.state)) throw movedOnConflict(decision, now.state);
        if (
          isGrpcServiceError(error.cause) &&
          Number(error.cause.code) === GRPC_RESOURCE_EXHAUSTED
        ) {
          throw new ConflictError(
            `other decisions for run "${runId}" are being taken; send yours again in a moment`,
          );
        }
        throw error;
      }
      if (!(error instanceof WorkflowUpdateRPCTimeoutOrCancelledError)) throw error;
      // No worker took it in time. If the run has moved on meanwhile, another decision (or the
      // run itself) got there first; otherwise the decision is left with the run.
      const now = await this.run(runId);
      if (!DECIDABLE_IN[decision].includes(now.state)) throw movedOnConflict(decision, now.state);
      await handle.signal(decisionSignal, { decision, ...message });
      return { state: now.state, pending: true };
    }
  }

  /**
   * A decision for a run whose workflow has not been started (Temporal was unreachable when
   * the run was made): only canceling it means anything, and only the database knows it.
   */
  private async decideUnstarted(
    run: Run,
    decision: Decision,
    username: string,
  ): Promise<{ state: RunState; pending: boolean }> {
    if (decision === 'cancel' && (await this.cancelUnstarted(run.id, username))) {
      if (run.destroy) await this.deps.stacks.unmarkDeleting(run.stackId);
      return { state: RunState.CANCELED, pending: false };
    }
    const now = await this.run(run.id);
    if (isTerminal(now.state)) throw endedConflict(now.state);
    throw new ConflictError(
      decision === 'cancel'
        ? `run "${run.id}" is being started; cancel it again in a moment`
        : `run "${run.id}" is QUEUED and has not started yet; only a cancel applies to it now`,
    );
  }

  /**
   * Cancels a QUEUED run whose workflow has not been started; false if it has been, or is
   * being, started (then its workflow decides). The starter claims a run with the same
   * condition, so a run is never both canceled here and started.
   */
  private async cancelUnstarted(runId: string, username: string): Promise<boolean> {
    return endUnstartedRun(
      this.deps.db,
      runId,
      RunState.CANCELED,
      `canceled by ${username}`,
      username,
    );
  }

  /**
   * Starts the workflows of runs stored while Temporal could not be reached, oldest first,
   * and fails those still unstarted after `giveUpAfterMs`. Safe to run in every process at
   * once: each run is claimed before its workflow is started.
   */
  async reconcile(options: {
    giveUpAfterMs: number;
  }): Promise<{ started: number; failed: number }> {
    const waiting = await unstartedRuns(this.deps.db);
    let started = 0;
    let failed = 0;
    for (const run of waiting) {
      if (Date.now() - run.createdAt.getTime() > options.giveUpAfterMs) {
        const minutes = Math.round(options.giveUpAfterMs / 60_000);
        const note = `its workflow could not be started within ${minutes} minutes because Temporal could not be reached; trigger the run again`;
        if (await endUnstartedRun(this.deps.db, run.id, RunState.FAILED, note)) {
          failed += 1;
          if (run.destroy) await this.deps.stacks.unmarkDeleting(run.stackId);
        }
        continue;
      }
      if (await this.startWorkflow(run)) started += 1;
    }
    return { started, failed };
  }

  /** The resources the run's plan changes; none before it has planned. */
  async changes(runId: string): Promise<ResourceChange[]> {
    const artifact = await getArtifact(this.deps.db, runId, 'plan.json');
    if (!artifact) return [];
    const json = SecretBox.isSealedBuffer(artifact) ? this.deps.box.openBuffer(artifact) : artifact;
    return planChanges(JSON.parse(json.toString('utf8')) as Parameters<typeof planChanges>[0]);
  }

  /**
   * Prioritizes a run, or stops doing so (runPrioritizeSet): in its stack's queue it goes
   * before the runs waiting without priority.
   */
  async setPrioritized(stackId: string, runId: string, prioritized: boolean): Promise<Run> {
    const run = await this.run(runId);
    if (run.stackId !== stackId) throw new NotFoundError(`run "${runId}" does not exist`);
    if (isTerminal(run.state)) throw endedConflict(run.state);
    const changed = await setRunPrioritized(this.deps.db, runId, prioritized);
    try {
      await this.deps.client.workflow
        .getHandle(stackLockWorkflowId(stackId))
        .signal(prioritizeSignal, { runId, prioritized });
    } catch (error) {
      // No lock workflow yet: the run asks for the lock with its priority when it starts.
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
    return changed ?? run;
  }

  /**
   * Records a person's review of a run (runReview): of `runId`, or without one of the run
   * holding the stack's lock. Gantry has no approval policies yet: the review decides nothing.
   */
  async review(
    stackId: string,
    runId: string | null,
    review: { decision: 'APPROVE' | 'REJECT'; username: string; note: string | null },
  ): Promise<RunReview> {
    const run = runId ? await this.run(runId) : await this.blocker(stackId);
    if (!run) {
      throw new ConflictError(
        `stack "${stackId}" has no run under way to review; name the run to review`,
      );
    }
    if (run.stackId !== stackId) throw new NotFoundError(`run "${runId}" does not exist`);
    if (isTerminal(run.state)) throw endedConflict(run.state);
    return addRunReview(this.deps.db, {
      runId: run.id,
      decision: review.decision,
      username: review.username,
      note: review.note?.trim() || null,
    });
  }

  /**
   * The run holding the stack's lock (Stack.blocker): the tracked run or task past QUEUED and
   * not yet ended. Only the lock's holder leaves QUEUED, so there is at most one.
   */
  async blocker(stackId: string): Promise<Run | undefined> {
    const [run] = await blockers(this.deps.db, [stackId]);
    return run;
  }

  /** A stack's runs of the given types, newest first, a page at a time, older than `before`. */
  async listRuns(stackId: string, options: { types: RunType[]; before?: string }): Promise<Run[]> {
    return runPage(this.deps.db, stackId, options);
  }

  /** How many runs are in each state that is not an end, by worker pool (null: public). */
  activeCounts() {
    return activeRunCounts(this.deps.db);
  }

  async history(runId: string) {
    return historyOf(this.deps.db, runId);
  }

  /**
   * One page of the log of a visit to a phase (the first unless `stateVersion` says which).
   * The token is the number of the last line returned; the visit is finished once the run has
   * moved on from it.
   */
  async logs(runId: string, state: RunState, token?: string, stateVersion = 0): Promise<LogPage> {
    const [page] = await readLogPages(this.deps.db, [
      { runId, state, stateVersion, ...(token ? { token } : {}) },
    ]);
    if (page instanceof LogTokenError) throw new ConflictError(page.message);
    return page!;
  }

  private refuseWhileLocked(stack: Stack, triggeredBy: string | null) {
    if (stack.lockedBy && stack.lockedBy !== triggeredBy) {
      throw new ConflictError(
        `stack "${stack.id}" is locked by ${stack.lockedBy}; only they can start runs until it is unlocked`,
      );
    }
  }

  /**
   * Tells the integrations about a run that a merge request found after the run started (it
   * was linked to it, or its head is the run's commit), so the merge request hears of it even
   * when the run has already ended. Integrations post the run as it is now, to every open merge
   * request whose head it is; the workflow id makes a redelivered event tell them once.
   */
  private async notifyMergeRequest(run: Run, mergeRequestIid: number) {
    const last = await lastTransitionSeq(this.deps.db, run.id);
    await this.deps.client.workflow
      .start<NotifyWorkflow>(NOTIFY_WORKFLOW, {
        taskQueue: TASK_QUEUE,
        workflowId: `notify/${run.stackId}/${run.id}/merge-request-${mergeRequestIid}`,
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        args: [{ runId: run.id, stackId: run.stackId, state: run.state, seq: last ?? 0 }],
      })
      .catch((error: unknown) => {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      });
  }

  private handle(stackId: string, runId: string): WorkflowHandle<RunWorkflow> {
    return this.deps.client.workflow.getHandle(runWorkflowId(stackId, runId));
  }

  private async signalDecision(
    stackId: string,
    runId: string,
    decision: Decision,
    username: string,
  ) {
    await this.handle(stackId, runId).signal(decisionSignal, { decision, username });
  }

  private async start(stack: Stack, options: Parameters<RunService['startRun']>[1]): Promise<Run> {
    return (await this.startRun(stack, options)).run;
  }

  /** Stores the run and starts its workflow; `created` is false when the dedupe key found it. */
  private async startRun(
    stack: Stack,
    options: {
      type: RunType;
      branch: string;
      /** `branch` is the name of a tag. */
      isTag?: boolean;
      commit: CommitInfo;
      triggeredBy: string | null;
      command?: string;
      skipInitialization?: boolean;
      runtimeConfig?: RunRuntimeConfig;
      dedupeKey?: string;
      mergeRequestIid?: number;
      destroy?: boolean;
      /** The commit becomes the stack's tracked commit with the run (a push to its branch). */
      tracksCommit?: boolean;
    },
  ): Promise<StoredRun> {
    const now = new Date();
    const values = {
      id: ulid(),
      stackId: stack.id,
      type: options.type,
      state: RunState.QUEUED,
      branch: options.branch,
      isTag: options.isTag ?? false,
      commitHash: options.commit.hash,
      commitMessage: options.commit.message,
      commitAuthorName: options.commit.authorName,
      commitAuthorLogin: options.commit.authorLogin ?? null,
      commitTimestamp: options.commit.timestamp,
      commitUrl: options.commit.url,
      triggeredBy: options.triggeredBy,
      command: options.command ?? null,
      skipInitialization: options.skipInitialization ?? false,
      destroy: options.destroy ?? false,
      workerPool: stack.workerPool ?? null,
      runtimeConfig: options.runtimeConfig ?? null,
      dedupeKey: options.dedupeKey ?? null,
      mergeRequestIid: options.mergeRequestIid ?? null,
      // Stored claimed: this process starts its workflow next (see startWorkflow).
      workflowStarted: true,
      createdAt: now,
      updatedAt: now,
    };
    const { commit } = options;
    const stored = await storeRun(
      this.deps.db,
      values,
      options.tracksCommit
        ? { tracking: { ...commit, timestamp: commit.timestamp.toISOString() } }
        : {},
    );
    const { run, created, newlyLinked } = stored;
    if (created) {
      await this.startClaimedWorkflow(run);
      return stored;
    }
    // A run found again by its dedupe key that has moved on has its workflow: an ended run
    // must never run again, even once Temporal has forgotten its workflow.
    // A queued one is started if it is not: an earlier attempt may have stored it and died
    // before starting it, or found Temporal unreachable.
    if (run.state === RunState.QUEUED) await this.startWorkflow(run);
    // A merge request that found the run of its head (a push made it, or another merge request
    // of the same commit) hears of it; a redelivery of the linked one's event does not again.
    const asked = options.mergeRequestIid;
    if (asked !== undefined && (newlyLinked || run.mergeRequestIid !== asked)) {
      await this.notifyMergeRequest(run, asked);
    }
    return stored;
  }

  /**
   * Claims a QUEUED run whose workflow has not been started, and starts it. False when another
   * process has it, when it was canceled meanwhile, or when Temporal cannot be reached (the
   * claim is then given back for the reconciler).
   */
  private async startWorkflow(run: Run): Promise<boolean> {
    if (!(await claimUnstartedRun(this.deps.db, run.id))) return false;
    return this.startClaimedWorkflow(run);
  }

  /**
   * Starts the workflow of a run this process has claimed. When Temporal cannot be reached the
   * claim is given back, the run stays stored and QUEUED, and the reconciler starts it later.
   */
  private async startClaimedWorkflow(run: Run): Promise<boolean> {
    try {
      await this.startRunWorkflow(run);
      return true;
    } catch (error) {
      await releaseUnstartedRun(this.deps.db, run.id);
      this.deps.logger?.warn(
        { err: error, runId: run.id },
        'starting the workflow of run; it stays QUEUED and is started once Temporal answers',
      );
      return false;
    }
  }

  private async startRunWorkflow(run: Run): Promise<void> {
    const stack = { id: run.stackId };
    await this.deps.client.workflow
      .start<RunWorkflow>(RUN_WORKFLOW, {
        taskQueue: TASK_QUEUE,
        workflowId: runWorkflowId(stack.id, run.id),
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        args: [
          {
            runId: run.id,
            stackId: stack.id,
            type: run.type,
            triggeredBy: run.triggeredBy,
            runTimeoutMs: this.deps.runTimeoutMs,
            ...(run.destroy ? { destroy: true } : {}),
            ...(run.workerPool ? { workerPool: run.workerPool } : {}),
          },
        ],
        typedSearchAttributes: new TypedSearchAttributes([
          { key: stackIdKey, value: stack.id },
          { key: runTypeKey, value: run.type },
          { key: runStateKey, value: RunState.QUEUED },
          { key: commitShaKey, value: run.commitHash },
          { key: branchKey, value: run.branch },
        ]),
        staticSummary: `${run.type} run of ${stack.id} at ${run.commitHash.slice(0, 8)}`,
      })
      .catch((error: unknown) => {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      });
  }
}

function movedOnConflict(decision: Decision, state: RunState): ConflictError {
  return new ConflictError(refusalOf(decision, state));
}

function endedConflict(state: RunState): ConflictError {
  return new ConflictError(`the run is ${state}; it has ended and takes no more decisions`);
}

function causeMessage(error: Error): string {
  let current: Error = error;
  while (current.cause instanceof Error) current = current.cause;
  return current.message;
}

/** A stack being deleted with its resources starts no runs but its destroy run. */
function refuseWhileDeleting(stack: Stack) {
  if (stack.deleting) throw deletingConflict(stack.id);
}

/** A disabled stack starts no runs, whoever asks and however. */
function refuseWhileDisabled(stack: Stack) {
  if (stack.isDisabled) {
    throw new ConflictError(
      `stack "${stack.id}" is disabled and starts no runs; enable it with stackEnable first`,
    );
  }
}
