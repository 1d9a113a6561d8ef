import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './ports';
import { runGantry, userEnv, waitForReady } from './processes';

/** A Gantry started as a user starts it (`gantry all`), for Spacelift's clients to drive. */
export interface CompatGantry {
  /** The API's address, as GANTRY_PUBLIC_URL. */
  api: string;
  /** A directory of the test's own, removed with Gantry. */
  dataDir: string;
  /** A GraphQL request with the admin token. */
  graphql<T>(
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<{ data: T; errors?: Array<{ message: string }> }>;
  /** An admin API key, as Spacelift's clients take it from their environment. */
  apiKeyEnv(name: string): Promise<Record<string, string>>;
  /** A RAW_GIT stack of `repository`'s main branch, made through the API; its id. */
  createStack(
    name: string,
    repository: string,
    settings?: { administrative?: boolean; space?: string },
  ): Promise<string>;
  stop(): Promise<void>;
}

export async function startCompatGantry(
  extraEnv: Record<string, string> = {},
): Promise<CompatGantry> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gantry-compat-'));
  const port = await freePort();
  const api = `http://127.0.0.1:${port}`;
  const gantry = runGantry(
    ['all'],
    userEnv({
      PORT: String(port),
      GANTRY_PUBLIC_URL: api,
      GANTRY_DATA_DIR: path.join(dataDir, 'data'),
      GANTRY_TEMPORAL_PORT: String(await freePort()),
      GANTRY_TEMPORAL_UI_PORT: String(await freePort()),
      GANTRY_ALLOW_FILE_REPOSITORIES: 'true',
      ...extraEnv,
    }),
  );
  await waitForReady(`${api}/readyz`, gantry.exit);

  const graphql: CompatGantry['graphql'] = async (query, variables = {}) => {
    const token = (await fs.readFile(path.join(dataDir, 'data', 'admin-token'), 'utf8')).trim();
    const response = await fetch(`${api}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as never;
  };

  return {
    api,
    dataDir,
    graphql,
    async apiKeyEnv(name) {
      const key = await graphql<{ apiKeyCreate: { id: string; secret: string } }>(
        `
          mutation ($name: String!) {
            apiKeyCreate(input: { name: $name, admin: true, teams: [] }) {
              id
              secret
            }
          }
        `,
        { name },
      );
      return {
        SPACELIFT_API_KEY_ENDPOINT: api,
        SPACELIFT_API_KEY_ID: key.data.apiKeyCreate.id,
        SPACELIFT_API_KEY_SECRET: key.data.apiKeyCreate.secret,
      };
    },
    async createStack(name, repository, settings = {}) {
      const created = await graphql<{ stackCreate: { id: string } }>(
        `
          mutation ($input: StackInput!) {
            stackCreate(input: $input, manageState: true) {
              id
            }
          }
        `,
        {
          input: {
            name,
            repository,
            branch: 'main',
            provider: 'RAW_GIT',
            administrative: settings.administrative ?? false,
            space: settings.space ?? null,
          },
        },
      );
      if (created.errors) {
        throw new Error(
          `creating stack ${name}: ${created.errors.map((e) => e.message).join('; ')}`,
        );
      }
      return created.data.stackCreate.id;
    },
    async stop() {
      gantry.child.kill('SIGINT');
      await gantry.exit;
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}
