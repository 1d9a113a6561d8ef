import { randomBytes } from 'node:crypto';
import { SecretBox } from '../../src/platform/secrets';
import { startApiServer, type ApiServer } from '../support/api';
import { openTestDatabase, type TestDatabase } from '../support/database';

const POLICY_FIELDS = 'id name description type body labels createdAt updatedAt';

describe('stack access policies through the GraphQL API', () => {
  let database: TestDatabase;
  let api: ApiServer;
  let qa: string;
  let writer: string;

  const create = (name: string, body: string, labels: string[] = []) =>
    api.graphql<{ policyCreate: { id: string } }>(
      `mutation ($name: String!, $body: String!, $labels: [String!]) {
        policyCreate(name: $name, body: $body, type: ACCESS, labels: $labels) { ${POLICY_FIELDS} }
      }`,
      { name, body, labels },
    );
  const attach = (id: string, stack: string) =>
    api.graphql<{ policyAttach: { id: string } }>(
      `mutation ($id: ID!, $stack: ID!) {
        policyAttach(id: $id, stack: $stack) { id policyId stackId stackName isModule }
      }`,
      { id, stack },
    );
  const seenBy = async (token: string) =>
    (
      await api.graphql<{ stacks: Array<{ id: string; canWrite: boolean }> }>(
        '{ stacks { id canWrite } }',
        {},
        token,
      )
    ).data!.stacks;

  beforeAll(async () => {
    database = await openTestDatabase({ kind: 'pglite' });
    api = await startApiServer({ database, box: new SecretBox(randomBytes(32)) });
    for (const name of ['Billing', 'Search']) {
      const created = await api.graphql(
        `mutation ($input: StackInput!) { stackCreate(input: $input, manageState: true) { id } }`,
        {
          input: {
            name,
            administrative: false,
            branch: 'main',
            repository: `file:///srv/git/${name.toLowerCase()}.git`,
            provider: 'RAW_GIT',
            labels: name === 'Search' ? ['frozen'] : [],
            writersSlug: 'platform',
          },
        },
      );
      expect(created.errors).toBeUndefined();
    }
    qa = await api.userToken(['qa']);
    writer = await api.userToken(['platform']);
  });

  afterAll(async () => {
    await api?.close();
    await database?.close();
  });

  it('creates, lists, reads and updates a policy, in v0 and v1 syntax', async () => {
    const created = await create(
      'QA reads',
      'package spacelift\n\nread { input.session.teams[_] == "qa" }\n',
      ['qa', 'qa', ' '],
    );
    expect(created.errors).toBeUndefined();
    expect(created.data!.policyCreate).toMatchObject({
      id: 'qa-reads',
      name: 'QA reads',
      description: null,
      type: 'ACCESS',
      labels: ['qa'],
      createdAt: expect.any(Number) as number,
    });

    const updated = await api.graphql<{ policyUpdate: { body: string; description: string } }>(
      `mutation ($body: String!) {
        policyUpdate(id: "qa-reads", name: "QA reads", body: $body, description: "QA sees stacks") {
          ${POLICY_FIELDS}
        }
      }`,
      { body: 'package spacelift\n\nread if "qa" in input.session.teams\n' },
    );
    expect(updated.errors).toBeUndefined();
    expect(updated.data!.policyUpdate.description).toBe('QA sees stacks');

    const read = await api.graphql<{ policies: Array<{ id: string }>; policy: { body: string } }>(
      '{ policies { id } policy(id: "qa-reads") { body } }',
    );
    expect(read.data!.policies.map((policy) => policy.id)).toEqual(['qa-reads']);
    expect(read.data!.policy.body).toContain('read if');

    // spacectl's policy show, as it sends it.
    const shown = await api.graphql<{ policy: Record<string, unknown> }>(
      `query($policyId:ID!){policy(id: $policyId){id,name,description,body,spaceDetails{id,name,accessLevel},createdAt,updatedAt,type,labels}}`,
      { policyId: 'qa-reads' },
    );
    expect(shown.errors).toBeUndefined();
    expect(shown.data!.policy).toMatchObject({
      id: 'qa-reads',
      spaceDetails: { id: 'root', name: 'root', accessLevel: 'ADMIN' },
    });

    // spacectl's policy list, as it sends it, with and without --search.
    const list = `query($input:SearchInput!){searchPolicies(input: $input){edges{node{id,name,description,body,spaceDetails{id,name,accessLevel},createdAt,updatedAt,type,labels}},pageInfo{endCursor,hasNextPage,hasPreviousPage}}}`;
    const search = (fullTextSearch: string | null) =>
      api.graphql<{
        searchPolicies: {
          edges: Array<{ node: { id: string } }>;
          pageInfo: { hasNextPage: boolean };
        };
      }>(list, {
        input: { first: 50, after: null, fullTextSearch, predicates: null, orderBy: null },
      });
    const all = await search(null);
    expect(all.errors).toBeUndefined();
    expect(all.data!.searchPolicies.edges.map((edge) => edge.node.id)).toEqual(['qa-reads']);
    expect(all.data!.searchPolicies.pageInfo.hasNextPage).toBe(false);
    expect((await search('nothing like it')).data!.searchPolicies.edges).toEqual([]);
    const reader = await api.userToken(['qa']);
    const refused = await api.graphql(list, { input: { first: 50 } }, reader);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('refuses a policy that does not compile with line and column, and stores nothing', async () => {
    const refused = await create(
      'Broken',
      'package spacelift\n\nwrite if {\n  input.session.login ==\n}\n',
    );
    expect(refused.data).toBeNull();
    expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(refused.errors?.[0]?.message).toMatch(/^line 5, column 1: unexpected } token/);

    const update = await api.graphql(
      `mutation { policyUpdate(id: "qa-reads", name: "QA reads", body: "package spacelift\\n\\nread if x") { id } }`,
    );
    expect(update.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const stored = await api.graphql<{ policies: Array<{ id: string; body: string }> }>(
      '{ policies { id body } }',
    );
    expect(stored.data!.policies).toEqual([
      { id: 'qa-reads', body: 'package spacelift\n\nread if "qa" in input.session.teams\n' },
    ]);
  });

  it('keeps policies to admins', async () => {
    const body = 'package spacelift\\n\\nwrite := true';
    for (const operation of [
      '{ policies { id } }',
      '{ policy(id: "qa-reads") { id } }',
      `mutation { policyCreate(name: "Mine", body: "${body}", type: ACCESS) { id } }`,
      `mutation { policyUpdate(id: "qa-reads", name: "QA reads", body: "${body}") { id } }`,
      'mutation { policyDelete(id: "qa-reads") { id } }',
      'mutation { policyAttach(id: "qa-reads", stack: "billing") { id } }',
      'mutation { policyDetach(id: "01JZZZZZZZZZZZZZZZZZZZZZZZ") { id } }',
    ]) {
      const answer = await api.graphql(operation, {}, writer);
      expect([operation, answer.errors?.[0]?.extensions?.code]).toEqual([operation, 'FORBIDDEN']);
    }
    const kept = await api.graphql<{ policy: { body: string } }>(
      '{ policy(id: "qa-reads") { body } }',
    );
    expect(kept.data!.policy.body).toContain('read if');
  });

  it('grants beyond the teams once attached, and stops when detached', async () => {
    expect(await seenBy(qa)).toEqual([]);
    const attached = await attach('qa-reads', 'billing');
    expect(attached.data!.policyAttach).toMatchObject({
      policyId: 'qa-reads',
      stackId: 'billing',
      stackName: 'Billing',
      isModule: false,
    });
    expect(await seenBy(qa)).toEqual([{ id: 'billing', canWrite: false }]);

    const views = await api.graphql<{
      stack: { attachedPolicies: unknown[] };
      policy: { attachedStacks: Array<{ stackId: string }> };
    }>(
      `{ stack(id: "billing") { attachedPolicies { id policyId policyName policyType policyLabels } }
         policy(id: "qa-reads") { attachedStacks { stackId } } }`,
    );
    expect(views.data!.stack.attachedPolicies).toEqual([
      {
        id: attached.data!.policyAttach.id,
        policyId: 'qa-reads',
        policyName: 'QA reads',
        policyType: 'ACCESS',
        policyLabels: ['qa'],
      },
    ]);
    expect(views.data!.policy.attachedStacks).toEqual([{ stackId: 'billing' }]);
    // Readers learn nothing of the rules.
    const hidden = await api.graphql<{ stack: { attachedPolicies: unknown[] } }>(
      '{ stack(id: "billing") { attachedPolicies { id } } }',
      {},
      qa,
    );
    expect(hidden.data!.stack.attachedPolicies).toEqual([]);

    const twice = await attach('qa-reads', 'billing');
    expect(twice.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const unknown = await attach('qa-reads', 'nope');
    expect(unknown.errors?.[0]).toMatchObject({
      message: 'stack "nope" does not exist',
      extensions: { code: 'NOT_FOUND' },
    });

    const detached = await api.graphql<{ policyDetach: { stackId: string } }>(
      'mutation ($id: ID!) { policyDetach(id: $id) { id stackId } }',
      { id: attached.data!.policyAttach.id },
    );
    expect(detached.data!.policyDetach.stackId).toBe('billing');
    expect(await seenBy(qa)).toEqual([]);
  });

  it("sees the request and the session: a policy on the caller's address and login", async () => {
    const policy = await create(
      'Local QA writes',
      [
        'package spacelift',
        '',
        'write if {',
        '  input.request.remote_ip in {"127.0.0.1", "::1", "::ffff:127.0.0.1"}',
        '  startswith(input.session.login, "api-key/")',
        '  input.request.timestamp_ns > 0',
        '}',
      ].join('\n'),
    );
    expect(policy.errors).toBeUndefined();
    await attach('local-qa-writes', 'billing');
    expect(await seenBy(qa)).toEqual([{ id: 'billing', canWrite: true }]);
    const config = await api.graphql(
      `mutation { stackConfigAdd(stack: "billing", config: { id: "TF_VAR_env", type: ENVIRONMENT_VARIABLE, value: "qa", writeOnly: false }) { id } }`,
      {},
      qa,
    );
    expect(config.errors).toBeUndefined();
  });

  it('lets a deny take away what teams give, and deleting the policy gives it back', async () => {
    expect(await seenBy(writer)).toEqual([
      { id: 'billing', canWrite: true },
      { id: 'search', canWrite: true },
    ]);
    await create('Freeze', 'package spacelift\n\ndeny if "frozen" in input.stack.labels\n');
    await attach('freeze', 'search');
    expect(await seenBy(writer)).toEqual([{ id: 'billing', canWrite: true }]);
    const byId = await api.graphql('mutation { runTrigger(stack: "search") { id } }', {}, writer);
    expect(byId.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    // Admins are not subject to policies.
    const admin = await api.graphql<{ stack: { id: string } }>('{ stack(id: "search") { id } }');
    expect(admin.data!.stack).toEqual({ id: 'search' });

    const deleted = await api.graphql<{ policyDelete: { id: string } }>(
      'mutation { policyDelete(id: "freeze") { id } }',
    );
    expect(deleted.data!.policyDelete).toEqual({ id: 'freeze' });
    expect(await seenBy(writer)).toHaveLength(2);
    const again = await api.graphql('mutation { policyDelete(id: "freeze") { id } }');
    expect(again.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it("creates and replaces policies with Spacelift's v2 inputs, in the Rego it is told", async () => {
    const V2_FIELDS = 'id labels name body type space description engineType';
    const v0Body = 'package spacelift\n\nread { input.session.teams[_] == "ops" }\n';
    const created = await api.graphql<{ policyCreatev2: Record<string, unknown> }>(
      `mutation ($input: PolicyCreateInput!) { policyCreatev2(input: $input) { ${V2_FIELDS} } }`,
      {
        input: {
          name: 'Ops reads',
          body: v0Body,
          type: 'ACCESS',
          labels: ['ops'],
          space: null,
          description: 'Ops may read',
          engineType: null,
        },
      },
    );
    expect(created.errors).toBeUndefined();
    expect(created.data!.policyCreatev2).toEqual({
      id: 'ops-reads',
      labels: ['ops'],
      name: 'Ops reads',
      body: v0Body,
      type: 'ACCESS',
      space: 'root',
      description: 'Ops may read',
      engineType: 'REGO_V0',
    });

    // Told it is v1, a v0 body is refused with OPA's reason, and nothing changes.
    const update = (input: Record<string, unknown>) =>
      api.graphql<{ policyUpdatev2: Record<string, unknown> }>(
        `mutation ($input: PolicyUpdateInput!) { policyUpdatev2(id: "ops-reads", input: $input) { ${V2_FIELDS} } }`,
        { input },
      );
    const strict = await update({ name: 'Ops reads', body: v0Body, engineType: 'REGO_V1' });
    expect(strict.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(strict.errors?.[0]?.message).toMatch(/compiled as Rego v1, as engineType asks/);

    // An update replaces every field: the labels and description left out are gone.
    const v1Body = 'package spacelift\n\nread if "ops" in input.session.teams\n';
    const replaced = await update({ name: 'Ops read', body: v1Body, engineType: 'REGO_V1' });
    expect(replaced.errors).toBeUndefined();
    expect(replaced.data!.policyUpdatev2).toMatchObject({
      name: 'Ops read',
      labels: [],
      description: null,
      engineType: 'REGO_V1',
    });

    const elsewhere = await api.graphql(
      `mutation { policyCreatev2(input: { name: "Far", body: "package spacelift\\n\\nread if false", type: ACCESS, space: "team-a" }) { id } }`,
    );
    expect(elsewhere.errors?.[0]?.message).toBe(
      'space "team-a" does not exist; give the id of an existing space (the spaces query lists them), or leave space out for root',
    );

    await attach('ops-reads', 'billing');
    const attached = await api.graphql<{
      policy: { onBilling: { stackId: string } | null; onSearch: unknown };
    }>(
      '{ policy(id: "ops-reads") { onBilling: attachedStack(id: "billing") { stackId } onSearch: attachedStack(id: "search") { stackId } } }',
    );
    expect(attached.data!.policy).toEqual({ onBilling: { stackId: 'billing' }, onSearch: null });
    await api.graphql('mutation { policyDelete(id: "ops-reads") { id } }');
  });
});
