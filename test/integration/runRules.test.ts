import { schema } from '../support/tables';
import { RunState, RunType } from '../../src/runs/types';
import type { RunEvent } from '../../src/runs/events';
import { createTestRepo, type TestRepo } from '../support/gitRepo';
import { startRunHarness, type RunHarness } from '../support/runs';
import { ConflictError } from '../../src/platform/errors';

const resource = (value: string) => `resource "terraform_data" "x" {
  triggers_replace = "${value}"
}
`;

describe('run rules: autodeploy, a person’s stack lock, notifications, search attributes', () => {
  let harness: RunHarness;
  let repo: TestRepo;
  const events: RunEvent[] = [];

  const states = async (runId: string) =>
    (await harness.service.history(runId)).map((transition) => transition.state);

  beforeAll(async () => {
    repo = await createTestRepo();
    await repo.commit({ 'main.tf': resource('1') }, 'One');
    // An integration that is down for good: it sees every event and fails every time.
    harness = await startRunHarness({
      notifiers: [
        (event) => {
          events.push(event);
          return Promise.reject(new Error('integration is down'));
        },
      ],
    });
    await harness.database.db.insert(schema.stacks).values({
      id: 'rules',
      name: 'Rules',
      provider: 'RAW_GIT',
      repository: repo.url,
      branch: 'main',
      autodeploy: true,
    });
  });

  afterAll(async () => {
    await harness?.stop();
    await repo?.remove();
  });

  it('applies without waiting when the stack deploys automatically, whatever the integrations do', async () => {
    const run = await harness.service.trackHead('rules', { triggeredBy: 'ada' });
    await harness.waitForState(run.id, RunState.FINISHED);
    expect(await states(run.id)).toEqual([
      RunState.QUEUED,
      RunState.INITIALIZING,
      RunState.PLANNING,
      RunState.CONFIRMED,
      RunState.APPLYING,
      RunState.FINISHED,
    ]);
    expect((await harness.service.history(run.id))[3]!.note).toBe('autodeploy');
    const deadline = Date.now() + 10_000;
    while (!events.some((event) => event.runId === run.id && event.state === RunState.FINISHED)) {
      if (Date.now() > deadline) throw new Error('no FINISHED event reached the integration');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(events.filter((event) => event.runId === run.id).map((event) => event.seq)).toEqual(
      expect.arrayContaining([1, 2, 3, 4, 5]),
    );
  });

  it('makes runs findable in Temporal by stack, type and state', async () => {
    const found: string[] = [];
    for await (const execution of harness.temporal.client.workflow.list({
      query: `GantryStackId = "rules" AND GantryRunType = "${RunType.TRACKED}" AND GantryRunState = "FINISHED"`,
    })) {
      found.push(execution.workflowId);
    }
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((id) => id.startsWith('run/rules/'))).toBe(true);
  });

  it('runs only what the person who locked the stack triggers, and waits for a confirmation', async () => {
    await repo.commit({ 'main.tf': resource('2') }, 'Two');
    await harness.locks.lock('rules', 'ada');
    await expect(harness.locks.lock('rules', 'grace')).rejects.toThrow(
      new ConflictError('stack "rules" is already locked by ada'),
    );
    await expect(harness.service.trackHead('rules', { triggeredBy: 'grace' })).rejects.toThrow(
      new ConflictError(
        'stack "rules" is locked by ada; only they can start runs until it is unlocked',
      ),
    );
    const run = await harness.service.trackHead('rules', { triggeredBy: 'ada' });
    // Autodeploy is off while the stack is locked.
    await harness.waitForState(run.id, RunState.UNCONFIRMED);
    await expect(harness.locks.unlock('rules', 'grace', { admin: false })).rejects.toThrow(
      'stack "rules" is locked by ada; only they or an admin can unlock it',
    );
    await harness.service.decide('rules', run.id, 'discard', 'ada');
    await harness.waitForState(run.id, RunState.DISCARDED);
    expect((await harness.locks.unlock('rules', 'grace', { admin: true })).lockedBy).toBeNull();
  });

  it('holds a queued run of someone else while a person holds the lock, and runs it after', async () => {
    const blocker = await harness.service.createTask('rules', {
      command: 'sleep 3',
      triggeredBy: 'ada',
    });
    await harness.waitForState(blocker.id, RunState.PERFORMING);
    expect((await harness.service.blocker('rules'))?.id).toBe(blocker.id);
    const others = await harness.service.createTask('rules', {
      command: 'echo others',
      triggeredBy: 'grace',
    });
    await harness.locks.lock('rules', 'ada');
    await harness.waitForState(blocker.id, RunState.FINISHED);
    const mine = await harness.service.createTask('rules', {
      command: 'echo mine',
      triggeredBy: 'ada',
    });
    await harness.waitForState(mine.id, RunState.FINISHED);
    expect((await harness.service.run(others.id)).state).toBe(RunState.QUEUED);

    await harness.locks.unlock('rules', 'ada', { admin: false });
    await harness.waitForState(others.id, RunState.FINISHED);
    expect(await harness.service.blocker('rules')).toBeUndefined();
  });

  it('pages runs newest first, 50 at a time, and a phase’s logs by token', async () => {
    await harness.database.db.insert(schema.stacks).values({
      id: 'pages',
      name: 'Pages',
      provider: 'RAW_GIT',
      repository: repo.url,
      branch: 'main',
    });
    const ids = Array.from({ length: 120 }, (_, i) => `01JPAGES${String(i).padStart(18, '0')}`);
    await harness.database.db.insert(schema.runs).values(
      ids.map((id, i) => ({
        id,
        stackId: 'pages',
        type: i % 10 === 0 ? RunType.TASK : RunType.TRACKED,
        state: RunState.FINISHED,
        branch: 'main',
        commitHash: 'a'.repeat(40),
      })),
    );
    const tracked = ids.filter((_, i) => i % 10 !== 0).reverse();
    const first = await harness.service.listRuns('pages', { types: [RunType.TRACKED] });
    expect(first.map((run) => run.id)).toEqual(tracked.slice(0, 50));
    const second = await harness.service.listRuns('pages', {
      types: [RunType.TRACKED],
      before: first.at(-1)!.id,
    });
    expect(second.map((run) => run.id)).toEqual(tracked.slice(50, 100));
    const tasks = await harness.service.listRuns('pages', { types: [RunType.TASK] });
    expect(tasks).toHaveLength(12);

    const runId = ids[1]!;
    await harness.database.db.insert(schema.runTransitions).values([
      { runId, seq: 0, state: RunState.QUEUED, timestamp: new Date() },
      { runId, seq: 1, state: RunState.PLANNING, timestamp: new Date() },
    ]);
    await harness.database.db.insert(schema.runLogs).values(
      Array.from({ length: 150 }, (_, i) => ({
        runId,
        state: RunState.PLANNING,
        seq: i + 1,
        message: `line ${i + 1}`,
        timestamp: new Date(),
      })),
    );
    const page1 = await harness.service.logs(runId, RunState.PLANNING);
    expect(page1).toMatchObject({ exists: true, finished: false, hasMore: true, nextToken: '100' });
    expect(page1.messages[0]!.message).toBe('line 1');
    const page2 = await harness.service.logs(runId, RunState.PLANNING, page1.nextToken);
    expect(page2).toMatchObject({ hasMore: false, nextToken: '150' });
    expect(page2.messages.map((line) => line.message)).toEqual(
      Array.from({ length: 50 }, (_, i) => `line ${i + 101}`),
    );
    const again = await harness.service.logs(runId, RunState.PLANNING, page2.nextToken);
    expect(again).toMatchObject({ messages: [], hasMore: false, nextToken: '150' });
    expect(await harness.service.logs(runId, RunState.APPLYING)).toMatchObject({
      exists: false,
      messages: [],
    });
    await expect(harness.service.logs(runId, RunState.PLANNING, 'x')).rejects.toThrow(
      new ConflictError('log token "x" is not one this API gave out'),
    );
  });
});
