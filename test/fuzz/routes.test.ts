import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { schema } from '../support/tables';
import { RunState, RunType } from '../../src/runs/types';
import { issueStateCredentials } from '../../src/state/store';
import { startApiServer, type ApiServer } from '../support/api';
import { startGitLabServer, type GitLabServer } from '../support/gitlabServer';
import { pushHook } from '../support/gitlabWebhooks';
import { createTestRepo, type TestRepo } from '../support/gitRepo';
import { startRunHarness, type RunHarness } from '../support/runs';
import { SLACK_APP } from '../support/slackApp';
import { slackSignature } from '../support/slackSigning';

// Fixed, so a failure is the same on every machine; fast-check prints the input that broke.
const SEED = 20261130;
const RUNS = 200;

/** Values chosen to hurt: NUL and control characters, huge and odd numbers, wrong types. */
const hostile = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '\u0000',
    'a\u0000b',
    '../../etc/passwd',
    '--upload-pack=touch /tmp/x',
    '<!channel>',
    '9'.repeat(40),
    'x'.repeat(20_000),
    '',
  ),
  fc.constantFrom(2 ** 31, -1, 1.5, 1e308, Number.MAX_SAFE_INTEGER + 2, 0),
  fc.constantFrom(null, true, [], {}, [[[]]], { $ne: null }),
  fc.jsonValue({ maxDepth: 3 }),
);

/**
 * Every route that takes input from outside — GraphQL, GitLab webhooks, Slack, the state
 * backend and its uploads — sent malformed, hostile and random input: none answers 5xx, and
 * none writes anything.
 */
describe('fuzzing every route', () => {
  let harness: RunHarness;
  let api: ApiServer;
  let gitlab: GitLabServer;
  let repo: TestRepo;
  let webhookSecret: string;
  let stateAuthorization: string;

  /** How many rows each table that holds what people configure or run has. */
  const counts = async () => {
    const tables = [
      'stacks',
      'runs',
      'run_transitions',
      'state_versions',
      'state_locks',
      'config_elements',
      'contexts',
      'api_keys',
      'policies',
      'slack_installations',
      'slack_subscriptions',
      'gitlab_project_hooks',
    ];
    const result: Record<string, number> = {};
    for (const table of tables) {
      const rows = await harness.database.db.execute<{ count: number }>(
        sql.raw(`select count(*)::int as count from ${table}`),
      );
      result[table] = Number(rows.rows[0]!.count);
    }
    return result;
  };

  /**
   * Sends random input and checks no answer is a 5xx; then, unless `mayWrite` (an admin's
   * well-formed request may well create something), that nothing was written.
   */
  const fuzz = async <T>(
    input: fc.Arbitrary<T>,
    send: (value: T) => Promise<Response>,
    options: { mayWrite?: boolean } = {},
  ) => {
    const before = await counts();
    await fc.assert(
      fc.asyncProperty(input, async (value) => {
        const response = await send(value);
        await response.arrayBuffer();
        return response.status < 500;
      }),
      { seed: SEED, numRuns: RUNS },
    );
    if (!options.mayWrite) expect(await counts()).toEqual(before);
  };

  beforeAll(async () => {
    repo = await createTestRepo();
    const head = await repo.commit({ 'main.tf': '' }, 'Empty');
    gitlab = await startGitLabServer();
    gitlab.addUser({ username: 'ada', name: 'Ada Lovelace', token: 'glpat-fuzz' });
    const project = gitlab.addProject({
      pathWithNamespace: 'platform/infra',
      repositoryDir: repo.dir,
      members: [{ username: 'ada', accessLevel: 40 }],
    });
    harness = await startRunHarness();
    api = await startApiServer(harness, {
      slack: { ...SLACK_APP, apiUrl: `${gitlab.url}/nowhere/`, command: '/gantry' },
    });
    const connected = await api.graphql<{ gitlabIntegrationSetup: { webhookSecret: string } }>(
      `mutation ($host: String!) { gitlabIntegrationSetup(apiHost: $host, token: "glpat-fuzz") { webhookSecret } }`,
      { host: gitlab.url },
    );
    webhookSecret = connected.data!.gitlabIntegrationSetup.webhookSecret;
    await harness.database.db.insert(schema.stacks).values({
      id: 'fuzzed',
      name: 'Fuzzed',
      provider: 'RAW_GIT',
      repository: repo.url,
      branch: 'main',
    });
    await harness.database.db.insert(schema.runs).values({
      id: '01JFUZZ0000000000000000000',
      stackId: 'fuzzed',
      type: RunType.PROPOSED,
      state: RunState.PLANNING,
      branch: 'main',
      commitHash: head,
    });
    const credentials = await issueStateCredentials(harness.database.db, {
      runId: '01JFUZZ0000000000000000000',
      stackId: 'fuzzed',
      ttlMs: 10 * 60_000,
      readOnly: true,
    });
    stateAuthorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
    pushTemplate = pushHook(
      gitlab.url,
      project,
      { id: 1, username: 'ada', name: 'Ada' },
      {
        ref: 'refs/heads/feature',
        after: head,
      },
    ).body as Record<string, unknown>;
  });
  let pushTemplate: Record<string, unknown>;

  afterAll(async () => {
    await api?.close();
    await harness?.stop();
    await gitlab?.close();
    await repo?.remove();
  });

  it('GraphQL: random documents and hostile variables', async () => {
    const reader = await api.userToken(['nobody']);
    const mutations = [
      'mutation ($input: StackInput!) { stackCreate(input: $input, manageState: true) { id } }',
      'mutation ($id: ID!, $input: StackInput!) { stackUpdate(id: $id, input: $input) { id } }',
      'mutation ($stack: ID!, $config: ConfigInput!) { stackConfigAdd(stack: $stack, config: $config) { id } }',
      'mutation ($stack: ID!, $command: String!) { taskCreate(stack: $stack, command: $command) { id } }',
      'mutation ($stack: ID!, $run: ID!) { runConfirm(stack: $stack, run: $run) { id } }',
      'query ($stack: ID!, $run: ID!, $token: String) { stack(id: $stack) { run(id: $run) { logs(state: PLANNING, token: $token) { hasMore } } } }',
    ];
    const variables = fc.dictionary(
      fc.constantFrom('input', 'id', 'stack', 'config', 'command', 'run', 'token'),
      hostile,
    );
    const document = fc.record({
      query: fc.oneof(fc.constantFrom(...mutations), fc.string({ maxLength: 200 })),
      variables,
    });
    const post = (token: string, body: unknown) =>
      fetch(`${api.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
    // A reader may change nothing; an admin's request with a NUL anywhere is refused whole.
    await fuzz(document, (body) => post(reader, body));
    await fuzz(document, ({ query, variables }) =>
      post(api.adminToken, { query, variables: { ...variables, note: 'a\u0000b' } }),
    );
    await fuzz(document, (body) => post(api.adminToken, body), { mayWrite: true });
    await fuzz(fc.uint8Array({ maxLength: 300 }), (body) =>
      fetch(`${api.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${api.adminToken}` },
        body,
      }),
    );
  });

  it('GitLab webhooks: documented payloads with hostile fields, and random bodies', async () => {
    const fields = Object.keys(pushTemplate);
    await fuzz(
      fc.record({
        event: fc.constantFrom('Push Hook', 'Merge Request Hook', 'Tag Push Hook', 'Note Hook', ''),
        changes: fc.dictionary(fc.constantFrom(...fields), hostile, { minKeys: 1 }),
        token: fc.constantFrom('right', 'wrong', 'none'),
      }),
      ({ event, changes, token }) =>
        fetch(`${api.url}/webhooks/gitlab`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-gitlab-event': event,
            ...(token === 'none'
              ? {}
              : { 'x-gitlab-token': token === 'right' ? webhookSecret : 'wrong-secret' }),
          },
          body: JSON.stringify({ ...pushTemplate, ...changes }),
        }),
    );
    await fuzz(fc.uint8Array({ maxLength: 300 }), (body) =>
      fetch(`${api.url}/webhooks/gitlab`, {
        method: 'POST',
        headers: { 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': webhookSecret },
        body,
      }),
    );
  });

  it('Slack: signed commands, interactions and events with hostile fields, and unsigned ones', async () => {
    let sequence = 0;
    await fuzz(
      fc.record({
        path: fc.constantFrom('commands', 'interactions', 'events'),
        fields: fc.dictionary(
          fc.constantFrom('command', 'text', 'team_id', 'channel_id', 'user_id', 'payload', 'type'),
          hostile,
        ),
        signed: fc.boolean(),
      }),
      ({ path, fields, signed }) => {
        const form = new URLSearchParams(
          Object.entries(fields).map(([key, value]): [string, string] => [key, asText(value)]),
        );
        // Each body differs, so no two signed requests are the same request replayed.
        form.set('fuzz', String((sequence += 1)));
        const body = path === 'events' ? JSON.stringify(Object.fromEntries(form)) : form.toString();
        const timestamp = Math.floor(Date.now() / 1000);
        return fetch(`${api.url}/slack/${path}`, {
          method: 'POST',
          headers: {
            'content-type':
              path === 'events' ? 'application/json' : 'application/x-www-form-urlencoded',
            'x-slack-request-timestamp': String(timestamp),
            'x-slack-signature': signed
              ? slackSignature(SLACK_APP.signingSecret, timestamp, body)
              : 'v0=00',
          },
          body,
        });
      },
    );
  });

  it('the state backend and uploads: hostile states, locks and methods', async () => {
    await fuzz(
      fc.record({
        method: fc.constantFrom('GET', 'POST', 'LOCK', 'UNLOCK', 'DELETE', 'PUT'),
        body: fc.oneof(
          fc.record({ version: hostile, serial: hostile, lineage: hostile }),
          fc.record({ ID: hostile, Operation: hostile, Who: hostile }),
          hostile,
        ),
        authorized: fc.boolean(),
        stack: fc.constantFrom('fuzzed', 'elsewhere', '..', '%00'),
      }),
      ({ method, body, authorized, stack }) =>
        fetch(`${harness.apiUrl}/state/${stack}`, {
          method,
          headers: authorized ? { authorization: stateAuthorization } : {},
          ...(method === 'GET' ? {} : { body: JSON.stringify(body) }),
        }),
    );
    await fuzz(
      fc.record({ id: fc.string({ maxLength: 40 }), expires: hostile, signature: hostile }),
      ({ id, expires, signature }) =>
        fetch(
          `${api.url}/state-uploads/${encodeURIComponent(id) || 'x'}?${new URLSearchParams({
            expires: asText(expires),
            signature: asText(signature),
          }).toString()}`,
          { method: 'PUT', body: '{"version":4,"serial":1,"lineage":"x"}' },
        ),
    );
  });
});

/** A hostile value as the text a form field or query parameter carries. */
function asText(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
}
