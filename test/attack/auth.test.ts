import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { schema } from '../support/tables';
import { SecretBox, sha256Hex } from '../../src/platform/secrets';
import { startApiServer, type ApiServer } from '../support/api';
import { openTestDatabase, type TestDatabase } from '../support/database';
import { startGitLabServer, type GitLabServer } from '../support/gitlabServer';

/**
 * What a caller with a leaked, deleted or narrow credential can get out of the API: a deleted
 * key's token must be worthless at once in every API process, a key with no teams must see no
 * one else's logins, groups or projects, and readers must not get what would let them guess a
 * write-only value.
 */
describe('a caller reaching beyond their credentials', () => {
  let database: TestDatabase;
  let gitlab: GitLabServer;
  let api: ApiServer;
  // A second API process over the same database, as a deployment with several replicas has.
  let replica: ApiServer;

  const createKey = async (admin: boolean, teams: string[]) => {
    const created = await api.graphql<{ apiKeyCreate: { id: string; secret: string } }>(
      `mutation ($input: ApiKeyInput!) { apiKeyCreate(input: $input) { id secret } }`,
      { input: { name: 'leaked', admin, teams } },
    );
    const { id, secret } = created.data!.apiKeyCreate;
    const user = await api.graphql<{ apiKeyUser: { jwt: string } }>(
      `mutation ($id: ID!, $secret: String!) { apiKeyUser(id: $id, secret: $secret) { jwt } }`,
      { id, secret },
      null,
    );
    return { id, jwt: user.data!.apiKeyUser.jwt };
  };

  const createStack = async (input: Record<string, unknown>) => {
    const created = await api.graphql(
      `mutation ($input: StackInput!) { stackCreate(input: $input, manageState: true) { id } }`,
      { input: { administrative: false, branch: 'main', ...input } },
    );
    expect(created.errors).toBeUndefined();
  };

  const mutate = async (query: string, variables: Record<string, unknown> = {}) => {
    const answer = await api.graphql(query, variables);
    expect(answer.errors).toBeUndefined();
  };

  beforeAll(async () => {
    database = await openTestDatabase({ kind: 'pglite' });
    const box = new SecretBox(randomBytes(32));
    api = await startApiServer({ database, box });
    replica = await startApiServer({ database, box });
    gitlab = await startGitLabServer();
    gitlab.addUser({ username: 'grace', token: 'glpat-grace', groups: ['platform', 'payments'] });
    gitlab.addProject({ pathWithNamespace: 'platform/infra' });
    gitlab.addProject({ pathWithNamespace: 'payments/api' });
  });

  afterAll(async () => {
    await replica?.close();
    await api?.close();
    await gitlab?.close();
    await database?.close();
  });

  it("M3: a deleted admin key's JWT cannot create a new admin key, in any API process", async () => {
    const key = await createKey(true, []);
    const viewer = `{ viewer { id admin } }`;
    for (const server of [api, replica]) {
      expect((await server.graphql(viewer, {}, key.jwt)).data).toEqual({
        viewer: { id: `api-key/${key.id}`, admin: true },
      });
    }

    await mutate(`mutation ($id: ID!) { apiKeyDelete(id: $id) { id } }`, { id: key.id });

    for (const server of [api, replica]) {
      const escalate = await server.graphql(
        `mutation { apiKeyCreate(input: { name: "backdoor", admin: true }) { id secret } }`,
        {},
        key.jwt,
      );
      expect(escalate.status).toBe(401);
      expect(escalate.errors?.[0]).toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
      expect(escalate.errors?.[0]?.message).toMatch(/was deleted.*ask an admin for a new API key/);
    }
    const keys = await api.graphql<{ apiKeys: Array<{ name: string }> }>(`{ apiKeys { name } }`);
    expect(keys.data!.apiKeys.map((apiKey) => apiKey.name)).not.toContain('backdoor');

    // The key's row, not the token, says what a key's JWT may do.
    const demoted = await createKey(true, []);
    await database.db
      .update(schema.apiKeys)
      .set({ admin: false, teams: ['auditors'] })
      .where(eq(schema.apiKeys.id, demoted.id));
    const me = await replica.graphql(`{ viewer { admin teams } }`, {}, demoted.jwt);
    expect(me.data).toEqual({ viewer: { admin: false, teams: ['auditors'] } });
    const refused = await replica.graphql(
      `mutation { apiKeyCreate(input: { name: "backdoor", admin: true }) { id } }`,
      {},
      demoted.jwt,
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('L6: a non-admin key sees only its own login, its own groups and projects of stacks it may read', async () => {
    const setup = await api.graphql(
      `mutation ($host: String!) { gitlabIntegrationSetup(apiHost: $host, token: "glpat-grace") { apiHost } }`,
      { host: gitlab.url },
    );
    expect(setup.errors).toBeUndefined();
    await createStack({
      name: 'Payments API',
      provider: 'GITLAB',
      repository: 'payments/api',
      readersSlug: 'payments',
    });
    await createStack({ name: 'Platform', provider: 'GITLAB', repository: 'platform/infra' });

    const nobody = await createKey(false, []);
    const payments = await createKey(false, ['payments']);
    const query = `{ viewer { id } usage { logins { username } } teams { slug } repositories { id } }`;
    type Seen = {
      viewer: { id: string };
      usage: { logins: Array<{ username: string }> };
      teams: Array<{ slug: string }>;
      repositories: Array<{ id: string }>;
    };

    const forNobody = await api.graphql<Seen>(query, {}, nobody.jwt);
    expect(forNobody.errors).toBeUndefined();
    expect(forNobody.data).toEqual({
      viewer: { id: `api-key/${nobody.id}` },
      usage: { logins: [{ username: `api-key/${nobody.id}` }] },
      teams: [],
      repositories: [],
    });

    const forPayments = await api.graphql<Seen>(query, {}, payments.jwt);
    expect(forPayments.data).toEqual({
      viewer: { id: `api-key/${payments.id}` },
      usage: { logins: [{ username: `api-key/${payments.id}` }] },
      teams: [{ slug: 'payments' }],
      repositories: [{ id: 'payments/api' }],
    });

    const forAdmin = await api.graphql<Seen>(query);
    expect(forAdmin.data!.usage.logins.map((login) => login.username)).toEqual(
      expect.arrayContaining([`api-key/${nobody.id}`, `api-key/${payments.id}`]),
    );
    expect(forAdmin.data!.teams.map((team) => team.slug).sort()).toEqual(['payments', 'platform']);
    expect(forAdmin.data!.repositories.map((repository) => repository.id).sort()).toEqual([
      'payments/api',
      'platform/infra',
    ]);
  });

  it("L7: a write-only value's checksum is shown only to those who may write where it is kept", async () => {
    await createStack({
      name: 'Vault',
      provider: 'RAW_GIT',
      repository: 'file:///srv/git/vault.git',
      readersSlug: 'auditors',
      writersSlug: 'ops',
    });
    const config = (id: string, value: string, writeOnly: boolean) => ({
      config: { id, type: 'ENVIRONMENT_VARIABLE', value, writeOnly },
    });
    const addToStack = `mutation ($config: ConfigInput!) { stackConfigAdd(stack: "vault", config: $config) { id } }`;
    await mutate(addToStack, config('TF_VAR_password', 'hunter2', true));
    await mutate(addToStack, config('AWS_REGION', 'eu-west-1', false));
    await mutate(`mutation { contextCreate(name: "Shared") { id } }`);
    await mutate(
      `mutation ($config: ConfigInput!) { contextConfigAdd(context: "shared", config: $config) { id } }`,
      config('TF_VAR_api_token', 'letmein', true),
    );
    await mutate(`mutation { contextAttach(id: "shared", stack: "vault", priority: 1) { id } }`);

    const checksums = async (token?: string) => {
      const answer = await api.graphql<{
        stack: {
          config: Array<{ id: string; checksum: string }>;
          configElement: { checksum: string };
          attachedContexts: Array<{ config: Array<{ id: string; checksum: string }> }>;
          runtimeConfig: Array<{ element: { id: string; checksum: string } }>;
        };
      }>(
        `{ stack(id: "vault") {
          config { id checksum }
          configElement(id: "TF_VAR_password") { checksum }
          attachedContexts { config { id checksum } }
          runtimeConfig { element { id checksum } }
        } }`,
        {},
        token,
      );
      expect(answer.errors).toBeUndefined();
      const { stack } = answer.data!;
      const seen = [
        ...stack.config,
        { id: 'configElement', checksum: stack.configElement.checksum },
        ...stack.attachedContexts.flatMap((attachment) => attachment.config),
        ...stack.runtimeConfig.map(({ element }) => ({ ...element, id: `runtime/${element.id}` })),
      ];
      return Object.fromEntries(seen.map(({ id, checksum }) => [id, checksum]));
    };
    const full = {
      TF_VAR_password: sha256Hex('hunter2'),
      AWS_REGION: sha256Hex('eu-west-1'),
      TF_VAR_api_token: sha256Hex('letmein'),
    };

    expect(await checksums((await createKey(false, ['auditors'])).jwt)).toEqual({
      TF_VAR_password: '',
      configElement: '',
      AWS_REGION: full.AWS_REGION,
      TF_VAR_api_token: '',
      'runtime/TF_VAR_password': '',
      'runtime/AWS_REGION': full.AWS_REGION,
      'runtime/TF_VAR_api_token': '',
    });
    // Writers may change the stack's values, not the context's, which are admins'.
    expect(await checksums((await createKey(false, ['ops'])).jwt)).toEqual({
      TF_VAR_password: full.TF_VAR_password,
      configElement: full.TF_VAR_password,
      AWS_REGION: full.AWS_REGION,
      TF_VAR_api_token: '',
      'runtime/TF_VAR_password': full.TF_VAR_password,
      'runtime/AWS_REGION': full.AWS_REGION,
      'runtime/TF_VAR_api_token': '',
    });
    expect(await checksums()).toEqual({
      TF_VAR_password: full.TF_VAR_password,
      configElement: full.TF_VAR_password,
      AWS_REGION: full.AWS_REGION,
      TF_VAR_api_token: full.TF_VAR_api_token,
      'runtime/TF_VAR_password': full.TF_VAR_password,
      'runtime/AWS_REGION': full.AWS_REGION,
      'runtime/TF_VAR_api_token': full.TF_VAR_api_token,
    });
  });
});
