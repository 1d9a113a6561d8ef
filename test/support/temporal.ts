import { Client, Connection } from '@temporalio/client';
import { startDevServer, type DevServer } from '../../temporal/devServer';
import { requireTool } from '../../src/platform/tools';
import { freePort } from './ports';

export interface TestTemporal {
  server: DevServer;
  address: string;
  namespace: string;
  connection: Connection;
  client: Client;
  stop(): Promise<void>;
}

// The dev server picks some of its ports itself; with test files starting servers side by
// side, one of them is now and then taken between its check and its listen.
const PORT_ATTEMPTS = 3;

async function startOnFreePorts(): Promise<DevServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startDevServer({
        binary: requireTool('temporal', process.env),
        port: await freePort(),
      });
    } catch (error) {
      if (attempt >= PORT_ATTEMPTS || !/address already in use/.test(String(error))) throw error;
    }
  }
}

/**
 * A real Temporal dev server for one test file: the pinned CLI build, headless, in memory, on a
 * free port. Start it in beforeAll and stop it in afterAll.
 */
export async function startTestTemporal(): Promise<TestTemporal> {
  const server = await startOnFreePorts();
  const namespace = 'default';
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, namespace });
  return {
    server,
    address: server.address,
    namespace,
    connection,
    client,
    async stop() {
      await connection.close();
      await server.stop();
    },
  };
}
