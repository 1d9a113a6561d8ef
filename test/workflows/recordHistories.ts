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
 *   npx tsx test/workflows/recordHistories.ts --again   # every path, anew
 */

const HISTORIES = path.join(__dirname, 'histories');

async function record(harness: WorkflowHarness, again: boolean) {
  const runs = await Promise.all([
    scenarios.trackedConfirmed(harness, 'tracked-confirmed'),
    scenarios.trackedConfirmedBySignal(harness, 'tracked-confirmed-by-signal'),
    scenarios.trackedDiscarded(harness, 'tracked-discarded'),
    scenarios.trackedNoChanges(harness, 'tracked-no-changes'),
    scenarios.autodeploy(harness, 'autodeploy'),
    scenarios.proposed(harness, 'proposed'),
    scenarios.task(harness, 'task'),
    scenarios.planFailed(harness, 'plan-failed'),
    scenarios.tooLong(harness, 'too-long'),
    scenarios.stoppedWhilePlanning(harness, 'stopped'),
    scenarios.canceledWhileQueued(harness, 'canceled'),
    scenarios.trackedReplanned(harness, 'tracked-replanned'),
    scenarios.destroyed(harness, 'destroyed'),
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
