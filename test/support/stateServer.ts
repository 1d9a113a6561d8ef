import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../src/api/app';
import { stateRouter } from '../../src/api/state';
import type { Database } from '../../src/db';
import { createLogger } from '../../src/platform/logger';
import { createMetrics } from '../../src/platform/metrics';

export interface StateServer {
  /** The API's base URL: the state backend is at `${url}/state/<stackId>`. */
  url: string;
  close(): Promise<void>;
}

/** Gantry's HTTP app with the state backend, on a free port of 127.0.0.1. */
export async function startStateServer(db: Database): Promise<StateServer> {
  const app = createApp({
    logger: createLogger('silent'),
    metrics: createMetrics(),
    maxBodyBytes: 1024 * 1024,
    readiness: [],
    routes: [{ path: '/state/:stackId', router: stateRouter(db) }],
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
