import fs from 'node:fs/promises';
import path from 'node:path';
import { historyToJSON } from './historyJson';
import prettier from 'prettier';
import { WorkflowHarness } from './harness';
import * as scenarios from './scenarios';

/**
 * Records the history of one run per path through the run workflow, and of a stack's lock
 * workflow before and after it continues as new, into `histories/`. The replay test replays
 * them against the current workflow code: a change that alters the commands a running workflow
 * would send fails it. Histories already recorded are kept: they stand for the runs under way
 * when the code changes. A new path is recorded by adding its scenario; all are recorded again
 * only when a change is meant to be incompatible (and guarded by `patched` for the runs
 * already under way):
 *
 *   npx tsx test/workflows/recordHistories.ts           # the paths not recorded yet
 *   npx tsx test/workflows/recordHistories.ts --again   # every path of this version, anew
 *
 * A change guarded by `patched` starts a new version of the run workflow: its runs are
 * recorded under a name of their own (VERSION), beside those of the versions before it, whose
 * runs may still be under way when the change is deployed.
 */

/**
 * The version of the run workflow this code records, the prefix of its runs' histories:
 * `run-<VERSION>-<path>`, since a run's QUEUED feedback is started as its workflow begins. The
 * versions before it, kept as recorded: `run-<path>`, before workers admitted runs,
 * `run-admitted-<path>`, since, and `run-local-records-<path>`, since a run's records are
 * written by the workflow's own worker.
 */
const VERSION = 'notify-queued';

const HISTORIES = path.join(__dirname, 'histories');

async function record(harness: WorkflowHarness, again: boolean) {
  const runs = await Promise.all([
    scenarios.trackedConfirmed(harness, `${VERSION}-tracked-confirmed`),
    scenarios.trackedConfirmedBySignal(harness, `${VERSION}-tracked-confirmed-by-signal`),
    scenarios.trackedDiscarded(harness, `${VERSION}-tracked-discarded`),
    scenarios.trackedNoChanges(harness, `${VERSION}-tracked-no-changes`),
    scenarios.autodeploy(harness, `${VERSION}-autodeploy`),
    scenarios.proposed(harness, `${VERSION}-proposed`),
    scenarios.task(harness, `${VERSION}-task`),
    scenarios.planFailed(harness, `${VERSION}-plan-failed`),
    scenarios.tooLong(harness, `${VERSION}-too-long`),
    scenarios.stoppedWhilePlanning(harness, `${VERSION}-stopped`),
    scenarios.canceledWhileQueued(harness, `${VERSION}-canceled`),
    scenarios.trackedReplanned(harness, `${VERSION}-tracked-replanned`),
    scenarios.destroyed(harness, `${VERSION}-destroyed`),
  ]);
  const lock = await scenarios.lockContinuedAsNew(harness, 'lock');
  const histories: { name: string; workflowId: string; runId?: string }[] = [
    ...runs.map(({ runId, workflowId }) => ({ name: `run-${runId}`, workflowId })),
    { name: 'stack-lock-continued', workflowId: lock.lockWorkflowId, runId: lock.firstRunId },
    { name: 'stack-lock-after-continue', workflowId: lock.lockWorkflowId, runId: lock.secondRunId },
  ];
  await fs.mkdir(HISTORIES, { recursive: true });
  for (const { name, workflowId, runId } of histories) {
    const file = path.join(HISTORIES, `${name}.json`);
    if (!again && (await fs.stat(file).catch(() => undefined))) continue;
    const history = await harness.client.workflow.getHandle(workflowId, runId).fetchHistory();
    const json = await prettier.format(historyToJSON(history), {
      ...(await prettier.resolveConfig(file)),
      filepath: file,
    });
    await fs.writeFile(file, json);
    console.log(`${path.relative(process.cwd(), file)}: ${history.events?.length ?? 0} events`);
  }
}

async function main() {
  const harness = await WorkflowHarness.start({ serverArgs: scenarios.CONTINUE_AS_NEW_ARGS });
  try {
    await record(harness, process.argv.includes('--again'));
  } finally {
    await harness.stop();
  }
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
