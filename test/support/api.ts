import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import type { Database } from '../../src/db';
import type { ChangeFeed } from '../../src/db/changes';
import { SecretBox } from '../../src/platform/secrets';
import type { SlackSettings } from '../../src/slack';
import { openTestDatabase, type TestDatabase } from './database';
import type { RunHarness } from './runs';
import { testApi, testServices } from './services';

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
  /** A JWT for a new API key with these teams, as a script would get one. */
  userToken(teams: string[], admin?: boolean): Promise<string>;
  /** Resolves once the Slack commands and button presses answered so far are done. */
  slackIdle(): Promise<void>;
  /** Stops taking requests, then waits for Slack's commands as `gantry serve` does. */
  close(): Promise<void>;
}

/** What an API server works with when it starts no runs: a database and the secrets key. */
export interface ApiParts {
  database: { db: Database; changes: ChangeFeed };
  box: SecretBox;
}

/**
 * Gantry's HTTP API, as `gantry serve` builds it, over a run harness's database and Temporal,
 * or over a database alone; then Temporal is never dialed, and anything that starts a run fails.
 */
export async function startApiServer(
  harness: RunHarness | ApiParts,
  options: { db?: Database; slack?: SlackSettings; port?: number } = {},
): Promise<ApiServer> {
  const client =
    'temporal' in harness
      ? harness.temporal.client
      : new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
  const adminToken = randomBytes(24).toString('base64url');
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const services = testServices({
    db: options.db ?? harness.database.db,
    changes: harness.database.changes,
    box: harness.box,
    client,
    publicUrl: url,
    ...(options.slack ? { slack: options.slack } : {}),
  });
  server.on('request', testApi(services, { adminToken, maxBodyBytes: 64 * 1024 }));
  const api: ApiServer = {
    url,
    adminToken,
    async userToken(teams, admin = false) {
      const created = await api.graphql<{ apiKeyCreate: { id: string; secret: string } }>(
        `mutation ($input: ApiKeyInput!) { apiKeyCreate(input: $input) { id secret } }`,
        { input: { name: `key for ${teams.join(',') || 'nobody'}`, admin, teams } },
      );
      const { id, secret } = created.data!.apiKeyCreate;
      const user = await api.graphql<{ apiKeyUser: { jwt: string } }>(
        `mutation ($id: ID!, $secret: String!) { apiKeyUser(id: $id, secret: $secret) { jwt } }`,
        { id, secret },
        null,
      );
      return user.data!.apiKeyUser.jwt;
    },
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
    slackIdle: () => services.slack.followUps.idle(),
    async close() {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await services.slack.followUps.stop();
    },
  };
  return api;
}

/** Gantry's HTTP API over a fresh database alone (Temporal is never dialed): for what starts no run. */
export async function startDatabaseApi(): Promise<{
  database: TestDatabase;
  api: ApiServer;
  close: () => Promise<void>;
}> {
  const database = await openTestDatabase({ kind: 'pglite' });
  const api = await startApiServer({ database, box: new SecretBox(randomBytes(32)) });
  return {
    database,
    api,
    close: async () => {
      await api.close();
      await database.close();
    },
  };
}
