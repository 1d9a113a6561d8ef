import { proxyActivities } from '@temporalio/workflow';
import type { RunActivities } from '../activities';
import type { RunState } from '../src/runs/types';

export interface RunEvent {
  runId: string;
  stackId: string;
  state: RunState;
  /** The transition's number in the run's history. */
  seq: number;
}

// Outages of GitLab or Slack delay feedback: it is tried again with backoff for a day.
const { deliverRunEvent } = proxyActivities<RunActivities>({
  startToCloseTimeout: '1m',
  scheduleToCloseTimeout: '24h',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '5m' },
});

/** Tells every integration about one transition of a run. */
export async function notifyWorkflow(event: RunEvent): Promise<void> {
  await deliverRunEvent(event);
}
