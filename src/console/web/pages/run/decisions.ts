/*
 * Which decisions a run takes in which state: the rules of src/runs/machine.ts (DECIDABLE_IN),
 * repeated here because the console imports no server code. The API refuses a decision the
 * run no longer takes, so a button shown a moment too long only earns a clear refusal.
 */

export type Decision = 'Confirm' | 'Discard' | 'Cancel' | 'Stop' | 'Retry';

const DECIDABLE_IN: Record<Exclude<Decision, 'Retry'>, readonly string[]> = {
  Confirm: ['UNCONFIRMED'],
  Discard: ['UNCONFIRMED'],
  Cancel: ['QUEUED'],
  Stop: ['INITIALIZING', 'PLANNING', 'PERFORMING'],
};

/** The decisions the API would take now, for a run in `state`. */
export function decisionsFor(run: { state: string; canRetry: boolean }): Decision[] {
  const decisions = (Object.keys(DECIDABLE_IN) as Array<keyof typeof DECIDABLE_IN>).filter(
    (decision) => DECIDABLE_IN[decision].includes(run.state),
  );
  return run.canRetry ? [...decisions, 'Retry'] : decisions;
}

/** The mutation each decision sends, answering the run's id and state. */
export const DECISION_MUTATIONS: Record<Decision, string> = {
  Confirm: `mutation ConsoleConfirm($stack: ID!, $run: ID!) { decided: runConfirm(stack: $stack, run: $run) { id state } }`,
  Discard: `mutation ConsoleDiscard($stack: ID!, $run: ID!) { decided: runDiscard(stack: $stack, run: $run) { id state } }`,
  Cancel: `mutation ConsoleCancel($stack: ID!, $run: ID!) { decided: runCancel(stack: $stack, run: $run) { id state } }`,
  Stop: `mutation ConsoleStop($stack: ID!, $run: ID!) { decided: runStop(stack: $stack, run: $run) { id state } }`,
  // A retry is a new run of the same commit; its page is where the person goes next.
  Retry: `mutation ConsoleRetry($stack: ID!, $run: ID!) { decided: runRetry(stack: $stack, run: $run) { id state } }`,
};

/** The id Gantry starts a run's workflow with (runWorkflowId in src/runs/contract.ts). */
export function runWorkflowId(stackId: string, runId: string): string {
  return `run/${stackId}/${runId}`;
}

/** The run's workflow in the Temporal UI. */
export function temporalWorkflowUrl(temporalUiUrl: string, stackId: string, runId: string) {
  return `${temporalUiUrl.replace(/\/+$/, '')}/namespaces/default/workflows/${encodeURIComponent(runWorkflowId(stackId, runId))}`;
}
