/**
 * The run model shared by the service, the workflows and the activities. Pure declarations:
 * the workflow bundle imports this file, so it must stay free of I/O and Node built-ins.
 * Names and values are those of the GraphQL schema.
 */

export enum RunType {
  TRACKED = 'TRACKED',
  PROPOSED = 'PROPOSED',
  TASK = 'TASK',
}

export enum RunState {
  QUEUED = 'QUEUED',
  INITIALIZING = 'INITIALIZING',
  PLANNING = 'PLANNING',
  UNCONFIRMED = 'UNCONFIRMED',
  CONFIRMED = 'CONFIRMED',
  APPLYING = 'APPLYING',
  PERFORMING = 'PERFORMING',
  FINISHED = 'FINISHED',
  PERFORMED = 'PERFORMED',
  FAILED = 'FAILED',
  DISCARDED = 'DISCARDED',
  CANCELED = 'CANCELED',
  STOPPED = 'STOPPED',
}

export const TERMINAL_STATES: ReadonlySet<RunState> = new Set([
  RunState.FINISHED,
  RunState.FAILED,
  RunState.DISCARDED,
  RunState.CANCELED,
  RunState.STOPPED,
]);

/** The states whose phase runs tools: the run is working, and writing logs. */
export const TOOL_STATES: readonly RunState[] = [
  RunState.INITIALIZING,
  RunState.PLANNING,
  RunState.APPLYING,
  RunState.PERFORMING,
];

export function isTerminal(state: RunState): boolean {
  return TERMINAL_STATES.has(state);
}

/** Resources a run changes; a replacement counts as both an addition and a deletion. */
export interface Delta {
  addCount: number;
  addResources: string[];
  changeCount: number;
  changeResources: string[];
  deleteCount: number;
  deleteResources: string[];
  /** Resources in the state before the change. */
  resources: number;
}
