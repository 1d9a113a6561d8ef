import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { drizzle } from 'drizzle-orm/pglite';
import { schema } from '../support/tables';
import { RunService } from '../../src/runs/service';
import { RunState, RunType } from '../../src/runs/types';
import { startApiServer } from '../support/api';
import { StackService } from '../../src/stacks/service';
import { TASK_QUEUE } from '../../temporal/client';
import { RawGitProvider } from '../../src/vcs/rawGit';
import { runWorkflowId } from '../../src/runs/contract';
import { runWorkflow } from '../../workflows/run';
import { freePort } from '../support/ports';
import { startApplyRecorder, type ApplyRecorder } from '../support/applyRecorder';
import { createTestRepo, type TestRepo } from '../support/gitRepo';
import { startRunHarness, type RunHarness } from '../support/runs';
import { ConflictError } from '../../src/platform/errors';

/** Runs driven as hard as the API lets anyone drive them. */
describe('runs under hostile use of the API', () => {
  let harness: RunHarness;
  let repo: TestRepo;
  let recorder: ApplyRecorder;

  beforeAll(async () => {
    recorder = await startApplyRecorder();
    repo = await createTestRepo();
    await repo.commit({ 'main.tf': recorder.resource('marker', 'one') }, 'Marker');
    harness = await startRunHarness();
    await harness.database.db.insert(schema.stacks).values(
      ['crowd', 'outage', 'doomed'].map((id) => ({
        id,
        name: id,
        provider: 'RAW_GIT' as const,
        repository: repo.url,
        branch: 'main',
      })),
    );
  });

  afterAll(async () => {
    await harness?.stop();
    await repo?.remove();
    await recorder?.close();
  });

  it('answers 100 simultaneous decisions with one winner, refuses the rest with CONFLICT, and applies once', async () => {
    const run = await harness.service.trackHead('crowd', { triggeredBy: 'ada' });
    await harness.waitForState(run.id, RunState.UNCONFIRMED);
    const results = await Promise.allSettled(
      Array.from({ length: 100 }, (_, index) =>
        harness.service.decide(
          'crowd',
          run.id,
          index % 2 === 0 ? 'confirm' : 'discard',
          `person-${index}`,
        ),
      ),
    );
    type Decided = PromiseFulfilledResult<{ state: RunState; pending: boolean }>;
    const fulfilled = results.filter((result) => result.status === 'fulfilled') as Decided[];
    const lost = results.filter((result) => result.status === 'rejected');
    // One decision takes effect. On a machine too busy to take a decision within 10 s, some
    // (even all) may be left with the run instead (pending), which takes the first to reach it
    // and refuses the others once it gets to them.
    const won = fulfilled.filter((result) => !result.value.pending);
    expect(won.length).toBeLessThanOrEqual(1);
    expect(lost.map((result) => (result.reason as Error).name)).toEqual(
      Array(100 - fulfilled.length).fill('ConflictError'),
    );
    for (const result of lost) expect(result.reason).toBeInstanceOf(ConflictError);

    const decided = async () =>
      (await harness.service.history(run.id)).filter(
        (step) => step.state === RunState.CONFIRMED || step.state === RunState.DISCARDED,
      );
    const deadline = Date.now() + 60_000;
    while ((await decided()).length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const [decision, ...others] = await decided();
    expect(others).toEqual([]);
    if (won[0]) {
      expect(won[0].value.state === RunState.DISCARDED).toBe(
        decision!.state === RunState.DISCARDED,
      );
    }
    if (decision!.state === RunState.DISCARDED) {
      expect(await recorder.lines()).toEqual([]);
    } else {
      await harness.waitForState(run.id, RunState.FINISHED);
      expect(await recorder.lines()).toEqual([run.id]);
    }
    expect(await decided()).toHaveLength(1);
  });

  it('keeps a run made while Temporal is unreachable: it can be canceled, is started once Temporal answers, and never blocks deleting its stack', async () => {
    // A run service whose Temporal is nowhere, as an API process sees an outage.
    const unreachable = Connection.lazy({
      address: `127.0.0.1:${await freePort()}`,
      interceptors: [],
    });
    const down = new RunService({
      db: harness.database.db,
      box: harness.box,
      stacks: new StackService({ db: harness.database.db, box: harness.box }),
      client: new Client({ connection: unreachable }),
      vcsFor: () => new RawGitProvider({ allowFile: true }),
      runTimeoutMs: 70 * 60_000,
    });
    const canceled = await down.trackHead('outage', { triggeredBy: 'ada' });
    expect(canceled.state).toBe(RunState.QUEUED);
    expect(await down.decide('outage', canceled.id, 'cancel', 'ada')).toEqual({
      state: RunState.CANCELED,
      pending: false,
    });
    expect((await harness.service.history(canceled.id)).at(-1)).toMatchObject({
      state: RunState.CANCELED,
      note: 'canceled by ada',
    });

    const later = await down.trackHead('outage', { triggeredBy: 'ada' });
    const confirm = down.decide('outage', later.id, 'confirm', 'ada');
    await expect(confirm).rejects.toThrow(ConflictError);
    await expect(confirm).rejects.toThrow('has not started yet; only a cancel applies to it now');
    expect(await harness.service.reconcile({ giveUpAfterMs: 60 * 60_000 })).toEqual({
      started: 1,
      failed: 0,
    });
    await harness.waitForState(later.id, RunState.UNCONFIRMED);
    await harness.service.decide('outage', later.id, 'discard', 'ada');
    // The canceled run stays canceled: nothing starts it.
    expect((await harness.service.run(canceled.id)).state).toBe(RunState.CANCELED);

    const abandoned = await down.trackHead('outage', { triggeredBy: 'ada' });
    expect(await harness.service.reconcile({ giveUpAfterMs: 0 })).toEqual({
      started: 0,
      failed: 1,
    });
    expect((await harness.service.history(abandoned.id)).at(-1)).toMatchObject({
      state: RunState.FAILED,
      note: 'its workflow could not be started within 0 minutes because Temporal could not be reached; trigger the run again',
    });

    // A start that looked failed may have reached Temporal after all: its workflow must not take
    // up a run canceled meanwhile.
    const late = harness.temporal.client.workflow.start(runWorkflow, {
      taskQueue: TASK_QUEUE,
      workflowId: runWorkflowId('outage', canceled.id),
      args: [
        {
          runId: canceled.id,
          stackId: 'outage',
          type: RunType.TRACKED,
          triggeredBy: 'ada',
          runTimeoutMs: 70 * 60_000,
        },
      ],
    });
    await expect((await late).result()).rejects.toThrow(WorkflowFailedError);
    expect((await harness.service.history(canceled.id)).map((step) => step.state)).toEqual([
      RunState.QUEUED,
      RunState.CANCELED,
    ]);

    const stranded = await down.trackHead('doomed', { triggeredBy: 'ada' });
    await harness.service.deleteStack('doomed');
    await expect(harness.service.run(stranded.id)).rejects.toThrow('does not exist');
    await unreachable.close();
  });

  it("refuses to read the logs of every run at once, and reads many runs' logs in a fixed number of queries", async () => {
    const api = await startApiServer(harness);
    try {
      const aliases = Array.from(
        { length: 20 },
        (_, index) => `l${index}: logs(state: PLANNING) { messages { message } }`,
      );
      const greedy = await api.graphql(`{ stacks { runs { ${aliases.join(' ')} } } }`);
      expect(greedy.errors?.[0]?.message).toMatch(
        /^this operation would cost about \d+, more than the 100000 one request may/,
      );
      expect(greedy.data).toBeUndefined();
    } finally {
      await api.close();
    }

    let queries = 0;
    const counted = drizzle(harness.database.pglite!, {
      logger: { logQuery: () => (queries += 1) },
    });
    const countingApi = await startApiServer(harness, { db: counted });
    let runs = 0;
    const addRuns = async (count: number) => {
      for (let index = 0; index < count; index += 1) {
        const id = `01JLOGS${String(++runs).padStart(19, '0')}`;
        await harness.database.db.insert(schema.runs).values({
          id,
          stackId: 'logs',
          type: RunType.TRACKED,
          state: RunState.FINISHED,
          branch: 'main',
          commitHash: 'c'.repeat(40),
        });
        await harness.database.db.insert(schema.runTransitions).values(
          [RunState.QUEUED, RunState.PLANNING, RunState.FINISHED].map((state, seq) => ({
            runId: id,
            seq,
            state,
            timestamp: new Date(),
          })),
        );
        await harness.database.db.insert(schema.runLogs).values(
          Array.from({ length: 3 }, (_, seq) => ({
            runId: id,
            state: RunState.PLANNING,
            seq: seq + 1,
            message: `line ${seq + 1} of ${id}`,
            timestamp: new Date(),
          })),
        );
      }
    };
    const read = async () => {
      queries = 0;
      const answer = await countingApi.graphql<{
        stack: { runs: Array<{ id: string; planned: { messages: Array<{ message: string }> } }> };
      }>(`{ stack(id: "logs") { runs {
        id
        planned: logs(state: PLANNING) { finished messages { message } }
        applied: logs(state: APPLYING) { exists }
      } } }`);
      expect(answer.errors).toBeUndefined();
      for (const run of answer.data!.stack.runs) {
        expect(run.planned.messages.map((line) => line.message)).toEqual(
          [1, 2, 3].map((line) => `line ${line} of ${run.id}\n`),
        );
      }
      return queries;
    };
    try {
      await harness.database.db.insert(schema.stacks).values({
        id: 'logs',
        name: 'logs',
        provider: 'RAW_GIT',
        repository: repo.url,
        branch: 'main',
      });
      await addRuns(3);
      const forFew = await read();
      await addRuns(20);
      expect(await read()).toBe(forFew);
    } finally {
      await countingApi.close();
    }
  });
});
