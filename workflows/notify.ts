import { patched, proxyActivities } from '@temporalio/workflow';
import type { RunActivities } from '../activities';
import type { RunEvent } from '../src/runs/events';

// Outages of GitLab or Slack delay feedback: it is tried again with backoff for a day. Each
// activity keeps its own attempts, so one sink's outage never holds back another's delivery.
const { notifyGitLab, notifySlack, deliverRunEvent } = proxyActivities<RunActivities>({
  startToCloseTimeout: '1m',
  scheduleToCloseTimeout: '24h',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '5m' },
});

/** Tells every integration about one transition of a run. */
export async function notifyWorkflow(event: RunEvent): Promise<void> {
  // Workflows started before each sink had its own activity replay the one they began with.
  if (!patched('notify-per-sink')) {
    await deliverRunEvent(event);
    return;
  }
  // Settled, not raced: a sink that has given up must not end the workflow under the other.
  const results = await Promise.allSettled([notifyGitLab(event), notifySlack(event)]);
  const failed = results.find(
    (result): result is PromiseRejectedResult => result.status === 'rejected',
  );
  if (failed) throw failed.reason;
}
