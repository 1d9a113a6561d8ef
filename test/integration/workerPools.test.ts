import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { eq, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { SecretBox } from '../../src/platform/secrets';
import { RunTokens } from '../../src/runs/tokens';
import { RunState, RunType } from '../../src/runs/types';
import type { StackService } from '../../src/stacks/service';
import { WorkerPoolService } from '../../src/workerPools/service';
import { startApiServer, type ApiServer, type GraphQLAnswer } from '../support/api';
import { openTestDatabase, type TestDatabase } from '../support/database';
import { testServices } from '../support/services';
import { schema } from '../support/tables';

/** What the Terraform provider's spacelift_worker_pool reads of a pool. */
const POOL_FIELDS = 'id config name description labels space driftDetectionRunLimit';

interface PoolAnswer {
  id: string;
  config: string;
  name: string;
  description: string | null;
  labels: string[];
  space: string;
  driftDetectionRunLimit: number | null;
}

const decoded = (config: string) =>
  JSON.parse(Buffer.from(config, 'base64').toString('utf8')) as { pool: string; token: string };

describe('worker pools through the GraphQL API', () => {
  let database: TestDatabase;
  let api: ApiServer;
  /** The same process's worker pool service, as the worker role gets it. */
  let pools: WorkerPoolService;
  let stacks: StackService;
  let box: SecretBox;
  let tokens: RunTokens;
  /** A signed-in user who is no admin. */
  let reader: string;
  let runs = 0;

  const ok = <T>(answer: GraphQLAnswer<T>): T => {
    expect(answer.errors).toBeUndefined();
    return answer.data!;
  };
  const refusal = (answer: GraphQLAnswer, code: string) => {
    expect(answer.errors?.[0]?.extensions?.code).toBe(code);
    return answer.errors![0]!.message;
  };

  // The documents the provider's spacelift_worker_pool resource sends, variables as it names them.
  type PoolOptions = { space?: string | null; description?: string; labels?: string[] };
  const poolVariables = (name: string, options: PoolOptions) => ({
    name,
    description: options.description ?? null,
    labels: options.labels ?? null,
    space: options.space ?? null,
    drift_detection_run_limit: -1,
  });
  const createPool = (name: string, options: PoolOptions = {}, token?: string) =>
    api.graphql<{ workerPoolCreate: PoolAnswer }>(
      `mutation WorkerPoolCreate($name: String!, $csr: String!, $description: String, $labels: [String!], $space: ID, $drift_detection_run_limit: Int) {
        workerPoolCreate(name: $name, certificateSigningRequest: $csr, description: $description, labels: $labels, space: $space, driftDetectionRunLimit: $drift_detection_run_limit) { ${POOL_FIELDS} }
      }`,
      {
        ...poolVariables(name, options),
        csr: Buffer.from('-----BEGIN CERTIFICATE REQUEST-----').toString('base64'),
      },
      token,
    );
  const updatePool = (id: string, name: string, options: PoolOptions = {}, token?: string) =>
    api.graphql<{ workerPoolUpdate: PoolAnswer }>(
      `mutation WorkerPoolUpdate($id: ID!, $name: String!, $description: String, $labels: [String!], $space: ID, $drift_detection_run_limit: Int) {
        workerPoolUpdate(id: $id, name: $name, description: $description, labels: $labels, space: $space, driftDetectionRunLimit: $drift_detection_run_limit) { ${POOL_FIELDS} }
      }`,
      { id, ...poolVariables(name, options) },
      token,
    );
  const resetPool = (id: string, token?: string) =>
    api.graphql<{ workerPoolReset: PoolAnswer }>(
      `mutation WorkerPoolReset($id: ID!, $csr: String!) { workerPoolReset(id: $id, certificateSigningRequest: $csr) { ${POOL_FIELDS} } }`,
      { id, csr: 'Y3Ny' },
      token,
    );
  const deletePool = (id: string, token?: string) =>
    api.graphql<{ workerPoolDelete: { id: string } | null }>(
      `mutation WorkerPoolDelete($id: ID!) { workerPoolDelete(id: $id) { ${POOL_FIELDS} } }`,
      { id },
      token,
    );
  const readPool = (id: string, token?: string | null) =>
    api.graphql<{ workerPool: PoolAnswer | null }>(
      `query WorkerPoolRead($id: ID!) { workerPool(id: $id) { ${POOL_FIELDS} } }`,
      { id },
      token,
    );
  const poolCreated = async (...args: Parameters<typeof createPool>) =>
    ok(await createPool(...args)).workerPoolCreate;

  const stackInput = (name: string, space: string | null, workerPool?: string | null) => ({
    name,
    administrative: false,
    branch: 'main',
    repository: `file:///srv/git/${name.toLowerCase().replace(/\W+/g, '-')}.git`,
    provider: 'RAW_GIT',
    space,
    ...(workerPool === undefined ? {} : { workerPool }),
  });
  const createStack = (
    name: string,
    space: string | null,
    workerPool?: string | null,
    administrative = false,
  ) =>
    api.graphql<{ stackCreate: { id: string; workerPool: { id: string; name: string } | null } }>(
      `mutation ($input: StackInput!) { stackCreate(input: $input, manageState: true) { id workerPool { id name } } }`,
      { input: { ...stackInput(name, space, workerPool), administrative } },
    );
  const updateStack = (
    id: string,
    name: string,
    space: string | null,
    workerPool?: string | null,
  ) =>
    api.graphql<{ stackUpdate: { id: string; workerPool: { id: string; name: string } | null } }>(
      `mutation ($id: ID!, $input: StackInput!) { stackUpdate(id: $id, input: $input) { id workerPool { id name } } }`,
      { id, input: stackInput(name, space, workerPool) },
    );
  const addRun = async (stackId: string, state: RunState, type = RunType.TRACKED) => {
    const id = `01JPOOLS${String(++runs).padStart(18, '0')}`;
    await database.db.insert(schema.runs).values({
      id,
      stackId,
      type,
      state,
      branch: 'main',
      commitHash: 'a'.repeat(40),
      ...(type === RunType.TASK ? { command: 'tofu apply' } : {}),
    });
    return id;
  };

  beforeAll(async () => {
    database = await openTestDatabase({ kind: 'pglite' });
    box = new SecretBox(randomBytes(32));
    api = await startApiServer({ database, box });
    ({ workerPools: pools, stacks } = testServices({
      db: database.db,
      changes: database.changes,
      box,
      // Nothing here reaches Temporal; a lazy connection never dials this address.
      client: new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) }),
      publicUrl: api.url,
    }));
    tokens = new RunTokens({
      db: database.db,
      key: box.deriveKey('run tokens'),
      audience: api.url,
    });
    reader = await api.userToken(['qa']);
    for (const name of ['Team A', 'Team B']) {
      ok(
        await api.graphql(`mutation ($input: SpaceInput!) { spaceCreate(input: $input) { id } }`, {
          input: { name, description: '', inheritEntities: false, parentSpace: 'root' },
        }),
      );
    }
  });

  afterAll(async () => {
    await api?.close();
    await database?.close();
  });

  it("creates a pool for an admin, whose config is the pool's id and a token, sealed at rest", async () => {
    const created = await poolCreated('Edge', {
      description: 'the edge network',
      labels: ['edge', 'edge', 'eu'],
      space: 'team-a',
    });
    expect(created).toEqual({
      id: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/) as string,
      config: expect.any(String) as string,
      name: 'Edge',
      description: 'the edge network',
      labels: ['edge', 'eu'],
      space: 'team-a',
      driftDetectionRunLimit: null,
    });
    const credential = decoded(created.config);
    expect(credential).toEqual({ pool: created.id, token: expect.any(String) as string });
    expect(Buffer.from(credential.token, 'base64url')).toHaveLength(32);
    const [row] = await database.db
      .select()
      .from(schema.workerPools)
      .where(eq(schema.workerPools.id, created.id));
    expect(row!.encryptedToken).toMatch(/^v1:/);
    expect(row!.encryptedToken).not.toContain(credential.token);

    // Without a space, in root.
    expect((await poolCreated('Anywhere')).space).toBe('root');
  });

  it('refuses to create a pool for anyone but an admin, or in a space that does not exist', async () => {
    expect(refusal(await createPool('Mine', {}, reader), 'FORBIDDEN')).toBe(
      'only admins may do this; ask an admin, or use an admin API key',
    );
    expect(refusal(await createPool('Lost', { space: 'nowhere' }), 'BAD_USER_INPUT')).toBe(
      'space "nowhere" does not exist; give the id of an existing space (the spaces query lists them), or leave space out for root',
    );
    expect(refusal(await createPool('  '), 'BAD_USER_INPUT')).toBe('a worker pool needs a name');
  });

  it('lists and reads pools for anyone signed in, showing config to admins of their space only', async () => {
    const pool = await poolCreated('Readable', { space: 'team-b' });

    // What spacectl's `workerpool list` sends.
    const listed = ok(
      await api.graphql<{ workerPools: Array<Record<string, unknown>> }>(
        '{workerPools{id,name,description,pendingRuns,busyWorkers,workers{id}}}',
        {},
        reader,
      ),
    ).workerPools;
    expect(listed).toContainEqual({
      id: pool.id,
      name: 'Readable',
      description: null,
      pendingRuns: 0,
      busyWorkers: 0,
      workers: [],
    });

    // What the provider's spacelift_worker_pools data source sends, empty argument list and all.
    const all = ok(
      await api.graphql<{ workerPools: PoolAnswer[] }>(
        `query WorkerPoolsRead { workerPools() { ${POOL_FIELDS} } }`,
      ),
    ).workerPools;
    expect(all).toContainEqual(pool);

    expect(ok(await readPool(pool.id, reader)).workerPool).toEqual({ ...pool, config: '' });
    expect(ok(await readPool(pool.id)).workerPool).toEqual(pool);
    const details = ok(
      await api.graphql<{ workerPool: Record<string, unknown> }>(
        `query ($id: ID!) { workerPool(id: $id) { spaceDetails { id accessLevel } createdAt updatedAt } }`,
        { id: pool.id },
        reader,
      ),
    ).workerPool;
    expect(details).toEqual({
      spaceDetails: { id: 'team-b', accessLevel: 'READ' },
      createdAt: expect.any(Number) as number,
      updatedAt: expect.any(Number) as number,
    });
    expect(Math.abs((details.createdAt as number) - Date.now() / 1000)).toBeLessThan(60);

    expect(ok(await readPool('01JNOSUCHPOOL0000000000000')).workerPool).toBeNull();
    expect(refusal(await readPool(pool.id, null), 'UNAUTHENTICATED')).toMatch(/Bearer/);
  });

  it('updates a pool as given, emptying what is left out', async () => {
    const pool = await poolCreated('Before', {
      description: 'old',
      labels: ['a'],
      space: 'team-a',
    });
    const updated = ok(
      await updatePool(pool.id, 'After', { description: 'new', labels: ['b'], space: 'team-b' }),
    ).workerPoolUpdate;
    expect(updated).toEqual({
      ...pool,
      name: 'After',
      description: 'new',
      labels: ['b'],
      space: 'team-b',
    });
    expect(ok(await updatePool(pool.id, 'Bare')).workerPoolUpdate).toEqual({
      ...pool,
      name: 'Bare',
      description: null,
      labels: [],
      space: 'root',
    });
    expect(refusal(await updatePool(pool.id, 'Mine', {}, reader), 'FORBIDDEN')).toMatch(
      /^only admins may do this/,
    );
    expect(refusal(await updatePool('01JNOSUCHPOOL0000000000000', 'Ghost'), 'NOT_FOUND')).toBe(
      'worker pool "01JNOSUCHPOOL0000000000000" does not exist; the workerPools query lists the pools',
    );
  });

  it('resets the credential: workers with the new config are let in, those with the old one told what to do', async () => {
    const pool = await poolCreated('Rotated');
    const old = pool.config;
    expect((await pools.authenticateWorker(pool.id, old)).id).toBe(pool.id);

    const reset = ok(await resetPool(pool.id)).workerPoolReset;
    expect(reset.config).not.toBe(old);
    expect(decoded(reset.config).pool).toBe(pool.id);
    expect(ok(await readPool(pool.id)).workerPool!.config).toBe(reset.config);

    expect((await pools.authenticateWorker(pool.id, reset.config)).id).toBe(pool.id);
    await expect(pools.authenticateWorker(pool.id, old)).rejects.toThrow(
      `the credentials do not match worker pool "${pool.id}": they were reset, or belong to an older pool of that id; reset with workerPoolReset and give the worker the new config`,
    );
    const other = await poolCreated('Other');
    await expect(pools.authenticateWorker(other.id, reset.config)).rejects.toThrow(
      `the worker pool credentials are for pool "${pool.id}", not "${other.id}"`,
    );
    await expect(pools.authenticateWorker(pool.id, 'not a config')).rejects.toThrow(
      "the worker pool credentials are not a pool's config",
    );
    const gone = Buffer.from(
      JSON.stringify({ pool: '01JNOSUCHPOOL0000000000000', token: 'x' }),
    ).toString('base64');
    await expect(
      pools.authenticateWorker('01JNOSUCHPOOL0000000000000', gone),
    ).rejects.toMatchObject({ name: 'NotFoundError' });

    expect(refusal(await resetPool(pool.id, reader), 'FORBIDDEN')).toMatch(
      /^only admins may do this/,
    );
  });

  it('gives a stack a pool of its space or one above it, answers it, searches by it and takes it away', async () => {
    const own = await poolCreated('Team A pool', { space: 'team-a' });
    const above = await poolCreated('Root pool');
    const sibling = await poolCreated('Team B pool', { space: 'team-b' });

    const created = ok(await createStack('Pooled', 'team-a', own.id)).stackCreate;
    expect(created.workerPool).toEqual({ id: own.id, name: 'Team A pool' });
    expect(
      ok(await updateStack('pooled', 'Pooled', 'team-a', above.id)).stackUpdate.workerPool,
    ).toEqual({ id: above.id, name: 'Root pool' });

    const searched = ok(
      await api.graphql<{ searchStacks: { edges: Array<{ node: { id: string } }> } }>(
        `query ($input: SearchInput!) { searchStacks(input: $input) { edges { node { id } } } }`,
        {
          input: {
            predicates: [
              { field: 'workerPool', constraint: { stringMatches: [above.id] }, exclude: false },
            ],
          },
        },
      ),
    ).searchStacks.edges.map((edge) => edge.node.id);
    expect(searched).toEqual(['pooled']);

    expect(
      refusal(await updateStack('pooled', 'Pooled', 'team-a', sibling.id), 'BAD_USER_INPUT'),
    ).toBe(
      `worker pool "${sibling.id}" is in space "team-b", and a stack in space "team-a" may only use the pools of "team-a" and "root": choose a pool in one of those, or move the pool to one of them`,
    );
    expect(refusal(await createStack('Sibling', 'team-a', sibling.id), 'BAD_USER_INPUT')).toMatch(
      /is in space "team-b", and a stack in space "team-a"/,
    );
    // Nor may the stack move away from its pool's space.
    expect(
      refusal(await updateStack('pooled', 'Pooled', 'team-b', own.id), 'BAD_USER_INPUT'),
    ).toMatch(/is in space "team-a", and a stack in space "team-b"/);
    // Nor the pool away from its stack's.
    ok(await updateStack('pooled', 'Pooled', 'team-a', own.id));
    expect(
      refusal(await updatePool(own.id, 'Team A pool', { space: 'team-b' }), 'BAD_USER_INPUT'),
    ).toBe(
      `worker pool "${own.id}" runs the runs of stack "pooled", which would not be in space "team-b" or below it; move those stacks there or give them another pool (stackUpdate's workerPool) first, or keep the pool in a space above them`,
    );

    // StackInput is whole: a workerPool left out, like one that is null, takes the pool away.
    expect(ok(await updateStack('pooled', 'Pooled', 'team-a')).stackUpdate.workerPool).toBeNull();
    ok(await updateStack('pooled', 'Pooled', 'team-a', own.id));
    expect(
      ok(await updateStack('pooled', 'Pooled', 'team-a', null)).stackUpdate.workerPool,
    ).toBeNull();
  });

  it('never strands a stack given a pool while the pool moves away from it', async () => {
    const pool = await poolCreated('Moving');
    const racing = { ...stackInput('Racing', 'team-a'), provider: 'RAW_GIT' as const };
    await stacks.createStack(racing);
    // The move pauses once it has seen the pool's stacks, and the stack is given the pool then.
    let paused!: () => void;
    const pausing = new Promise<void>((resolve) => (paused = resolve));
    let resume!: () => void;
    const resumed = new Promise<void>((resolve) => (resume = resolve));
    const moving = new WorkerPoolService({
      db: database.db,
      box,
      users: {
        stacksOf: async (id, tx) => {
          const users = await stacks.usingPool(id, tx);
          paused();
          await resumed;
          return users;
        },
      },
    });
    const moved = moving.update(pool.id, { name: 'Moving', space: 'team-b' });
    await pausing;
    const given = stacks.updateStack('racing', { ...racing, workerPool: pool.id });
    // The stack waits for the move to end; were it not held up, it would be written by now.
    await Promise.race([given.catch(() => {}), new Promise((resolve) => setTimeout(resolve, 200))]);
    resume();

    await expect(moved).resolves.toMatchObject({ space: 'team-b' });
    await expect(given).rejects.toThrow(
      `worker pool "${pool.id}" is in space "team-b", and a stack in space "team-a" may only use the pools of "team-a" and "root"`,
    );
  });

  it('deletes a pool only once no stack uses it, and keeps a space with a pool in it', async () => {
    const pool = await poolCreated('Busy', { space: 'team-b' });
    ok(await createStack('Uses busy', 'team-b', pool.id));
    ok(await createStack('Also uses busy', 'team-b', pool.id));

    expect(refusal(await deletePool(pool.id), 'CONFLICT')).toBe(
      `worker pool "${pool.id}" runs the runs of stack "also-uses-busy" and stack "uses-busy"; move them to another pool or to Gantry's own workers (stackUpdate with workerPool null) first`,
    );
    expect(
      refusal(await api.graphql(`mutation { spaceDelete(space: "team-b") { id } }`), 'CONFLICT'),
    ).toMatch(/^space "team-b" is not empty: it holds stacks .*; worker pools .*"/);

    ok(await updateStack('uses-busy', 'Uses busy', 'team-b', null));
    ok(await updateStack('also-uses-busy', 'Also uses busy', 'team-b'));
    expect(refusal(await deletePool(pool.id, reader), 'FORBIDDEN')).toMatch(/^only admins/);
    expect(ok(await deletePool(pool.id)).workerPoolDelete).toMatchObject({ id: pool.id });
    expect(ok(await readPool(pool.id)).workerPool).toBeNull();
    expect(refusal(await deletePool(pool.id), 'NOT_FOUND')).toMatch(/does not exist/);
  });

  it("shows a pool's live workers and how many are busy", async () => {
    const pool = await poolCreated('Workers');
    const first = await pools.registerWorker({
      pool: pool.id,
      hostname: 'runner-1',
      pid: 101,
      concurrency: 2,
    });
    const second = await pools.registerWorker({
      pool: pool.id,
      hostname: 'runner-2',
      pid: 102,
      concurrency: 1,
    });
    const own = await pools.registerWorker({
      pool: null,
      hostname: 'gantry',
      pid: 1,
      concurrency: 4,
    });
    expect(await pools.heartbeatWorker(first, 1)).toBe(true);

    const read = () =>
      api.graphql<{
        workerPool: {
          busyWorkers: number;
          workers: Array<{ id: string; busy: boolean; drained: boolean; metadata: string }>;
        };
      }>(
        `query ($id: ID!) { workerPool(id: $id) { busyWorkers workers { id busy drained metadata createdAt version } } }`,
        { id: pool.id },
        reader,
      );
    const answered = ok(await read()).workerPool;
    expect(answered.busyWorkers).toBe(1);
    expect(answered.workers).toEqual([
      {
        id: first,
        busy: true,
        drained: false,
        metadata: JSON.stringify({ hostname: 'runner-1', pid: 101, concurrency: 2 }),
        createdAt: expect.any(Number) as number,
        version: null,
      },
      {
        id: second,
        busy: false,
        drained: false,
        metadata: JSON.stringify({ hostname: 'runner-2', pid: 102, concurrency: 1 }),
        createdAt: expect.any(Number) as number,
        version: null,
      },
    ]);
    expect((await pools.liveWorkers(null)).map((worker) => worker.id)).toEqual([own]);

    // A worker that stops drains first, and says so.
    await pools.drainWorker(first);
    expect(ok(await read()).workerPool.workers.map((worker) => worker.drained)).toEqual([
      true,
      false,
    ]);

    // One silent for over a minute is no longer live; one that stopped is forgotten.
    await database.db
      .update(schema.workers)
      .set({ seenAt: sql`now() - interval '2 minutes'` })
      .where(eq(schema.workers.id, second));
    await pools.forgetWorker(first);
    expect(ok(await read()).workerPool).toEqual({ busyWorkers: 0, workers: [] });
    expect(await pools.heartbeatWorker(first, 0)).toBe(false);
    expect(await pools.heartbeatWorker(second, 0)).toBe(true);
    expect((await pools.liveWorkers(pool.id)).map((worker) => worker.id)).toEqual([second]);

    // Deleting the pool forgets its workers, and none registers with it again.
    ok(await deletePool(pool.id));
    expect(await pools.heartbeatWorker(second, 0)).toBe(false);
    await expect(
      pools.registerWorker({ pool: pool.id, hostname: 'late', pid: 7, concurrency: 1 }),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
    await pools.forgetWorker(own);
  });

  it('counts the QUEUED runs of the stacks that use a pool as its pending runs', async () => {
    const pool = await poolCreated('Pending');
    const other = await poolCreated('Also pending');
    ok(await createStack('Queue one', null, pool.id));
    ok(await createStack('Queue two', null, pool.id));
    ok(await createStack('Queue three', null, other.id));
    ok(await createStack('Elsewhere', null));
    await addRun('queue-one', RunState.QUEUED);
    await addRun('queue-one', RunState.QUEUED, RunType.PROPOSED);
    await addRun('queue-one', RunState.PLANNING);
    await addRun('queue-two', RunState.QUEUED, RunType.TASK);
    await addRun('queue-two', RunState.FINISHED);
    await addRun('queue-three', RunState.QUEUED);
    await addRun('elsewhere', RunState.QUEUED);

    const pending = Object.fromEntries(
      ok(
        await api.graphql<{ workerPools: Array<{ id: string; pendingRuns: number }> }>(
          '{workerPools{id,name,description,pendingRuns,busyWorkers,workers{id}}}',
        ),
      ).workerPools.map((listed) => [listed.id, listed.pendingRuns]),
    );
    expect(pending[pool.id]).toBe(3);
    expect(pending[other.id]).toBe(1);
  });

  it('reads the list of pools with a fixed number of queries, however many pools and stacks there are', async () => {
    let queries = 0;
    const countingApi = await startApiServer(
      { database, box },
      { db: drizzle(database.pglite!, { logger: { logQuery: () => (queries += 1) } }) },
    );
    const queriesFor = async () => {
      queries = 0;
      const answer = await countingApi.graphql(
        '{workerPools{id,name,description,pendingRuns,busyWorkers,workers{id}}}',
      );
      expect(answer.errors).toBeUndefined();
      return queries;
    };
    const addPools = async (from: number, count: number) => {
      for (let index = from; index < from + count; index += 1) {
        const pool = await poolCreated(`Fleet ${index}`);
        ok(await createStack(`Fleet stack ${index}`, null, pool.id));
        await addRun(`fleet-stack-${index}`, RunState.QUEUED);
      }
    };
    try {
      await addPools(0, 2);
      const forSome = await queriesFor();
      await addPools(2, 6);
      expect(await queriesFor()).toBe(forSome);
    } finally {
      await countingApi.close();
    }
  });

  it("lets an administrative stack's run manage the pools of its space only", async () => {
    ok(await createStack('Team A admin', 'team-a', null, true));
    const id = await addRun('team-a-admin', RunState.PERFORMING, RunType.TASK);
    const token = await tokens.issue(
      { id, stackId: 'team-a-admin' },
      RunState.PERFORMING,
      Date.now() + 10 * 60_000,
    );

    const own = ok(
      await createPool('Team A run pool', { space: 'team-a' }, token),
    ).workerPoolCreate;
    expect(decoded(own.config).pool).toBe(own.id);
    expect(refusal(await createPool('Root run pool', {}, token), 'FORBIDDEN')).toMatch(
      /is an admin of space "team-a" and the spaces under it only, not of "root"/,
    );
    const rootPool = await poolCreated('Root only');
    expect(ok(await readPool(rootPool.id, token)).workerPool!.config).toBe('');
    expect(refusal(await resetPool(rootPool.id, token), 'FORBIDDEN')).toMatch(/not of "root"/);
    expect(refusal(await updatePool(own.id, 'Up', { space: 'root' }, token), 'FORBIDDEN')).toMatch(
      /not of "root"/,
    );
  });
});
