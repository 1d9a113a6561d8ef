import { randomBytes } from 'node:crypto';
import { SecretBox } from '../../src/platform/secrets';
import { RunTokens } from '../../src/runs/tokens';
import { RunState, RunType } from '../../src/runs/types';
import { startApiServer, type ApiServer, type GraphQLAnswer } from '../support/api';
import { openTestDatabase, type TestDatabase } from '../support/database';
import { schema } from '../support/tables';

const POLICY_BODY = 'package spacelift\n\nread if false\n';

describe("a run's token through the GraphQL API, scoped to its stack's space", () => {
  let database: TestDatabase;
  let api: ApiServer;
  /** The token of a task of an administrative stack in space "team". */
  let team: string;
  /** The token of a task of a stack in "team" that is not administrative. */
  let plain: string;
  let runs = 0;
  let tokens: RunTokens;

  const ok = <T>(answer: GraphQLAnswer<T>): T => {
    expect(answer.errors).toBeUndefined();
    return answer.data!;
  };
  const refusal = (answer: GraphQLAnswer) => {
    expect(answer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    return answer.errors![0]!.message;
  };
  const code = (answer: GraphQLAnswer) => answer.errors?.[0]?.extensions?.code;

  const stackInput = (name: string, space: string | null, administrative = false) => ({
    name,
    administrative,
    branch: 'main',
    repository: `file:///srv/git/${name.toLowerCase().replace(/\W+/g, '-')}.git`,
    provider: 'RAW_GIT',
    space,
  });
  const spaceInput = (name: string, parentSpace: string, description = '') => ({
    name,
    description,
    inheritEntities: false,
    parentSpace,
    labels: null,
  });

  const createSpace = (token: string | undefined, name: string, parentSpace: string) =>
    api.graphql(
      `mutation ($input: SpaceInput!) { spaceCreate(input: $input) { id } }`,
      {
        input: spaceInput(name, parentSpace),
      },
      token,
    );
  const updateSpace = (token: string, id: string, input: Record<string, unknown>) =>
    api.graphql(
      `mutation ($id: ID!, $input: SpaceInput!) { spaceUpdate(space: $id, input: $input) { id parentSpace } }`,
      { id, input },
      token,
    );
  const deleteSpace = (token: string, id: string) =>
    api.graphql(`mutation ($id: ID!) { spaceDelete(space: $id) { id } }`, { id }, token);
  const createStack = (
    token: string | undefined,
    name: string,
    space: string | null,
    administrative = false,
  ) =>
    api.graphql<{ stackCreate: { id: string; space: string } }>(
      `mutation ($input: StackInput!) { stackCreate(input: $input, manageState: true) { id space } }`,
      { input: stackInput(name, space, administrative) },
      token,
    );
  const updateStack = (token: string, id: string, name: string, space: string | null) =>
    api.graphql<{ stackUpdate: { id: string; space: string } }>(
      `mutation ($id: ID!, $input: StackInput!) { stackUpdate(id: $id, input: $input) { id space } }`,
      { id, input: stackInput(name, space) },
      token,
    );
  const deleteStack = (token: string, id: string) =>
    api.graphql(`mutation ($id: ID!) { stackDelete(id: $id) { id } }`, { id }, token);
  const createContext = (token: string | undefined, name: string, space: string | null) =>
    api.graphql<{ contextCreateV2: { id: string } }>(
      `mutation ($input: ContextInput!) { contextCreateV2(input: $input) { id } }`,
      { input: { name, space } },
      token,
    );
  const updateContext = (token: string, id: string, space: string | null) =>
    api.graphql<{ contextUpdateV2: { id: string; space: string } }>(
      `mutation ($id: ID!, $input: ContextInput!) { contextUpdateV2(id: $id, input: $input) { id space } }`,
      { id, input: { name: id, space } },
      token,
    );
  const createPolicy = (token: string | undefined, name: string, space: string | null) =>
    api.graphql<{ policyCreatev2: { id: string } }>(
      `mutation ($input: PolicyCreateInput!) { policyCreatev2(input: $input) { id } }`,
      { input: { name, body: POLICY_BODY, type: 'ACCESS', space } },
      token,
    );

  /** A task of the stack in its PERFORMING phase, and the token it was given. */
  const taskToken = async (stackId: string) => {
    const id = `01JSCOPE${String(++runs).padStart(18, '0')}`;
    await database.db.insert(schema.runs).values({
      id,
      stackId,
      type: RunType.TASK,
      state: RunState.PERFORMING,
      branch: 'main',
      commitHash: 'a'.repeat(40),
      command: 'tofu apply',
    });
    return tokens.issue({ id, stackId }, RunState.PERFORMING, Date.now() + 10 * 60_000);
  };

  beforeAll(async () => {
    database = await openTestDatabase({ kind: 'pglite' });
    const box = new SecretBox(randomBytes(32));
    api = await startApiServer({ database, box });
    tokens = new RunTokens({
      db: database.db,
      key: box.deriveKey('run tokens'),
      audience: api.url,
    });
    ok(await createSpace(undefined, 'Team', 'root'));
    ok(await createSpace(undefined, 'Team Prod', 'team'));
    ok(await createSpace(undefined, 'Sibling', 'root'));
    ok(await createStack(undefined, 'Team Admin', 'team', true));
    ok(await createStack(undefined, 'Team Plain', 'team'));
    ok(await createStack(undefined, 'Sibling App', 'sibling'));
    ok(await createContext(undefined, 'sibling-secrets', 'sibling'));
    ok(await createContext(undefined, 'team-settings', 'team'));
    ok(await createPolicy(undefined, 'sibling-access', 'sibling'));
    team = await taskToken('team-admin');
    plain = await taskToken('team-plain');
  });

  afterAll(async () => {
    await api?.close();
    await database?.close();
  });

  it('manages stacks, contexts, policies and spaces in its space and those under it', async () => {
    expect(ok(await createSpace(team, 'Team Child', 'team-prod'))).toEqual({
      spaceCreate: { id: 'team-child' },
    });
    expect(ok(await createStack(team, 'Team App', 'team')).stackCreate.space).toBe('team');
    expect(ok(await updateStack(team, 'team-app', 'Team App', 'team-child')).stackUpdate).toEqual({
      id: 'team-app',
      space: 'team-child',
    });

    ok(await createContext(team, 'team-app-settings', 'team'));
    expect(
      ok(await updateContext(team, 'team-app-settings', 'team-child')).contextUpdateV2,
    ).toEqual({ id: 'team-app-settings', space: 'team-child' });
    ok(
      await api.graphql(
        `mutation { contextConfigAdd(context: "team-app-settings", config: { id: "REGION", value: "eu", writeOnly: false, type: ENVIRONMENT_VARIABLE }) { id } }`,
        {},
        team,
      ),
    );
    const attached = ok(
      await api.graphql<{ contextAttach: { id: string } }>(
        `mutation { contextAttach(id: "team-app-settings", stack: "team-app", priority: 1) { id } }`,
        {},
        team,
      ),
    );
    ok(
      await api.graphql(
        `mutation ($id: ID!) { contextDetach(id: $id) { id } }`,
        { id: attached.contextAttach.id },
        team,
      ),
    );

    ok(await createPolicy(team, 'team-access', 'team'));
    const policyAttached = ok(
      await api.graphql<{ policyAttach: { id: string } }>(
        `mutation { policyAttach(id: "team-access", stack: "team-plain") { id } }`,
        {},
        team,
      ),
    );
    ok(
      await api.graphql(
        `mutation ($id: ID!) { policyDetach(id: $id) { id } }`,
        { id: policyAttached.policyAttach.id },
        team,
      ),
    );

    // What only admins read shows it what is in its scope, and nothing else.
    const listed = ok(
      await api.graphql<{
        contexts: Array<{ id: string }>;
        policies: Array<{ id: string }>;
        searchPolicies: { edges: Array<{ node: { id: string } }> };
      }>(
        '{ contexts { id } policies { id } searchPolicies(input: {}) { edges { node { id } } } }',
        {},
        team,
      ),
    );
    expect(listed.contexts.map((found) => found.id).sort()).toEqual([
      'team-app-settings',
      'team-settings',
    ]);
    expect(listed.policies).toEqual([{ id: 'team-access' }]);
    expect(listed.searchPolicies.edges).toEqual([{ node: { id: 'team-access' } }]);

    ok(await api.graphql(`mutation { policyDelete(id: "team-access") { id } }`, {}, team));
    ok(await api.graphql(`mutation { contextDelete(id: "team-app-settings") { id } }`, {}, team));
    ok(await deleteStack(team, 'team-app'));
    expect(
      ok(await updateSpace(team, 'team-child', spaceInput('Team Child', 'team', 'moved up'))),
    ).toEqual({ spaceUpdate: { id: 'team-child', parentSpace: 'team' } });
    ok(await deleteSpace(team, 'team-child'));
  });

  it('is refused, naming the space, in root and in a sibling space', async () => {
    expect(refusal(await createStack(team, 'Root App', null))).toContain(
      `this run's token is an admin of space "team" and the spaces under it only, not of "root"`,
    );
    expect(refusal(await createStack(team, 'Sibling Two', 'sibling'))).toContain(
      'not of "sibling"',
    );
    expect(refusal(await createContext(team, 'escaped', 'sibling'))).toContain('not of "sibling"');
    expect(refusal(await createPolicy(team, 'escaped', null))).toContain('not of "root"');
    expect(refusal(await createSpace(team, 'Beside', 'root'))).toContain('not of "root"');
    expect(refusal(await createSpace(team, 'Inside Sibling', 'sibling'))).toContain(
      'not of "sibling"',
    );
    // Moving out of its scope, to a sibling space or to root.
    expect(refusal(await updateStack(team, 'team-plain', 'Team Plain', 'sibling'))).toContain(
      'not of "sibling"',
    );
    expect(refusal(await updateContext(team, 'team-settings', null))).toContain('not of "root"');
    expect(
      refusal(await updateSpace(team, 'team-prod', spaceInput('Team Prod', 'root'))),
    ).toContain('not of "root"');
    // The space its scope starts at is its parent's, root's, to change or delete.
    expect(refusal(await updateSpace(team, 'team', spaceInput('Team', 'root', 'mine')))).toContain(
      'not of "root"',
    );
    expect(refusal(await deleteSpace(team, 'team'))).toContain('not of "root"');
    // Nor may a space from elsewhere be moved under it.
    expect(refusal(await updateSpace(team, 'sibling', spaceInput('Sibling', 'team')))).toContain(
      'not of "root"',
    );

    for (const document of [
      '{ apiKeys { id } }',
      '{ gitlabIntegration { apiHost } }',
      '{ slackIntegration { configured } }',
      'mutation { apiKeyCreate(input: { name: "escape", admin: true }) { id } }',
    ]) {
      expect(code(await api.graphql(document, {}, team))).toBe('FORBIDDEN');
    }
    const spaces = ok(
      await api.graphql<{ spaces: Array<{ id: string; accessLevel: string }> }>(
        '{ spaces { id accessLevel } }',
        {},
        team,
      ),
    );
    expect(Object.fromEntries(spaces.spaces.map((space) => [space.id, space.accessLevel]))).toEqual(
      {
        legacy: 'READ',
        root: 'READ',
        sibling: 'READ',
        team: 'ADMIN',
        'team-prod': 'ADMIN',
      },
    );
  });

  it("cannot see a sibling space's context, policy or stack by its id", async () => {
    const found = ok(
      await api.graphql<Record<string, unknown>>(
        '{ context(id: "sibling-secrets") { id } policy(id: "sibling-access") { id } stack(id: "sibling-app") { id } }',
        {},
        team,
      ),
    );
    expect(found).toEqual({ context: null, policy: null, stack: null });
    for (const document of [
      'mutation { contextDelete(id: "sibling-secrets") { id } }',
      'mutation { contextConfigAdd(context: "sibling-secrets", config: { id: "X", value: "y", writeOnly: false, type: ENVIRONMENT_VARIABLE }) { id } }',
      'mutation { policyDelete(id: "sibling-access") { id } }',
      'mutation { stackDelete(id: "sibling-app") { id } }',
    ]) {
      const answer = await api.graphql(document, {}, team);
      expect(code(answer)).toBe('NOT_FOUND');
      expect(answer.errors![0]!.message).toMatch(
        /^(context|policy|stack) "sibling-\w+" does not exist$/,
      );
    }
    // An admin sees it as it is.
    expect(ok(await api.graphql('{ context(id: "sibling-secrets") { id } }'))).toEqual({
      context: { id: 'sibling-secrets' },
    });
  });

  it('refuses a token of a stack that is not administrative what admins do', async () => {
    for (const answer of [
      await createContext(plain, 'not-mine', 'team'),
      await createStack(plain, 'Not Mine', 'team'),
      await createSpace(plain, 'Not Mine', 'team'),
      await api.graphql('{ contexts { id } }', {}, plain),
      await api.graphql('mutation { contextDelete(id: "team-settings") { id } }', {}, plain),
    ]) {
      expect(refusal(answer)).toContain(
        "only admins may do this, and this run's stack is not administrative",
      );
    }
    const who = ok(await api.graphql<{ viewer: { id: string } }>('{ viewer { id } }', {}, plain));
    expect(who.viewer.id).toMatch(/^run\/team-plain\//);
  });

  it('may not confirm, discard or replan its own run', async () => {
    const [, payload] = team.split('.');
    const { sub } = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as { sub: string };
    const runId = sub.split('/')[1]!;
    for (const mutation of ['runConfirm', 'runDiscard']) {
      expect(
        refusal(
          await api.graphql(
            `mutation ($run: ID!) { ${mutation}(stack: "team-admin", run: $run) { id } }`,
            { run: runId },
            team,
          ),
        ),
      ).toMatch(/^a run may not (confirm|discard) itself/);
    }
    expect(
      refusal(
        await api.graphql(
          `mutation ($run: ID!) { runTargetedReplan(stack: "team-admin", run: $run, targets: ["a.b"]) { id } }`,
          { run: runId },
          team,
        ),
      ),
    ).toMatch(/^a run may not replan itself/);
  });

  it('dies when its run leaves the visit to the state it was issued in, even back in that state', async () => {
    const id = '01JSCOPEVISITS000000000000';
    await database.db.insert(schema.runs).values({
      id,
      stackId: 'team-admin',
      type: RunType.TRACKED,
      state: RunState.PLANNING,
      branch: 'main',
      commitHash: 'a'.repeat(40),
    });
    const visit = (seq: number, state: RunState) =>
      database.db
        .insert(schema.runTransitions)
        .values({ runId: id, seq, state, timestamp: new Date() });
    await visit(0, RunState.QUEUED);
    await visit(1, RunState.PLANNING);
    const token = await tokens.issue(
      { id, stackId: 'team-admin' },
      RunState.PLANNING,
      Date.now() + 60_000,
    );
    ok(await api.graphql('{ viewer { id } }', {}, token));
    // Replanned: UNCONFIRMED, then PLANNING again. The state is the same, the visit is not.
    await visit(2, RunState.UNCONFIRMED);
    await visit(3, RunState.PLANNING);
    const after = await api.graphql('{ viewer { id } }', {}, token);
    expect(code(after)).toBe('UNAUTHENTICATED');
    expect(after.errors![0]!.message).toContain('has left the phase its token was issued for');
  });

  it('is no admin to the access policies of stacks outside its space', async () => {
    ok(
      await api.graphql(
        `mutation ($input: PolicyCreateInput!) { policyCreatev2(input: $input) { id } }`,
        {
          input: {
            name: 'admins write',
            body: 'package spacelift\n\nwrite if input.session.admin\n',
            type: 'ACCESS',
            space: 'sibling',
          },
        },
      ),
    );
    ok(
      await api.graphql(
        'mutation { policyAttach(id: "admins-write", stack: "sibling-app") { id } }',
      ),
    );
    const seen = await api.graphql<{ stack: unknown }>(
      '{ stack(id: "sibling-app") { id } }',
      {},
      team,
    );
    expect(ok(seen).stack).toBeNull();
  });
});
