import type { Decision, ReplanInput } from './contract';
import { isTerminal, RunState, RunType } from './types';

/** The states in which each decision can take effect. */
export const DECIDABLE_IN: Record<Decision, readonly RunState[]> = {
  confirm: [RunState.UNCONFIRMED],
  discard: [RunState.UNCONFIRMED],
  cancel: [RunState.QUEUED],
  stop: [RunState.INITIALIZING, RunState.PLANNING, RunState.PERFORMING],
};

const DECIDED = { confirm: 'confirmed', discard: 'discarded', cancel: 'canceled', stop: 'stopped' };

/** Why `decision` does not take effect on a run in `state`, as its caller is told. */
export function refusalOf(decision: Decision, state: RunState): string {
  const states = DECIDABLE_IN[decision];
  const article = /^[AEIOU]/.test(states[0]!) ? 'an' : 'a';
  const named =
    states.length > 2
      ? `${states.slice(0, -1).join(', ')} or ${states.at(-1)}`
      : states.join(' or ');
  return `the run is ${state}; only ${article} ${named} run can be ${DECIDED[decision]}`;
}

/** Why a targeted replan does not take effect on a run in `state`, as its caller is told. */
export function replanRefusal(state: RunState): string {
  return `the run is ${state}; only an UNCONFIRMED run can be replanned`;
}

/** The note a replan's PLANNING is recorded with: what it is limited to. */
function replanNote(targets: readonly string[]): string {
  const shown = targets.slice(0, 5).join(', ');
  const more = targets.length > 5 ? ` and ${targets.length - 5} more` : '';
  return `replan limited to ${shown}${more}`;
}

/**
 * The number of a run's first transition, QUEUED, which storing the run records (storeRun);
 * the workflow numbers the transitions it records after it.
 */
export const QUEUED_SEQ = 0;

/** A transition to make: the state, and the note and person recorded with it. */
export interface Step {
  state: RunState;
  note?: string;
  username?: string;
}

/** What planning found, as far as the next step depends on it. */
export interface PlanOutcome {
  changes: boolean;
  autodeploy: boolean;
}

/** Whether a run ends once it has planned: it has nothing to apply, or it is a preview. */
export function endsAfterPlanning(type: RunType, changes: boolean): boolean {
  return !changes || type === RunType.PROPOSED;
}

/**
 * The rules of one run: which state it is in, which decisions it takes and when, how much of
 * its time is left, and where it goes next. The run workflow keeps one, tells it what happened
 * (messages, stored transitions, time spent in phases) and asks it what to do; the machine
 * does no I/O and reads no clock, so it is deterministic and runs in the workflow sandbox.
 */
export class RunMachine {
  private current = RunState.QUEUED;
  private stored = RunState.QUEUED;
  private seq = QUEUED_SEQ;
  private requestedLock = false;
  private granted = false;
  private activeMs = 0;
  private decision: { kind: 'confirm' | 'discard'; username: string } | undefined;
  private decisionStored = false;
  private cancelledBy: string | undefined;
  private stoppedBy: string | undefined;
  private stopNote: string | undefined;
  private replan: ReplanInput | undefined;
  private replansAsked = 0;
  private replansStored = 0;

  constructor(private readonly run: { type: RunType; runTimeoutMs: number; destroy?: boolean }) {}

  /**
   * The state the run is in, or is entering while its transition is being stored. Messages
   * are judged by it, so of two decisions sent at the same moment exactly one passes.
   */
  get state(): RunState {
    return this.current;
  }

  /** The state as stored: handlers answer once their outcome is readable by the caller. */
  get recorded(): RunState {
    return this.stored;
  }

  /** Whether the run's end is stored. */
  get ended(): boolean {
    return isTerminal(this.stored);
  }

  /** Enters `state`; returns the transition's number in the run's history. */
  enter(state: RunState): number {
    this.current = state;
    this.seq += 1;
    return this.seq;
  }

  /** The number of the transition the run is in: what a note about its waiting goes to. */
  get transitionNumber(): number {
    return this.seq;
  }

  /** The transition to `state` is stored. */
  transitionRecorded(state: RunState): void {
    this.stored = state;
  }

  // Decisions. A validator throws the refusal its caller is told; the matching mutator takes
  // the decision once the validator has let it through.

  refuseDecision(kind: 'confirm' | 'discard'): void {
    if (this.decision) {
      throw new Error(`the run was already ${this.decision.kind}ed by ${this.decision.username}`);
    }
    if (this.replan) {
      throw new Error(
        `the run is being replanned by ${this.replan.username}; decide once its new plan is UNCONFIRMED`,
      );
    }
    if (!DECIDABLE_IN[kind].includes(this.current)) throw new Error(refusalOf(kind, this.current));
  }

  decide(kind: 'confirm' | 'discard', username: string): void {
    this.decision = { kind, username };
  }

  refuseCancel(): void {
    if (this.cancelledBy || !DECIDABLE_IN.cancel.includes(this.current)) {
      throw new Error(refusalOf('cancel', this.current));
    }
  }

  cancel(username: string): void {
    this.cancelledBy = username;
  }

  /** Only once, and only while a phase that can be interrupted runs. */
  refuseStop(): void {
    if (this.stoppedBy || !DECIDABLE_IN.stop.includes(this.current)) {
      throw new Error(refusalOf('stop', this.current));
    }
  }

  stop(username: string, note?: string): void {
    this.stoppedBy = username;
    this.stopNote = note;
  }

  // Targeted replans: an UNCONFIRMED tracked run plans again, limited to resource addresses.

  refuseReplan(): void {
    if (this.run.type !== RunType.TRACKED) {
      throw new Error(`the run is ${this.run.type}; only a TRACKED run can be replanned`);
    }
    if (this.run.destroy) {
      throw new Error("the run destroys the stack's resources and is not replanned");
    }
    if (this.decision) {
      throw new Error(`the run was already ${this.decision.kind}ed by ${this.decision.username}`);
    }
    if (this.replan) {
      throw new Error(`the run is already being replanned by ${this.replan.username}`);
    }
    if (this.current !== RunState.UNCONFIRMED) throw new Error(replanRefusal(this.current));
  }

  /** Takes a replan; returns its number, which `replanAnswered` is asked about. */
  requestReplan(replan: ReplanInput): number {
    this.replan = replan;
    this.replansAsked += 1;
    return this.replansAsked;
  }

  /** Whether a replan waits to be taken up. */
  get replanRequested(): boolean {
    return this.replan !== undefined;
  }

  /** The replan to make: its PLANNING transition, and the addresses it is limited to. */
  takeReplan(): { step: Step; targets: string[] } {
    const { username, targets } = this.replan!;
    this.replan = undefined;
    return { step: { state: RunState.PLANNING, username, note: replanNote(targets) }, targets };
  }

  /** The replan's PLANNING is stored: its caller can be answered. */
  replanRecorded(): void {
    this.replansStored = this.replansAsked;
  }

  /** Whether the caller of replan number `number` can be answered. */
  replanAnswered(number: number): boolean {
    return this.replansStored >= number || this.ended;
  }

  /**
   * A decision that came as a Signal: taken if it is still valid, dropped if it is too late or
   * the run is already decided. Says whether it was taken.
   */
  takeSignal(decision: Decision, username: string, note?: string): boolean {
    try {
      if (decision === 'confirm' || decision === 'discard') {
        this.refuseDecision(decision);
        this.decide(decision, username);
      } else if (decision === 'cancel') {
        this.refuseCancel();
        this.cancel(username);
      } else {
        this.refuseStop();
        this.stop(username, note);
      }
      return true;
    } catch {
      return false;
    }
  }

  /** Whether a person confirmed or discarded the run. */
  get decided(): boolean {
    return this.decision !== undefined;
  }

  /**
   * The transition a confirmation or discard makes, once the run is UNCONFIRMED and decided.
   * Its caller is answered once `decisionRecorded` is called (or the run ended otherwise): the
   * decision may arrive while UNCONFIRMED is still being stored.
   */
  afterDecision(): Step {
    const { kind, username } = this.decision!;
    return { state: kind === 'discard' ? RunState.DISCARDED : RunState.CONFIRMED, username };
  }

  decisionRecorded(): void {
    this.decisionStored = true;
  }

  /** Whether the caller of a confirmation or discard can be answered. */
  get decisionAnswered(): boolean {
    return this.decisionStored || this.ended;
  }

  // The stack's lock. Proposed runs never ask for it.

  get needsLock(): boolean {
    return this.run.type !== RunType.PROPOSED;
  }

  /** The run joined its stack's lock queue: it leaves it, or gives the lock back, when it ends. */
  lockRequested(): void {
    this.requestedLock = true;
  }

  get mustReleaseLock(): boolean {
    return this.requestedLock;
  }

  lockGranted(): void {
    this.granted = true;
  }

  /** Whether the run is done waiting for the lock: it has it, or was canceled. */
  get lockWaitOver(): boolean {
    return this.granted || this.cancelledBy !== undefined;
  }

  /**
   * CANCELED, for a run canceled before it could start; nothing for a run that may start. A
   * run granted the lock starts even if a cancel came with the grant.
   */
  canceledBeforeStart(): Step | undefined {
    if (this.cancelledBy === undefined || (this.needsLock && this.granted)) return undefined;
    return { state: RunState.CANCELED, note: `canceled by ${this.cancelledBy}` };
  }

  /** Whether a person canceled the run while it waited: for the lock, or for a worker. */
  get cancelRequested(): boolean {
    return this.cancelledBy !== undefined;
  }

  /** CANCELED, for a run canceled while it waited in QUEUED for a worker to take it. */
  canceledWhileQueued(): Step | undefined {
    if (this.cancelledBy === undefined) return undefined;
    return { state: RunState.CANCELED, note: `canceled by ${this.cancelledBy}` };
  }

  // The time budget: the active phases together may take `runTimeoutMs`; waiting does not count.

  /** How long the next phase may take; nothing is left at 0 or less. */
  get remainingMs(): number {
    return this.run.runTimeoutMs - this.activeMs;
  }

  /** Counts the time a phase took against the run's limit. */
  spent(ms: number): void {
    this.activeMs += ms;
  }

  /** FAILED: the run ran out of time. */
  tooLong(): Step {
    const timeoutMs = this.run.runTimeoutMs;
    const limit =
      timeoutMs % 60_000 === 0
        ? `${timeoutMs / 60_000} minutes`
        : `${Math.round(timeoutMs / 1000)} seconds`;
    return { state: RunState.FAILED, note: `the run took longer than ${limit} and was stopped` };
  }

  /** STOPPED, once a person stopped the run: its interrupted phase ends it so. */
  stopped(): Step | undefined {
    return this.stoppedBy
      ? {
          state: RunState.STOPPED,
          note: `stopped by ${this.stoppedBy}${this.stopNote ? `: ${this.stopNote}` : ''}`,
        }
      : undefined;
  }

  /**
   * Where a plan leads: nothing to change, or a proposed run, ends it; a destroy run and
   * autodeploy confirm it at once; otherwise it waits for a person's decision.
   */
  afterPlan(plan: PlanOutcome): Step {
    if (endsAfterPlanning(this.run.type, plan.changes)) {
      return plan.changes
        ? { state: RunState.FINISHED }
        : { state: RunState.FINISHED, note: 'no changes' };
    }
    // Asking to delete the stack with its resources was the confirmation.
    if (this.run.destroy) {
      return { state: RunState.CONFIRMED, note: 'the stack is being deleted with its resources' };
    }
    if (plan.autodeploy) return { state: RunState.CONFIRMED, note: 'autodeploy' };
    return { state: RunState.UNCONFIRMED };
  }
}
