import type { RunEvent, RunSink } from '../src/runs/events';

/** The integrations told about every transition of every run. */
export interface RunSinks {
  gitlab: RunSink;
  slack: RunSink;
}

/**
 * One activity per sink, so Temporal retries each on its own: a GitLab that is down delays
 * GitLab's feedback only, never Slack's. Sinks show the run as it is now, so any of these may
 * run again, late or twice.
 */
export function createNotifyActivities(sinks: RunSinks) {
  return {
    async notifyGitLab(event: RunEvent): Promise<void> {
      await sinks.gitlab(event);
    },

    async notifySlack(event: RunEvent): Promise<void> {
      await sinks.slack(event);
    },

    /**
     * Every sink in turn, as notify workflows started before the 'notify-per-sink' patch
     * still ask: their histories hold this activity.
     */
    async deliverRunEvent(event: RunEvent): Promise<void> {
      await sinks.gitlab(event);
      await sinks.slack(event);
    },
  };
}
