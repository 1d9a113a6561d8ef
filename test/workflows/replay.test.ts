import fs from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { bundleWorkflows, installQuietRuntime } from './harness';
import { historyFromJSON } from './historyJson';

/**
 * Workflows under way replay their history against the code of the worker that takes them
 * up: a change that makes the workflow send other commands than it did fails them. These
 * histories were recorded with `recordHistories.ts`, one per path through the run workflow and
 * version of it: `run-<path>` before workers admitted runs, `run-admitted-<path>` since, and
 * `run-local-records-<path>` since the workflow's own worker writes a run's records.
 */

const HISTORIES = path.join(__dirname, 'histories');
const files = fs
  .readdirSync(HISTORIES)
  .filter((file) => file.endsWith('.json'))
  .sort();

describe('recorded workflow histories', () => {
  beforeAll(() => installQuietRuntime());

  it('cover every path through each version of the run workflow, and the stack lock continuing as new', () => {
    expect(files).toEqual([
      'run-admitted-autodeploy.json',
      'run-admitted-canceled.json',
      'run-admitted-destroyed.json',
      'run-admitted-plan-failed.json',
      'run-admitted-proposed.json',
      'run-admitted-stopped.json',
      'run-admitted-task.json',
      'run-admitted-too-long.json',
      'run-admitted-tracked-confirmed-by-signal.json',
      'run-admitted-tracked-confirmed.json',
      'run-admitted-tracked-discarded.json',
      'run-admitted-tracked-no-changes.json',
      'run-admitted-tracked-replanned.json',
      'run-autodeploy.json',
      'run-canceled.json',
      'run-destroyed.json',
      'run-local-records-autodeploy.json',
      'run-local-records-canceled.json',
      'run-local-records-destroyed.json',
      'run-local-records-plan-failed.json',
      'run-local-records-proposed.json',
      'run-local-records-stopped.json',
      'run-local-records-task.json',
      'run-local-records-too-long.json',
      'run-local-records-tracked-confirmed-by-signal.json',
      'run-local-records-tracked-confirmed.json',
      'run-local-records-tracked-discarded.json',
      'run-local-records-tracked-no-changes.json',
      'run-local-records-tracked-replanned.json',
      'run-notify-queued-autodeploy.json',
      'run-notify-queued-canceled.json',
      'run-notify-queued-destroyed.json',
      'run-notify-queued-plan-failed.json',
      'run-notify-queued-proposed.json',
      'run-notify-queued-stopped.json',
      'run-notify-queued-task.json',
      'run-notify-queued-too-long.json',
      'run-notify-queued-tracked-confirmed-by-signal.json',
      'run-notify-queued-tracked-confirmed.json',
      'run-notify-queued-tracked-discarded.json',
      'run-notify-queued-tracked-no-changes.json',
      'run-notify-queued-tracked-replanned.json',
      'run-plan-failed.json',
      'run-proposed.json',
      'run-stopped.json',
      'run-task.json',
      'run-too-long.json',
      'run-tracked-confirmed-by-signal.json',
      'run-tracked-confirmed.json',
      'run-tracked-discarded.json',
      'run-tracked-no-changes.json',
      'run-tracked-replanned.json',
      'stack-lock-after-continue.json',
      'stack-lock-continued.json',
    ]);
  });

  it.each(files)('%s replays against the current workflow code', async (file) => {
    const history = historyFromJSON(fs.readFileSync(path.join(HISTORIES, file), 'utf8'));
    await Worker.runReplayHistory(
      { workflowBundle: await bundleWorkflows(), replayName: file },
      history,
      file,
    );
  });
});
