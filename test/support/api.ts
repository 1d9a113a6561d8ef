import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApi } from '../../src/api';
import type { Database } from '../../src/db';
import { createLogger } from '../../src/logger';
import { RawGitProvider } from '../../src/vcs/rawGit';
import type { RunHarness } from './runs';

export interface GraphQLAnswer<T = Record<string, unknown>> {
  status: number;
  data?: T;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

export interface ApiServer {
  url: string;
  adminToken: string;
  /** POSTs a GraphQL request as a client would; `token` goes in the Authorization header. */
  graphql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string | null,
  ): Promise<GraphQLAnswer<T>>;
  close(): Promise<void>;
}

/** Gantry's HTTP API, as `gantry serve` builds it, over a run harness's database and Temporal. */
export async function startApiServer(
  harness: RunHarness,
  options: { db?: Database } = {},
): Promise<ApiServer> {
  const adminToken = randomBytes(24).toString('base64url');
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  server.on(
    'request',
    createApi({
      db: options.db ?? harness.database.db,
      logger: createLogger('silent'),
      client: harness.temporal.client,
      box: harness.box,
      adminToken,
      publicUrl: url,
      accountName: 'gantry-test',
      runTimeoutMs: 70 * 60_000,
      maxBodyBytes: 64 * 1024,
      vcsFor: () => new RawGitProvider(),
      readiness: [],
    }),
  );
  return {
    url,
    adminToken,
    async graphql(query, variables = {}, token = adminToken) {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, ...((await response.json()) as object) };
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
