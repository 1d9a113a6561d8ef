import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { startWorkerRegistration } from '../../src/main/registration';
import { createLogger } from '../../src/platform/logger';
import { SecretBox } from '../../src/platform/secrets';
import type { WorkerPoolService } from '../../src/workerPools/service';
import { openTestDatabase, type TestDatabase } from '../support/database';
import { testServices } from '../support/services';

describe("a worker's registration in its pool", () => {
  let database: TestDatabase;
  let pools: WorkerPoolService;
  const started: Array<{ stop(): Promise<void> }> = [];

  beforeAll(async () => {
    database = await openTestDatabase({ kind: 'pglite' });
    pools = testServices({
      db: database.db,
      changes: database.changes,
      box: new SecretBox(randomBytes(32)),
      // Nothing here reaches Temporal; a lazy connection never dials this address.
      client: new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) }),
      publicUrl: 'http://127.0.0.1:1',
    }).workerPools;
  });

  afterEach(async () => {
    for (const registration of started.splice(0)) await registration.stop();
  });

  afterAll(async () => {
    await database?.close();
  });

  /** A registration as a worker starts it, beating every few milliseconds. */
  const register = async (pool: string | null, token?: string) => {
    const places = { held: 0 };
    const failures: Error[] = [];
    const registration = await startWorkerRegistration({
      pools,
      pool,
      token,
      places,
      concurrency: 2,
      logger: createLogger('silent'),
      fail: (error) => failures.push(error),
      heartbeatMs: 10,
    });
    started.push(registration);
    return { registration, places, failures };
  };

  /** What `read` answers once `done` holds: the registration acts on its next beats. */
  async function until<T>(read: () => T | Promise<T>, done: (value: T) => boolean): Promise<T> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > deadline) throw new Error(`still ${JSON.stringify(value)}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  const ownWorkers = () => pools.liveWorkers(null);

  it('lists the worker as live, with the runs it holds as of its last beat', async () => {
    const { places } = await register(null);
    const [worker] = await ownWorkers();
    expect(worker).toMatchObject({ pool: null, pid: process.pid, concurrency: 2, busy: 0 });

    places.held = 1;
    const [busy] = await until(ownWorkers, (workers) => workers[0]?.busy === 1);
    expect(busy!.id).toBe(worker!.id);
  });

  it('registers the worker again when it was forgotten', async () => {
    await register(null);
    const [first] = await ownWorkers();
    await pools.forgetWorker(first!.id);

    const again = await until(ownWorkers, (workers) => workers.length > 0);
    expect(again).toEqual([
      expect.objectContaining({ pool: null, pid: process.pid, concurrency: 2 }),
    ]);
    expect(again[0]!.id).not.toBe(first!.id);
  });

  it("fails the worker once its pool's credentials are reset", async () => {
    const pool = await pools.create({ name: 'Reset' });
    const { failures } = await register(pool.id, pools.config(pool));
    expect(await pools.liveWorkers(pool.id)).toHaveLength(1);

    await pools.reset(pool.id);
    const [failure] = await until(
      () => failures,
      (seen) => seen.length > 0,
    );
    expect(failure!.message).toBe(
      `worker pool ${pool.id} no longer takes this worker: the credentials do not match worker pool "${pool.id}": they were reset, or belong to an older pool of that id; reset with workerPoolReset and give the worker the new config`,
    );
  });

  it('fails the worker once its pool is deleted', async () => {
    const pool = await pools.create({ name: 'Deleted' });
    const { failures } = await register(pool.id, pools.config(pool));

    await pools.delete(pool.id);
    const [failure] = await until(
      () => failures,
      (seen) => seen.length > 0,
    );
    expect(failure!.message).toMatch(
      new RegExp(
        `^worker pool ${pool.id} no longer takes this worker: worker pool "${pool.id}" does not exist`,
      ),
    );
  });

  it('shows the worker drained while it drains, registered again or not', async () => {
    const { registration } = await register(null);
    await registration.draining();
    const [worker] = await ownWorkers();
    expect(worker!.drained).toBe(true);

    await pools.forgetWorker(worker!.id);
    const [again] = await until(ownWorkers, (workers) => workers[0]?.drained === true);
    expect(again!.id).not.toBe(worker!.id);
  });

  it('forgets the worker when it stops', async () => {
    const { registration } = await register(null);
    expect(await ownWorkers()).toHaveLength(1);

    await registration.stop();
    expect(await ownWorkers()).toEqual([]);
  });
});
