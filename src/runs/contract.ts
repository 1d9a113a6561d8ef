import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { RunState, RunType } from './types';
import type { RunEvent } from './events';

/**
 * What the run and stack-lock workflows accept and answer: their inputs, ids and messages.
 * The run service and the activities talk to the workflows through these definitions only, so
 * they never import workflow code; the workflows register handlers for the same definitions.
 */

export interface RunInput {
  runId: string;
  stackId: string;
  type: RunType;
  triggeredBy: string | null;
  /** Time the active phases may take together; waiting for a decision does not count. */
  runTimeoutMs: number;
  /**
   * The run destroys the stack's resources (stackDelete with destroyResources): it applies
   * its plan without waiting for a person, and deletes the stack once it finishes.
   */
  destroy?: boolean;
  /**
   * The worker pool whose workers run the run's phases, as the stack named it when the run was
   * created; none is the public pool.
   */
  workerPool?: string | null;
}

/** What a person decides about a run: each has its Update, and the Signal carries any of them. */
export type Decision = 'confirm' | 'discard' | 'cancel' | 'stop';

export interface DecisionInput {
  username: string;
  /** Why, as the person said it (runStop's note); recorded with the transition. */
  note?: string;
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
/** What a person asks of a targeted replan (runTargetedReplan). */
export interface ReplanInput {
  username: string;
  /** Resource addresses, each planned with `-target`; checked by src/runs/targets. */
  targets: string[];
}

/**
 * runTargetedReplan: an UNCONFIRMED run plans again, limited to the targets, and then waits
 * for a decision again. An Update, as confirm is: the validator refuses it once the run was
 * decided, and the caller is answered once PLANNING is stored.
 */
export const replanUpdate = defineUpdate<RunStatus, [ReplanInput]>('replan');
/**
 * The same decisions as a Signal, which Temporal keeps while no worker runs: a caller that
 * could not reach a worker in time sends this, and the run applies it if it is still valid.
 */
export const decisionSignal = defineSignal<[DecisionInput & { decision: Decision }]>('decision');
export const runStatusQuery = defineQuery<RunStatus>('runStatus');

/**
 * A worker of the run's pool took the run's admission number `admission`: the phases of that
 * admission go to the worker's own queue, and the worker holds a place for them until the run
 * lets it go (the admission activity ends).
 */
export interface Admitted {
  admission: number;
  workerQueue: string;
}
export const admittedSignal = defineSignal<[Admitted]>('admitted');

export function runWorkflowId(stackId: string, runId: string): string {
  return `run/${stackId}/${runId}`;
}

export interface LockRequest {
  runId: string;
  /** The run workflow to tell when the lock is its. */
  workflowId: string;
  triggeredBy: string | null;
  /** A prioritized run goes before the others the stack's lock may go to (runPrioritizeSet). */
  prioritized?: boolean;
}

export interface StackLockState {
  stackId: string;
  holder?: LockRequest;
  queue: LockRequest[];
  lockedBy: string | null;
}

/** A run asks for the lock; it is told by `lockGrantedSignal` when it has it. */
export const acquireLockSignal = defineSignal<[LockRequest]>('acquireLock');
/** A run gives the lock back, or gives up its place in the queue. */
export const releaseLockSignal = defineSignal<[{ runId: string }]>('releaseLock');
/** A run was prioritized, or no longer is: it goes before the runs queued without priority. */
export const prioritizeSignal =
  defineSignal<[{ runId: string; prioritized: boolean }]>('prioritize');
/** A person locked or unlocked the stack. */
export const setLockedBySignal = defineSignal<[{ lockedBy: string | null }]>('setLockedBy');
/** Sent to a run workflow: the stack's lock is now held by it. */
export const lockGrantedSignal = defineSignal('lockGranted');
export const stackLockStateQuery = defineQuery<StackLockState>('stackLockState');

export function stackLockWorkflowId(stackId: string): string {
  return `stack/${stackId}`;
}

/*
 * The workflows by name, as clients start them: workflows/ implements them (its index checks
 * the types), and nothing outside it imports workflow code.
 */
export type RunWorkflow = (input: RunInput) => Promise<RunStatus>;
export const RUN_WORKFLOW = 'runWorkflow';
export type NotifyWorkflow = (event: RunEvent) => Promise<void>;
export const NOTIFY_WORKFLOW = 'notifyWorkflow';
export type StackLockWorkflow = (initial: StackLockState) => Promise<void>;
export const STACK_LOCK_WORKFLOW = 'stackLockWorkflow';
