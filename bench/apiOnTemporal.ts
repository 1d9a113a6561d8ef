import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import { ulid } from '../src/platform/ids';
import { openDatabase, type DatabaseHandle } from '../src/db';
import { SecretBox } from '../src/platform/secrets';
import { ensureSearchAttributes } from '../temporal/client';
import { testApi, testServices } from '../test/support/services';
import { startTestTemporal, type TestTemporal } from '../test/support/temporal';

/**
 * Gantry's HTTP API over a fresh PGlite and a Temporal dev server, with no worker, as the
 * benchmarks of the paths that start runs use it; and the baseline they measure against: a
 * bare workflow start on the same dev server, to a task queue nothing polls.
 */
export interface ApiOnTemporal {
  url: string;
  adminToken: string;
  box: SecretBox;
  database: DatabaseHandle;
  temporal: TestTemporal;
  /** Starts a workflow that nothing runs: what starting alone costs. */
  bareStart(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A workflow start on `client`'s server to a task queue nothing polls: what starting a
 * workflow alone costs, the baseline of the paths that start runs.
 */
export async function bareStart(client: Client, stackId: string): Promise<void> {
  await client.workflow.start('benchNoop', {
    taskQueue: 'bench-noop',
    workflowId: `bench/${ulid()}`,
    args: [{ runId: ulid(), stackId }],
  });
}

/** Starts it; `seed` writes what the benchmark needs before the API serves. */
export async function startApiOnTemporal(
  seed: (database: DatabaseHandle, box: SecretBox) => Promise<void>,
): Promise<ApiOnTemporal> {
  const temporal = await startTestTemporal();
  const database = await openDatabase({});
  const server = http.createServer();
  const box = new SecretBox(randomBytes(32));
  const adminToken = randomBytes(24).toString('base64url');
  const close = async () => {
    server.closeAllConnections();
    server.close();
    await database.close();
    await temporal.stop();
  };
  try {
    await ensureSearchAttributes(temporal.connection, temporal.namespace);
    await database.migrate();
    await seed(database, box);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const services = testServices({
      db: database.db,
      changes: database.changes,
      box,
      client: temporal.client,
      publicUrl: url,
    });
    server.on('request', testApi(services, { adminToken }));
    return {
      url,
      adminToken,
      box,
      database,
      temporal,
      bareStart: () => bareStart(temporal.client, 'bench'),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
