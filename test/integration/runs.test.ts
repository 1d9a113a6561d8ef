import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { schema } from '../../src/db';
import { ConflictError } from '../../src/runs/service';
import { RunState, RunType } from '../../src/runs/types';
import { createTestRepo, type TestRepo } from '../support/gitRepo';
import { startRunHarness, type RunHarness } from '../support/runs';

/** A stack's code: one terraform_data resource whose apply appends the run's id to a file. */
function marker(sideEffects: string, value: string) {
  return `
variable "gantry_run_id" {
  type = string
}

resource "terraform_data" "marker" {
  input = "${value}"

  provisioner "local-exec" {
    command = "echo \${var.gantry_run_id} >> ${sideEffects}/applied"
  }
}
`;
}

describe('runs as Temporal workflows, planning and applying with OpenTofu', () => {
  let harness: RunHarness;
  let repo: TestRepo;
  let sideEffects: string;

  const applied = async () =>
    (await fs.readFile(path.join(sideEffects, 'applied'), 'utf8').catch(() => ''))
      .split('\n')
      .filter(Boolean);
  const states = async (runId: string) =>
    (await harness.service.history(runId)).map((transition) => transition.state);

  beforeAll(async () => {
    sideEffects = await fs.mkdtemp(path.join(os.tmpdir(), 'gantry-side-'));
    repo = await createTestRepo();
    await repo.commit({ 'main.tf': marker(sideEffects, 'one') }, 'First marker');
    harness = await startRunHarness();
    await harness.database.db.insert(schema.stacks).values({
      id: 'app',
      name: 'App',
      provider: 'RAW_GIT',
      repository: repo.url,
      branch: 'main',
    });
  });

  afterAll(async () => {
    await harness?.stop();
    await repo?.remove();
    await fs.rm(sideEffects, { recursive: true, force: true });
  });

  it('plans, waits for a confirmation, applies, and finishes; the next run sees no changes', async () => {
    const run = await harness.service.triggerRun('app', { triggeredBy: 'ada' });
    expect(run).toMatchObject({ type: RunType.TRACKED, state: RunState.QUEUED, branch: 'main' });
    await harness.waitForState(run.id, RunState.UNCONFIRMED);
    expect((await harness.service.run(run.id)).delta).toMatchObject({
      addCount: 1,
      addResources: ['terraform_data.marker'],
    });
    expect(await applied()).toEqual([]);

    const confirmed = await harness.service.decide('app', run.id, 'confirm', 'ada');
    expect(confirmed).toEqual({ state: RunState.CONFIRMED, pending: false });
    await harness.waitForState(run.id, RunState.FINISHED);
    expect(await applied()).toEqual([run.id]);
    expect(await states(run.id)).toEqual([
      RunState.QUEUED,
      RunState.INITIALIZING,
      RunState.PLANNING,
      RunState.UNCONFIRMED,
      RunState.CONFIRMED,
      RunState.APPLYING,
      RunState.FINISHED,
    ]);
    const history = await harness.service.history(run.id);
    expect(history.find((step) => step.state === RunState.CONFIRMED)!.username).toBe('ada');
    const times = history.map((step) => step.timestamp.getTime());
    expect([...times].sort((a, b) => a - b)).toEqual(times);

    const again = await harness.service.triggerRun('app', { triggeredBy: 'ada' });
    await harness.waitForState(again.id, RunState.FINISHED);
    expect(await states(again.id)).toEqual([
      RunState.QUEUED,
      RunState.INITIALIZING,
      RunState.PLANNING,
      RunState.FINISHED,
    ]);
    expect(await applied()).toEqual([run.id]);
  });

  it('discards without applying, and refuses a confirmation after the discard', async () => {
    await repo.commit({ 'main.tf': marker(sideEffects, 'two') }, 'Second marker');
    const run = await harness.service.triggerRun('app', { triggeredBy: 'ada' });
    await harness.waitForState(run.id, RunState.UNCONFIRMED);
    expect(await harness.service.decide('app', run.id, 'discard', 'grace')).toEqual({
      state: RunState.DISCARDED,
      pending: false,
    });
    const late = harness.service.decide('app', run.id, 'confirm', 'ada');
    await expect(late).rejects.toThrow(ConflictError);
    await expect(late).rejects.toThrow(
      'the run is DISCARDED; it has ended and takes no more decisions',
    );
    expect(await applied()).toHaveLength(1);
  });

  it('lets exactly one of a confirmation and a discard sent together win', async () => {
    const run = await harness.service.triggerRun('app', { triggeredBy: 'ada' });
    await harness.waitForState(run.id, RunState.UNCONFIRMED);
    const results = await Promise.allSettled([
      harness.service.decide('app', run.id, 'confirm', 'ada'),
      harness.service.decide('app', run.id, 'discard', 'grace'),
    ]);
    const won = results.filter((result) => result.status === 'fulfilled');
    const lost = results.filter((result) => result.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(String((lost[0] as PromiseRejectedResult).reason)).toMatch(
      /the run was already (confirm|discard)ed by (ada|grace)/,
    );
    const final = (won[0] as PromiseFulfilledResult<{ state: RunState }>).value.state;
    await harness.waitForState(
      run.id,
      final === RunState.CONFIRMED ? RunState.FINISHED : RunState.DISCARDED,
    );
  });

  it('queues a second tracked run behind the first, while a proposed run goes ahead', async () => {
    await repo.commit({ 'main.tf': marker(sideEffects, 'three') }, 'Third marker');
    const first = await harness.service.triggerRun('app', { triggeredBy: 'ada' });
    await harness.waitForState(first.id, RunState.UNCONFIRMED);
    const second = await harness.service.triggerRun('app', { triggeredBy: 'ada' });

    const featureHead = await repo.commit(
      { 'main.tf': marker(sideEffects, 'feature') },
      'Feature',
      'feature',
    );
    const proposed = await harness.service.proposeRun('app', {
      branch: 'feature',
      commit: {
        hash: featureHead,
        message: 'Feature',
        authorName: 'Ada',
        timestamp: new Date(),
        url: '',
      },
      triggeredBy: null,
    });
    await harness.waitForState(proposed.id, RunState.FINISHED);
    expect((await harness.service.run(second.id)).state).toBe(RunState.QUEUED);

    await harness.service.decide('app', first.id, 'discard', 'ada');
    await harness.waitForState(second.id, RunState.UNCONFIRMED);
    await harness.service.decide('app', second.id, 'discard', 'ada');
    await harness.waitForState(second.id, RunState.DISCARDED);
  });

  it('cancels a queued run', async () => {
    const first = await harness.service.triggerRun('app', { triggeredBy: 'ada' });
    await harness.waitForState(first.id, RunState.UNCONFIRMED);
    const queued = await harness.service.triggerRun('app', { triggeredBy: 'ada' });
    expect(await harness.service.decide('app', queued.id, 'cancel', 'grace')).toEqual({
      state: RunState.CANCELED,
      pending: false,
    });
    expect(await states(queued.id)).toEqual([RunState.QUEUED, RunState.CANCELED]);
    await harness.service.decide('app', first.id, 'discard', 'ada');
    await harness.waitForState(first.id, RunState.DISCARDED);
  });

  it('runs a task and keeps its output', async () => {
    const task = await harness.service.createTask('app', {
      command: 'echo "hello from $GANTRY_STACK_ID"',
      triggeredBy: 'ada',
    });
    await harness.waitForState(task.id, RunState.PERFORMED);
    expect(await states(task.id)).toEqual([
      RunState.QUEUED,
      RunState.INITIALIZING,
      RunState.PERFORMING,
      RunState.PERFORMED,
    ]);
    const logs = await harness.service.logs(task.id, RunState.PERFORMING);
    expect(logs.messages.map((line) => line.message)).toContain('hello from app');
    expect(logs).toMatchObject({ exists: true, finished: true, hasMore: false });
  });
});
