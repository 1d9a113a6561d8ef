import { randomBytes } from 'node:crypto';
import { SecretBox } from '../../src/platform/secrets';
import { RunState, RunType } from '../../src/runs/types';
import { startApiServer, type ApiServer } from '../support/api';
import { databaseTargets, openTestDatabase, type TestDatabase } from '../support/database';
import { schema } from '../support/tables';

// Every field of Run, each with what it answers: a list reads the columns of the fields asked
// of its runs only, so each is asked on its own too.
const FIELDS = [
  'id',
  'branch',
  'command',
  'commit { authorLogin authorName avatarURL hash message timestamp url }',
  'createdAt',
  'updatedAt',
  'delta { addCount addResources changeCount changeResources deleteCount deleteResources resources }',
  'finished',
  'history { state stateVersion timestamp }',
  'refreshState',
  'runtimeConfig { projectRoot runnerImage terraformVersion }',
  'state',
  'title',
  'triggeredBy',
  'type',
  'canRetry',
  'comments { body }',
  'driftDetection',
  'expired',
  'isMostRecent',
  'needsApproval',
  'reviews { id }',
  'isPrioritized',
  'changesV3(input: {}) { resources { address } }',
  'logs(state: PLANNING) { exists finished hasMore }',
];
const EVERY_FIELD = FIELDS.join('\n');

type Run = Record<string, unknown> & { id: string };
type StackRuns = { id: string; state: string; runs: Run[]; tasks: Run[]; proposedRuns: Run[] };

// ULIDs of a fixed time, so that each stack's runs sort by id in the order they are listed.
const runId = (stack: string, index: number) =>
  `01JLIST${stack.toUpperCase().padEnd(5, 'X')}${String(index).padStart(14, '0')}`;

const at = (minute: number) => new Date(Date.UTC(2026, 0, 5, 9, minute));

describe.each(databaseTargets())('lists of stacks and their runs on $kind', (target) => {
  let database: TestDatabase;
  let api: ApiServer;

  beforeAll(async () => {
    database = await openTestDatabase(target);
    api = await startApiServer({ database, box: new SecretBox(randomBytes(32)) });
    const { db } = database;
    await db.insert(schema.stacks).values([
      {
        id: 'alpha',
        name: 'Alpha',
        provider: 'RAW_GIT',
        repository: 'https://git.example.com/alpha.git',
        branch: 'main',
        projectRoot: 'infra',
        terraformVersion: '1.12.6',
        readersSlug: 'auditors',
      },
      {
        id: 'beta',
        name: 'Beta',
        provider: 'RAW_GIT',
        repository: 'https://git.example.com/beta.git',
        branch: 'main',
        readersSlug: 'others',
      },
      {
        id: 'gamma',
        name: 'Gamma',
        provider: 'RAW_GIT',
        repository: 'https://git.example.com/gamma.git',
        branch: 'main',
        readersSlug: 'auditors',
      },
    ]);
    const base = { branch: 'main', commitHash: 'c'.repeat(40) };
    await db.insert(schema.runs).values([
      {
        ...base,
        id: runId('alpha', 1),
        stackId: 'alpha',
        type: RunType.TRACKED,
        state: RunState.FINISHED,
        commitMessage: 'Add the network\n\nWith a body the title leaves out.',
        commitAuthorName: 'Ada',
        commitAuthorLogin: 'ada',
        commitTimestamp: at(1),
        commitUrl: 'https://git.example.com/alpha/commit/1',
        triggeredBy: 'ada@example.com',
        delta: {
          addCount: 2,
          addResources: ['a.one', 'a.two'],
          changeCount: 0,
          changeResources: [],
          deleteCount: 1,
          deleteResources: ['a.old'],
          resources: 5,
        },
        createdAt: at(2),
        updatedAt: at(3),
      },
      {
        ...base,
        id: runId('alpha', 2),
        stackId: 'alpha',
        type: RunType.TRACKED,
        state: RunState.UNCONFIRMED,
        isPrioritized: true,
        createdAt: at(4),
        updatedAt: at(5),
      },
      // The newest tracked run has not started: the stack's state is its predecessor's.
      {
        ...base,
        id: runId('alpha', 3),
        stackId: 'alpha',
        type: RunType.TRACKED,
        state: RunState.QUEUED,
        createdAt: at(6),
        updatedAt: at(6),
      },
      {
        ...base,
        id: runId('alpha', 4),
        stackId: 'alpha',
        type: RunType.TASK,
        state: RunState.FAILED,
        command: 'tofu state list',
        createdAt: at(7),
        updatedAt: at(8),
      },
      {
        ...base,
        id: runId('alpha', 5),
        stackId: 'alpha',
        type: RunType.PROPOSED,
        state: RunState.FINISHED,
        branch: 'feature',
        commitMessage: 'Try a bigger subnet',
        createdAt: at(9),
        updatedAt: at(10),
      },
      {
        ...base,
        id: runId('beta', 1),
        stackId: 'beta',
        type: RunType.TRACKED,
        state: RunState.FAILED,
        createdAt: at(11),
        updatedAt: at(12),
      },
    ]);
    await db.insert(schema.runTransitions).values([
      { runId: runId('alpha', 1), seq: 1, state: RunState.QUEUED, timestamp: at(2) },
      { runId: runId('alpha', 1), seq: 2, state: RunState.FINISHED, timestamp: at(3) },
    ]);
  });

  afterAll(async () => {
    await api?.close();
    await database?.close();
  });

  /** The run as `stack(id) { run(id) }` answers it, which reads the whole run. */
  const readAlone = async (stackId: string, id: string, fields: string) => {
    const answer = await api.graphql<{ stack: { run: Run } }>(
      `query ($stack: ID!, $run: ID!) { stack(id: $stack) { run(id: $run) { ${fields} } } }`,
      { stack: stackId, run: id },
    );
    expect(answer.errors).toBeUndefined();
    return answer.data!.stack.run;
  };

  it('answers every field of a listed run as the run read alone answers it', async () => {
    // One stack at a time: every field of every run of every stack costs more than a request may.
    const stacks: StackRuns[] = [];
    for (const id of ['alpha', 'beta', 'gamma']) {
      const answer = await api.graphql<{ stack: StackRuns }>(
        `query ($id: ID!) { stack(id: $id) {
          id state
          runs { ${EVERY_FIELD} } tasks { ${EVERY_FIELD} } proposedRuns { ${EVERY_FIELD} }
        } }`,
        { id },
      );
      expect(answer.errors).toBeUndefined();
      stacks.push(answer.data!.stack);
    }
    expect(stacks.map((stack) => [stack.id, stack.state])).toEqual([
      ['alpha', 'UNCONFIRMED'],
      ['beta', 'FAILED'],
      ['gamma', 'NONE'],
    ]);
    const listed = stacks.flatMap((stack) =>
      [...stack.runs, ...stack.tasks, ...stack.proposedRuns].map((run) => ({ stack, run })),
    );
    expect(listed).toHaveLength(6);
    for (const { stack, run } of listed) {
      expect(run).toEqual(await readAlone(stack.id, run.id, EVERY_FIELD));
    }
    const { runs, tasks, proposedRuns } = stacks[0]!;
    for (const field of FIELDS) {
      const name = field.split(/[ (]/)[0]!;
      const alone = await api.graphql<{ stack: StackRuns }>(
        `{ stack(id: "alpha") { runs { ${field} } tasks { ${field} } proposedRuns { ${field} } } }`,
      );
      expect(alone.errors).toBeUndefined();
      const only = (list: Run[]) => list.map((run) => ({ [name]: run[name] }));
      expect(alone.data!.stack).toEqual({
        runs: only(runs),
        tasks: only(tasks),
        proposedRuns: only(proposedRuns),
      });
    }
    const [first] = stacks[0]!.runs.slice(-1);
    expect(first).toMatchObject({
      title: 'Add the network',
      commit: { authorLogin: 'ada', message: 'Add the network', timestamp: at(1).getTime() / 1000 },
      createdAt: at(2).getTime() / 1000,
      delta: { addCount: 2, deleteResources: ['a.old'], resources: 5 },
      history: [{ state: 'FINISHED' }, { state: 'QUEUED' }],
      runtimeConfig: { projectRoot: 'infra', terraformVersion: '1.12.6' },
      isMostRecent: false,
      canRetry: true,
    });
  });

  it('answers each selection of the same list, under aliases, in fragments and by directives', async () => {
    const answer = await api.graphql<{
      stack: { few: Run[]; more: Run[]; tasks: Run[]; proposedRuns: Run[] };
    }>(
      `fragment Described on Run { title commit { message } }
      query ($withDelta: Boolean!) {
        stack(id: "alpha") {
          few: runs { id }
          more: runs {
            ...Described
            ... on Run { state isPrioritized createdAt }
            delta @include(if: $withDelta) { addCount }
            branch @skip(if: true)
          }
          tasks { command type finished }
          proposedRuns { id branch isMostRecent }
        }
      }`,
      { withDelta: true },
    );
    expect(answer.errors).toBeUndefined();
    const { few, more, tasks, proposedRuns } = answer.data!.stack;
    expect(few).toEqual([
      { id: runId('alpha', 3) },
      { id: runId('alpha', 2) },
      { id: runId('alpha', 1) },
    ]);
    expect(more).toEqual([
      {
        title: `TRACKED run of ${'c'.repeat(8)}`,
        commit: { message: '' },
        state: 'QUEUED',
        isPrioritized: false,
        createdAt: at(6).getTime() / 1000,
        delta: null,
      },
      {
        title: `TRACKED run of ${'c'.repeat(8)}`,
        commit: { message: '' },
        state: 'UNCONFIRMED',
        isPrioritized: true,
        createdAt: at(4).getTime() / 1000,
        delta: null,
      },
      {
        title: 'Add the network',
        commit: { message: 'Add the network' },
        state: 'FINISHED',
        isPrioritized: false,
        createdAt: at(2).getTime() / 1000,
        delta: { addCount: 2 },
      },
    ]);
    expect(tasks).toEqual([{ command: 'tofu state list', type: 'TASK', finished: true }]);
    expect(proposedRuns).toEqual([
      { id: runId('alpha', 5), branch: 'feature', isMostRecent: true },
    ]);
  });

  it("shows a reader the runs of the stacks they may read, and no other stack's", async () => {
    const reader = await api.userToken(['auditors']);
    const answer = await api.graphql<{ stacks: StackRuns[] }>(
      '{ stacks { id state runs { id state } } }',
      {},
      reader,
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.stacks).toEqual([
      {
        id: 'alpha',
        state: 'UNCONFIRMED',
        runs: [
          { id: runId('alpha', 3), state: 'QUEUED' },
          { id: runId('alpha', 2), state: 'UNCONFIRMED' },
          { id: runId('alpha', 1), state: 'FINISHED' },
        ],
      },
      { id: 'gamma', state: 'NONE', runs: [] },
    ]);
    const beta = await api.graphql<{ stack: unknown }>(
      '{ stack(id: "beta") { runs { id } } }',
      {},
      reader,
    );
    expect(beta.data!.stack).toBeNull();
  });

  it('keeps the code, path and place in the document of an error in a listed run', async () => {
    const response = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${api.adminToken}` },
      body: JSON.stringify({
        query: `{ stack(id: "beta") {
        runs { id logs(state: PLANNING, stateVersion: -1) { hasMore } }
      } }`,
      }),
    });
    expect(await response.text()).toBe(
      JSON.stringify({
        errors: [
          {
            message:
              "stateVersion -1 is not a visit: it counts the run's earlier visits to the state, from 0",
            locations: [{ line: 2, column: 19 }],
            path: ['stack', 'runs', 0, 'logs'],
            extensions: { code: 'BAD_USER_INPUT' },
          },
        ],
        data: { stack: { runs: [{ id: runId('beta', 1), logs: null }] } },
      }),
    );
  });

  it('refuses variables of the wrong type before reading anything, saying which and why', async () => {
    const answer = await api.graphql(
      'query ($version: Int) { stacks { runs { logs(state: PLANNING, stateVersion: $version) { hasMore } } } }',
      { version: 'first' },
    );
    expect(answer.status).toBe(200);
    expect(answer.data).toBeUndefined();
    expect(answer.errors).toEqual([
      {
        message:
          'Variable "$version" got invalid value "first"; Int cannot represent non-integer value: "first"',
        locations: [{ line: 1, column: 8 }],
        extensions: { code: 'BAD_USER_INPUT' },
      },
    ]);
  });

  it("pages each stack's runs newest first, 50 at a time, in a list of stacks as alone", async () => {
    await database.db.insert(schema.stacks).values({
      id: 'many',
      name: 'Many',
      provider: 'RAW_GIT',
      repository: 'https://git.example.com/many.git',
      branch: 'main',
    });
    const ids = Array.from({ length: 60 }, (_, index) => runId('many', index));
    // Inserted out of order: the order is the ids', not the rows'.
    await database.db.insert(schema.runs).values(
      [...ids].reverse().map((id, index) => ({
        id,
        stackId: 'many',
        type: index % 3 === 0 ? RunType.TASK : RunType.TRACKED,
        state: RunState.FINISHED,
        branch: 'main',
        commitHash: 'd'.repeat(40),
        command: index % 3 === 0 ? 'true' : null,
      })),
    );
    const newestFirst = (type: RunType) =>
      [...ids].reverse().filter((_id, index) => (index % 3 === 0) === (type === RunType.TASK));
    const tracked = newestFirst(RunType.TRACKED);
    expect(tracked).toHaveLength(40);

    const listed = await api.graphql<{ stacks: StackRuns[] }>(
      '{ stacks { id runs { id } tasks { id } } }',
    );
    expect(listed.errors).toBeUndefined();
    const many = listed.data!.stacks.find((stack) => stack.id === 'many')!;
    expect(many.runs.map((run) => run.id)).toEqual(tracked);
    expect(many.tasks.map((run) => run.id)).toEqual(newestFirst(RunType.TASK));

    await database.db.insert(schema.runs).values(
      Array.from({ length: 20 }, (_, index) => ({
        id: runId('many', 100 + index),
        stackId: 'many',
        type: RunType.TRACKED,
        state: RunState.FINISHED,
        branch: 'main',
        commitHash: 'e'.repeat(40),
      })),
    );
    const all = [
      ...Array.from({ length: 20 }, (_, index) => runId('many', 119 - index)),
      ...tracked,
    ];
    const page = async (before: string | null) =>
      (
        await api.graphql<{ stack: { runs: Run[] } }>(
          'query ($before: ID) { stack(id: "many") { runs(before: $before) { id state } } }',
          { before },
        )
      ).data!.stack.runs;
    const first = await page(null);
    expect(first.map((run) => run.id)).toEqual(all.slice(0, 50));
    expect(first.every((run) => run.state === 'FINISHED')).toBe(true);
    expect((await page(all[49]!)).map((run) => run.id)).toEqual(all.slice(50));
  });
});
