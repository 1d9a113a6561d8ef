import type { RunState } from './types';

/**
 * One transition of a run, as the run's workflow announces it. Pure declarations: the
 * workflow bundle imports this file.
 */
export interface RunEvent {
  runId: string;
  stackId: string;
  state: RunState;
  /** The transition's number in the run's history. */
  seq: number;
}

/**
 * Something told about every transition of every run: GitLab, Slack. Events arrive late,
 * twice or out of order, so a sink shows the run as the database has it now, not the event's
 * state. Throws to be retried.
 */
export type RunSink = (event: RunEvent) => Promise<void>;
