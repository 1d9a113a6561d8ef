import fs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { schema } from '../support/tables';
import { RunState, RunType } from '../../src/runs/types';
import { sha256Hex } from '../../src/platform/secrets';
import { createTestRepo, type TestRepo } from '../support/gitRepo';
import { startRunHarness, type RunHarness } from '../support/runs';
import { startApplyRecorder, type ApplyRecorder } from '../support/applyRecorder';
import { ConflictError } from '../../src/platform/errors';

/**
 * A stack's code: one terraform_data resource, replaced whenever `value` changes, whose
 * creation reports the run's id to the recorder.
 */
function marker(recorder: ApplyRecorder, value: string) {
  return recorder.resource('marker', value);
}

describe('runs as Temporal workflows, planning and applying with OpenTofu', () => {
  let harness: RunHarness;
  let repo: TestRepo;
  let recorder: ApplyRecorder;

  const applied = () => recorder.lines();
  const states = async (runId: string) =>
    (await harness.service.history(runId)).map((transition) => transition.state);

  beforeAll(async () => {
    recorder = await startApplyRecorder();
    repo = await createTestRepo();
    await repo.commit({ 'main.tf': marker(recorder, 'one') }, 'First marker');
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
    await recorder?.close();
  });

  it('plans, waits for a confirmation, applies, and finishes; the next run sees no changes', async () => {
    const run = await harness.service.trackHead('app', { triggeredBy: 'ada' });
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

    const again = await harness.service.trackHead('app', { triggeredBy: 'ada' });
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
    await repo.commit({ 'main.tf': marker(recorder, 'two') }, 'Second marker');
    const run = await harness.service.trackHead('app', { triggeredBy: 'ada' });
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
    const run = await harness.service.trackHead('app', { triggeredBy: 'ada' });
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
    await repo.commit({ 'main.tf': marker(recorder, 'three') }, 'Third marker');
    const first = await harness.service.trackHead('app', { triggeredBy: 'ada' });
    await harness.waitForState(first.id, RunState.UNCONFIRMED);
    const second = await harness.service.trackHead('app', { triggeredBy: 'ada' });

    const featureHead = await repo.commit(
      { 'main.tf': marker(recorder, 'feature') },
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
    const first = await harness.service.trackHead('app', { triggeredBy: 'ada' });
    await harness.waitForState(first.id, RunState.UNCONFIRMED);
    const queued = await harness.service.trackHead('app', { triggeredBy: 'ada' });
    expect(await harness.service.decide('app', queued.id, 'cancel', 'grace')).toEqual({
      state: RunState.CANCELED,
      pending: false,
    });
    expect(await states(queued.id)).toEqual([RunState.QUEUED, RunState.CANCELED]);
    await harness.service.decide('app', first.id, 'discard', 'ada');
    await harness.waitForState(first.id, RunState.DISCARDED);
  });

  it('retries an ended run on the same commit, and only an ended one', async () => {
    const run = await harness.service.trackHead('app', { triggeredBy: 'ada' });
    await harness.waitForState(run.id, RunState.UNCONFIRMED);
    await expect(harness.service.retryRun('app', run.id, { triggeredBy: 'ada' })).rejects.toThrow(
      new ConflictError('the run is UNCONFIRMED; only a run that has ended can be retried'),
    );
    await harness.service.decide('app', run.id, 'discard', 'ada');
    const retried = await harness.service.retryRun('app', run.id, { triggeredBy: 'grace' });
    expect(retried).toMatchObject({
      commitHash: run.commitHash,
      type: RunType.TRACKED,
      triggeredBy: 'grace',
    });
    expect(retried.id).not.toBe(run.id);
    await harness.waitForState(retried.id, RunState.UNCONFIRMED);
    await harness.service.decide('app', retried.id, 'discard', 'grace');
    await harness.waitForState(retried.id, RunState.DISCARDED);
  });

  it('keeps a confirmation sent while no worker runs, and applies it when one is back', async () => {
    await repo.commit({ 'main.tf': marker(recorder, 'four') }, 'Fourth marker');
    const run = await harness.service.trackHead('app', { triggeredBy: 'ada' });
    await harness.waitForState(run.id, RunState.UNCONFIRMED);
    await harness.stopWorkers();
    try {
      expect(await harness.service.decide('app', run.id, 'confirm', 'ada')).toEqual({
        state: RunState.UNCONFIRMED,
        pending: true,
      });
    } finally {
      await harness.startWorkers();
    }
    await harness.waitForState(run.id, RunState.FINISHED);
    expect(await applied()).toContain(run.id);
    const confirmed = (await harness.service.history(run.id)).find(
      (step) => step.state === RunState.CONFIRMED,
    );
    expect(confirmed?.username).toBe('ada');
  });

  it('runs a task without tofu init when it asks to skip initialization', async () => {
    const check = 'if [ -d .terraform ]; then echo initialized; else echo bare; fi';
    const bare = await harness.service.createTask('app', {
      command: check,
      triggeredBy: 'ada',
      skipInitialization: true,
    });
    const initialized = await harness.service.createTask('app', {
      command: check,
      triggeredBy: 'ada',
    });
    await harness.waitForState(bare.id, RunState.FINISHED);
    await harness.waitForState(initialized.id, RunState.FINISHED);
    const output = async (runId: string, state: RunState) =>
      (await harness.service.logs(runId, state)).messages.map((line) => line.message);
    expect(await output(bare.id, RunState.PERFORMING)).toContain('bare');
    expect(await output(bare.id, RunState.INITIALIZING)).toContain(
      'Skipping tofu init, as the task asked (skipInitialization)',
    );
    expect(await output(initialized.id, RunState.PERFORMING)).toContain('initialized');
  });

  it('gives runs of one commit that start together a workspace each, from one fetch that no run can change', async () => {
    const shared = await createTestRepo();
    try {
      const commit = await shared.commit(
        { 'main.tf': '', 'notes.txt': 'as committed\n' },
        'Shared code',
      );
      await harness.database.db.insert(schema.stacks).values(
        ['twin-a', 'twin-b'].map((id) => ({
          id,
          name: id,
          provider: 'RAW_GIT' as const,
          repository: shared.url,
          branch: 'main',
        })),
      );
      // Each run reads the repository's file, then changes it and the checkout's git files.
      const command =
        'cat notes.txt; echo "changed by $GANTRY_RUN_ID" > notes.txt; ' +
        'chmod -R u+w .git && echo broken > .git/HEAD && echo done';
      const task = (stackId: string) =>
        harness.service.createTask(stackId, {
          command,
          triggeredBy: 'ada',
          skipInitialization: true,
        });
      const together = await Promise.all([task('twin-a'), task('twin-b')]);
      const later = [];
      for (const run of together) await harness.waitForState(run.id, RunState.FINISHED);
      later.push(await task('twin-a'));
      await harness.waitForState(later[0]!.id, RunState.FINISHED);
      for (const run of [...together, ...later]) {
        const lines = (await harness.service.logs(run.id, RunState.PERFORMING)).messages.map(
          (line) => line.message,
        );
        expect(lines).toEqual(expect.arrayContaining(['as committed', 'done']));
        expect(lines.filter((line) => line.includes('changed by'))).toEqual([`$ ${command}`]);
      }
      // The worker keeps one copy of the commit, which it copied into each run's workspace.
      const cached = await fs.readdir(path.join(harness.workRoot, 'sources'));
      expect(cached.filter((entry) => entry.endsWith(commit))).toHaveLength(1);
    } finally {
      await shared.remove();
    }
  });

  it('runs a task and keeps its output', async () => {
    const task = await harness.service.createTask('app', {
      command: 'echo "hello from $GANTRY_STACK_ID"',
      triggeredBy: 'ada',
    });
    await harness.waitForState(task.id, RunState.FINISHED);
    expect(await states(task.id)).toEqual([
      RunState.QUEUED,
      RunState.INITIALIZING,
      RunState.PERFORMING,
      RunState.PERFORMED,
      RunState.FINISHED,
    ]);
    const logs = await harness.service.logs(task.id, RunState.PERFORMING);
    expect(logs.messages.map((line) => line.message)).toContain('hello from app');
    expect(logs).toMatchObject({ exists: true, finished: true, hasMore: false });
  });
});

describe('runs that must be cut short, and secrets', () => {
  let harness: RunHarness;
  let repo: TestRepo;
  let slowServer: http.Server;
  const held: http.ServerResponse[] = [];
  const SECRET = 'wr1te-only-s3cret';

  beforeAll(async () => {
    // A state source that never answers: planning waits on it until interrupted.
    slowServer = http.createServer((_req, res) => held.push(res));
    await new Promise<void>((resolve) => slowServer.listen(0, '127.0.0.1', resolve));
    const slowPort = (slowServer.address() as AddressInfo).port;
    repo = await createTestRepo();
    await repo.commit({ 'main.tf': 'resource "terraform_data" "x" {\n  input = "x"\n}\n' }, 'Init');
    await repo.commit(
      {
        'main.tf': `data "terraform_remote_state" "slow" {
  backend = "http"
  config = {
    address = "http://127.0.0.1:${slowPort}/never"
  }
}
`,
      },
      'Slow plan',
      'slow',
    );
    harness = await startRunHarness();
    await harness.database.db.insert(schema.stacks).values({
      id: 'edge',
      name: 'Edge',
      provider: 'RAW_GIT',
      repository: repo.url,
      branch: 'main',
    });
    await harness.database.db.insert(schema.configElements).values({
      stackId: 'edge',
      id: 'SECRET_VALUE',
      type: 'ENVIRONMENT_VARIABLE',
      writeOnly: true,
      encryptedValue: harness.box.seal(SECRET),
      checksum: sha256Hex(SECRET),
    });
  });

  afterAll(async () => {
    for (const res of held) res.destroy();
    slowServer?.close();
    await harness?.stop();
    await repo?.remove();
  });

  it('stops a run while it plans, and its tool is gone', async () => {
    const slow = await repo.commit({ 'note.txt': 'x' }, 'Touch', 'slow');
    const run = await harness.service.proposeRun('edge', {
      branch: 'slow',
      commit: { hash: slow, message: 'Touch', authorName: 'Ada', timestamp: new Date(), url: '' },
      triggeredBy: 'ada',
    });
    await harness.waitForState(run.id, RunState.PLANNING);
    const deadline = Date.now() + 30_000;
    while (held.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(held.length).toBeGreaterThan(0);
    expect(await harness.service.decide('edge', run.id, 'stop', 'grace')).toEqual({
      state: RunState.STOPPED,
      pending: false,
    });
    const history = await harness.service.history(run.id);
    expect(history.at(-1)).toMatchObject({ state: RunState.STOPPED, note: 'stopped by grace' });
    expect(await toolsRunningIn(harness.workRoot)).toEqual([]);
  });

  it("stops a task while it performs, with the person's note, and its command is gone", async () => {
    const task = await harness.service.createTask('edge', {
      command: 'echo started; sleep 300',
      triggeredBy: 'ada',
    });
    await harness.waitForState(task.id, RunState.PERFORMING, 30_000);
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const logs = await harness.service.logs(task.id, RunState.PERFORMING);
      if (logs.messages.some((line) => line.message === 'started')) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(
      await harness.service.decide('edge', task.id, 'stop', 'grace', { note: 'wrong command' }),
    ).toEqual({ state: RunState.STOPPED, pending: false });
    const history = await harness.service.history(task.id);
    expect(history.at(-1)).toMatchObject({
      state: RunState.STOPPED,
      note: 'stopped by grace: wrong command',
    });
    expect(await toolsRunningIn(harness.workRoot)).toEqual([]);
  });

  it('stops the unfinished proposed runs of a branch when a newer push comes', async () => {
    const older = await repo.commit({ 'note.txt': 'older' }, 'Older', 'slow');
    const first = await harness.service.proposeRun('edge', {
      branch: 'slow',
      commit: { hash: older, message: 'Older', authorName: 'Ada', timestamp: new Date(), url: '' },
      triggeredBy: null,
    });
    await harness.waitForState(first.id, RunState.PLANNING);
    // The newer push drops the slow data source, so its own run finishes.
    const newer = await repo.commit({ 'main.tf': '' }, 'Newer', 'slow');
    const second = await harness.service.proposeRun('edge', {
      branch: 'slow',
      commit: { hash: newer, message: 'Newer', authorName: 'Ada', timestamp: new Date(), url: '' },
      triggeredBy: null,
    });
    await harness.waitForState(first.id, RunState.STOPPED, 60_000);
    expect((await harness.service.history(first.id)).at(-1)!.note).toBe(
      `stopped by newer push ${newer.slice(0, 8)}`,
    );
    await harness.waitForState(second.id, RunState.FINISHED);
  });

  it('gives a write-only value to the tool, masks it, and keeps it out of history and reads', async () => {
    const task = await harness.service.createTask('edge', {
      command: 'echo "value=$SECRET_VALUE"; env',
      triggeredBy: 'ada',
    });
    await harness.waitForState(task.id, RunState.FINISHED, 30_000);
    const logs = await harness.service.logs(task.id, RunState.PERFORMING);
    const lines = logs.messages.map((line) => line.message);
    expect(lines).toContain('value=*****');
    expect(lines.join('\n')).not.toMatch(/DATABASE_URL|GANTRY_ENCRYPTION_KEY|JEST_WORKER_ID/);

    const history = await harness.temporal.client.workflow
      .getHandle(`run/edge/${task.id}`)
      .fetchHistory();
    expect(JSON.stringify(history)).not.toContain(SECRET);
    const reads = JSON.stringify([
      await harness.service.run(task.id),
      await harness.service.history(task.id),
      logs,
      await harness.service.listRuns('edge', { types: [RunType.TASK] }),
    ]);
    expect(reads).not.toContain(SECRET);
  });
});

describe('the run time and silence limits', () => {
  let harness: RunHarness;
  let repo: TestRepo;

  beforeAll(async () => {
    repo = await createTestRepo();
    await repo.commit({ 'main.tf': '' }, 'Empty');
    harness = await startRunHarness({ runTimeoutMs: 12_000, silenceTimeoutMs: 5_000 });
    await harness.database.db.insert(schema.stacks).values({
      id: 'slow',
      name: 'Slow',
      provider: 'RAW_GIT',
      repository: repo.url,
      branch: 'main',
    });
  });
  afterAll(async () => {
    await harness?.stop();
    await repo?.remove();
  });

  it('fails a run that takes longer than the run time limit, saying so', async () => {
    // Chatty, so the silence limit does not stop it first.
    const task = await harness.service.createTask('slow', {
      command: 'while true; do echo tick; sleep 0.5; done',
      triggeredBy: 'ada',
    });
    await harness.waitForState(task.id, RunState.FAILED);
    expect((await harness.service.history(task.id)).at(-1)!.note).toBe(
      'the run took longer than 12 seconds and was stopped',
    );
    expect(await toolsRunningIn(harness.workRoot)).toEqual([]);
  });

  it('fails a run whose tool stays silent too long, saying so', async () => {
    const task = await harness.service.createTask('slow', {
      command: 'echo started; sleep 60',
      triggeredBy: 'ada',
    });
    await harness.waitForState(task.id, RunState.FAILED);
    expect((await harness.service.history(task.id)).at(-1)!.note).toBe(
      'no log output for 5 seconds; the process was interrupted',
    );
    expect(await toolsRunningIn(harness.workRoot)).toEqual([]);
  });
});

/** Processes whose working directory is under `root`: tools a run started. */
/**
 * Processes still working in a workspace under `root`: the sandboxes made around them (their
 * command lines name the workspace) with everything inside, and any tool working there directly.
 */
async function toolsRunningIn(root: string): Promise<string[]> {
  const found = new Set<string>();
  const describe = async (pid: string) => {
    const command = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    return `${pid} ${command.replaceAll('\0', ' ')}`;
  };
  const withDescendants = async (pid: string): Promise<void> => {
    found.add(await describe(pid));
    const tasks = await fs.readdir(`/proc/${pid}/task`).catch(() => []);
    for (const task of tasks) {
      const children = await fs
        .readFile(`/proc/${pid}/task/${task}/children`, 'utf8')
        .catch(() => '');
      for (const child of children.split(/\s+/).filter(Boolean)) await withDescendants(child);
    }
  };
  for (const pid of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const cwd = await fs.readlink(`/proc/${pid}/cwd`).catch(() => '');
    const command = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cwd.startsWith(root)) found.add(await describe(pid));
    else if (command.startsWith('bwrap\0') && command.includes(root)) await withDescendants(pid);
  }
  return [...found];
}
