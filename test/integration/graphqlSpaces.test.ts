import { randomBytes } from 'node:crypto';
import { SecretBox } from '../../src/platform/secrets';
import { startApiServer, type ApiServer } from '../support/api';
import { openTestDatabase, type TestDatabase } from '../support/database';

const SPACE_FIELDS = 'id name description inheritEntities parentSpace labels accessLevel';

/** SpaceInput as Spacelift's Terraform provider sends it: every field, description empty. */
const providerSpace = (name: string, overrides: Record<string, unknown> = {}) => ({
  name,
  description: '',
  inheritEntities: false,
  parentSpace: 'root',
  labels: null,
  ...overrides,
});

describe('spaces through the GraphQL API', () => {
  let database: TestDatabase;
  let api: ApiServer;
  let reader: string;

  // The documents the provider's spacelift_space resource and data sources send.
  const createSpace = (input: Record<string, unknown>, token?: string) =>
    api.graphql<{ spaceCreate: Record<string, unknown> }>(
      `mutation CreateSpace($input: SpaceInput!) { spaceCreate(input: $input) { id description name inheritEntities parentSpace labels } }`,
      { input },
      token,
    );
  const updateSpace = (space: string, input: Record<string, unknown>) =>
    api.graphql<{ spaceUpdate: Record<string, unknown> }>(
      `mutation SpaceUpdate($space: ID!, $input: SpaceInput!) { spaceUpdate(space: $space, input: $input) { id description name inheritEntities parentSpace labels } }`,
      { space, input },
    );
  const deleteSpace = (id: string) =>
    api.graphql<{ spaceDelete: { id: string } }>(
      `mutation DeleteSpace($id: ID!) { spaceDelete(space: $id) { id description name inheritEntities parentSpace labels } }`,
      { id },
    );
  const readSpace = (id: string, token?: string | null) =>
    api.graphql<{ space: Record<string, unknown> | null }>(
      `query SpaceRead($id: ID!) { space(id: $id) { ${SPACE_FIELDS} } }`,
      { id },
      token,
    );
  const createStack = (name: string, space: string | null) =>
    api.graphql<{ stackCreate: { id: string; space: string } }>(
      `mutation ($input: StackInput!) { stackCreate(input: $input, manageState: true) { id space } }`,
      {
        input: {
          name,
          administrative: false,
          branch: 'main',
          repository: `file:///srv/git/${name.toLowerCase().replace(/\W+/g, '-')}.git`,
          provider: 'RAW_GIT',
          space,
        },
      },
    );
  const updateStack = (id: string, name: string, space: string | null) =>
    api.graphql<{ stackUpdate: { id: string; space: string } }>(
      `mutation ($id: ID!, $input: StackInput!) { stackUpdate(id: $id, input: $input) { id space } }`,
      {
        id,
        input: {
          name,
          administrative: false,
          branch: 'main',
          repository: `file:///srv/git/${name.toLowerCase().replace(/\W+/g, '-')}.git`,
          provider: 'RAW_GIT',
          space,
        },
      },
    );
  const createContext = (name: string, space: string | null) =>
    api.graphql<{ contextCreateV2: { id: string; space: string } }>(
      `mutation ($input: ContextInput!) { contextCreateV2(input: $input) { id space } }`,
      { input: { name, space } },
    );
  const updateContext = (id: string, name: string, space: string | null) =>
    api.graphql<{ contextUpdateV2: { id: string; space: string } }>(
      `mutation ($id: ID!, $input: ContextInput!) { contextUpdateV2(id: $id, input: $input) { id space } }`,
      { id, input: { name, space } },
    );
  const createPolicy = (name: string, space: string | null) =>
    api.graphql<{ policyCreatev2: { id: string; space: string } }>(
      `mutation ($input: PolicyCreateInput!) { policyCreatev2(input: $input) { id space spaceDetails { id name accessLevel } } }`,
      { input: { name, body: 'package spacelift\n\nread if false\n', type: 'ACCESS', space } },
    );
  const updatePolicy = (id: string, name: string, space: string | null) =>
    api.graphql<{ policyUpdatev2: { id: string; space: string } }>(
      `mutation ($id: ID!, $input: PolicyUpdateInput!) { policyUpdatev2(id: $id, input: $input) { id space } }`,
      { id, input: { name, body: 'package spacelift\n\nread if false\n', space } },
    );
  const attachContext = (id: string, stack: string) =>
    api.graphql<{ contextAttach: { id: string } }>(
      `mutation ($id: ID!, $stack: ID!) { contextAttach(id: $id, stack: $stack, priority: 0) { id } }`,
      { id, stack },
    );
  const attachPolicy = (id: string, stack: string) =>
    api.graphql<{ policyAttach: { id: string } }>(
      `mutation ($id: ID!, $stack: ID!) { policyAttach(id: $id, stack: $stack) { id } }`,
      { id, stack },
    );
  const message = (answer: { errors?: Array<{ message: string }> }) => answer.errors?.[0]?.message;

  beforeAll(async () => {
    database = await openTestDatabase({ kind: 'pglite' });
    api = await startApiServer({ database, box: new SecretBox(randomBytes(32)) });
    reader = await api.userToken(['qa']);
  });

  afterAll(async () => {
    await api?.close();
    await database?.close();
  });

  it('has root and legacy, which anyone signed in may read', async () => {
    const listed = await api.graphql<{ spaces: Array<Record<string, unknown>> }>(
      `query SpacesRead { spaces { id description name inheritEntities parentSpace labels } }`,
    );
    expect(listed.errors).toBeUndefined();
    expect(listed.data!.spaces).toEqual([
      {
        id: 'legacy',
        name: 'legacy',
        description: '',
        inheritEntities: true,
        parentSpace: 'root',
        labels: [],
      },
      {
        id: 'root',
        name: 'root',
        description: '',
        inheritEntities: false,
        parentSpace: null,
        labels: [],
      },
    ]);
    expect((await readSpace('root')).data!.space).toMatchObject({ accessLevel: 'ADMIN' });
    expect((await readSpace('legacy', reader)).data!.space).toMatchObject({
      id: 'legacy',
      accessLevel: 'READ',
    });
    const missing = await readSpace('nowhere');
    expect(missing.errors).toBeUndefined();
    expect(missing.data!.space).toBeNull();
    expect((await readSpace('root', null)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('creates, updates and deletes spaces as the provider sends them; admins only', async () => {
    const created = await createSpace(providerSpace('Platform Team', { labels: ['team', 'team'] }));
    expect(created.errors).toBeUndefined();
    expect(created.data!.spaceCreate).toEqual({
      id: 'platform-team',
      name: 'Platform Team',
      description: '',
      inheritEntities: false,
      parentSpace: 'root',
      labels: ['team'],
    });
    const child = await createSpace(
      providerSpace('Platform Prod', { parentSpace: 'platform-team', inheritEntities: true }),
    );
    expect(child.data!.spaceCreate).toMatchObject({
      id: 'platform-prod',
      parentSpace: 'platform-team',
      inheritEntities: true,
    });

    const updated = await updateSpace(
      'platform-prod',
      providerSpace('Production', {
        description: 'runs customers see',
        parentSpace: 'platform-team',
        labels: ['prod'],
      }),
    );
    expect(updated.errors).toBeUndefined();
    expect(updated.data!.spaceUpdate).toEqual({
      id: 'platform-prod',
      name: 'Production',
      description: 'runs customers see',
      inheritEntities: false,
      parentSpace: 'platform-team',
      labels: ['prod'],
    });
    // A space may move elsewhere in the tree.
    const moved = await updateSpace('platform-prod', providerSpace('Production'));
    expect(moved.data!.spaceUpdate).toMatchObject({ parentSpace: 'root' });
    expect((await readSpace('platform-prod')).data!.space).toMatchObject({
      name: 'Production',
      parentSpace: 'root',
    });

    const refused = await createSpace(providerSpace('Mine'), reader);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    expect((await deleteSpace('platform-prod')).data!.spaceDelete).toMatchObject({
      id: 'platform-prod',
      name: 'Production',
    });
    expect((await deleteSpace('platform-team')).errors).toBeUndefined();
    expect((await readSpace('platform-team')).data!.space).toBeNull();
  });

  it('refuses what would break the tree, saying what to do', async () => {
    expect(message(await createSpace(providerSpace('Orphan', { parentSpace: 'nowhere' })))).toBe(
      'parent space "nowhere" does not exist; give the id of an existing space, or leave parentSpace out for root',
    );
    expect(message(await createSpace(providerSpace('root')))).toBe(
      'a space with id "root" exists; choose another name',
    );
    expect(message(await createSpace(providerSpace('  ')))).toBe('a space needs a name');
    expect(message(await updateSpace('root', providerSpace('top', { parentSpace: null })))).toBe(
      'the root space cannot be changed; create a space under it (spaceCreate) instead',
    );
    expect(message(await deleteSpace('root'))).toBe(
      'the root space cannot be deleted; it is always there',
    );
    expect(message(await deleteSpace('legacy'))).toBe(
      'the legacy space cannot be deleted; it is always there',
    );
    expect(message(await deleteSpace('nowhere'))).toBe('space "nowhere" does not exist');
    expect(message(await updateSpace('nowhere', providerSpace('x')))).toBe(
      'space "nowhere" does not exist',
    );

    await createSpace(providerSpace('Outer'));
    await createSpace(providerSpace('Middle', { parentSpace: 'outer' }));
    await createSpace(providerSpace('Inner', { parentSpace: 'middle' }));
    expect(
      message(await updateSpace('outer', providerSpace('Outer', { parentSpace: 'inner' }))),
    ).toBe(
      'space "inner" is inside space "outer", so it cannot be its parent: that would make a cycle',
    );
    expect(
      message(await updateSpace('outer', providerSpace('Outer', { parentSpace: 'outer' }))),
    ).toBe('space "outer" cannot be its own parent; choose another parentSpace');
    expect((await readSpace('outer')).data!.space).toMatchObject({ parentSpace: 'root' });

    expect(message(await deleteSpace('middle'))).toBe(
      'space "middle" is not empty: it holds child spaces "inner"; move or delete them first',
    );
  });

  it('keeps stacks, contexts and policies in spaces and refuses deleting a space that holds them', async () => {
    await createSpace(providerSpace('Team A'));
    const stack = await createStack('Billing', 'team-a');
    expect(stack.errors).toBeUndefined();
    expect(stack.data!.stackCreate).toEqual({ id: 'billing', space: 'team-a' });
    expect((await createContext('Billing env', 'team-a')).data!.contextCreateV2).toEqual({
      id: 'billing-env',
      space: 'team-a',
    });
    const policy = await createPolicy('Billing readers', 'team-a');
    expect(policy.errors).toBeUndefined();
    expect(policy.data!.policyCreatev2).toEqual({
      id: 'billing-readers',
      space: 'team-a',
      spaceDetails: { id: 'team-a', name: 'Team A', accessLevel: 'ADMIN' },
    });

    const read = await api.graphql<{
      stack: Record<string, unknown>;
      context: Record<string, unknown>;
      policy: Record<string, unknown>;
    }>(
      `{ stack(id: "billing") { space spaceDetails { id name description parentSpace accessLevel } }
         context(id: "billing-env") { space }
         policy(id: "billing-readers") { space } }`,
    );
    expect(read.data).toEqual({
      stack: {
        space: 'team-a',
        spaceDetails: {
          id: 'team-a',
          name: 'Team A',
          description: '',
          parentSpace: 'root',
          accessLevel: 'ADMIN',
        },
      },
      context: { space: 'team-a' },
      policy: { space: 'team-a' },
    });

    // Left out, the space is root.
    expect((await createStack('Search', null)).data!.stackCreate.space).toBe('root');
    expect((await createContext('Shared env', null)).data!.contextCreateV2.space).toBe('root');

    const space =
      'space "nowhere" does not exist; give the id of an existing space (the spaces query lists them), or leave space out for root';
    expect(message(await createStack('Lost', 'nowhere'))).toBe(space);
    expect(message(await createContext('Lost', 'nowhere'))).toBe(space);
    expect(message(await createPolicy('Lost', 'nowhere'))).toBe(space);
    expect(message(await updateStack('search', 'Search', 'nowhere'))).toBe(space);

    expect(message(await deleteSpace('team-a'))).toBe(
      'space "team-a" is not empty: it holds stacks "billing"; contexts "billing-env"; policies "billing-readers"; move or delete them first',
    );

    // searchStacks takes the space predicate Spacelift's clients send.
    const found = await api.graphql<{ searchStacks: { edges: Array<{ node: { id: string } }> } }>(
      `query ($input: SearchInput!) { searchStacks(input: $input) { edges { node { id } } } }`,
      {
        input: {
          predicates: [{ field: 'space', constraint: { stringMatches: ['team-a'] } }],
        },
      },
    );
    expect(found.data!.searchStacks.edges.map((edge) => edge.node.id)).toEqual(['billing']);

    // Moved out, the space is empty and goes.
    expect((await updateStack('billing', 'Billing', null)).data!.stackUpdate.space).toBe('root');
    expect(
      (await updateContext('billing-env', 'Billing env', null)).data!.contextUpdateV2.space,
    ).toBe('root');
    expect((await updatePolicy('billing-readers', 'Billing readers', null)).errors).toBeUndefined();
    expect((await deleteSpace('team-a')).errors).toBeUndefined();
  });

  it("attaches contexts and policies of the stack's space, and of the spaces it inherits from", async () => {
    //   root ── org ─┬─ prod (inherits) ── eu (inherits)
    //                └─ dev
    await createSpace(providerSpace('Org'));
    await createSpace(providerSpace('Prod', { parentSpace: 'org', inheritEntities: true }));
    await createSpace(providerSpace('EU', { parentSpace: 'prod', inheritEntities: true }));
    await createSpace(providerSpace('Dev', { parentSpace: 'org' }));
    await createStack('EU app', 'eu');
    await createStack('Dev app', 'dev');
    await createContext('Org env', 'org');
    await createContext('Dev env', 'dev');
    await createContext('Root env', null);
    await createPolicy('Org rules', 'org');

    // eu inherits from prod, prod from org; org does not inherit from root.
    expect((await attachContext('org-env', 'eu-app')).errors).toBeUndefined();
    expect((await attachPolicy('org-rules', 'eu-app')).errors).toBeUndefined();
    expect(message(await attachContext('root-env', 'eu-app'))).toBe(
      'context "root-env" is in space "root", and stack "eu-app" in space "eu" may only use entities of "eu", "prod", "org": ' +
        'move context "root-env" to one of those, or set inheritEntities on the spaces from "eu" up to below "root"',
    );
    // A sibling's entities are never seen.
    expect(message(await attachContext('dev-env', 'eu-app'))).toBe(
      'context "dev-env" is in space "dev", and stack "eu-app" in space "eu" may only use entities of "eu", "prod", "org": ' +
        'move context "dev-env" to one of those',
    );
    // dev does not inherit: only its own.
    expect((await attachContext('dev-env', 'dev-app')).errors).toBeUndefined();
    expect(message(await attachContext('org-env', 'dev-app'))).toMatch(
      /^context "org-env" is in space "org", and stack "dev-app" in space "dev" may only use entities of "dev"/,
    );
    expect(message(await attachPolicy('org-rules', 'dev-app'))).toMatch(
      /^policy "org-rules" is in space "org", and stack "dev-app" in space "dev" may only use entities of "dev"/,
    );
    // Once dev inherits, it sees org's.
    await updateSpace('dev', providerSpace('Dev', { parentSpace: 'org', inheritEntities: true }));
    expect((await attachContext('org-env', 'dev-app')).errors).toBeUndefined();

    // Nothing moves where an attached stack could no longer use it.
    expect(message(await updateContext('org-env', 'Org env', 'prod'))).toMatch(
      /^context "org-env" is in space "prod", and stack "dev-app" in space "dev" may only use entities of "dev", "org"/,
    );
    expect(message(await updatePolicy('org-rules', 'Org rules', 'dev'))).toMatch(
      /^policy "org-rules" is in space "dev", and stack "eu-app" in space "eu"/,
    );
    expect(message(await updateStack('eu-app', 'EU app', null))).toBe(
      'context "org-env" is in space "org", and stack "eu-app" in space "root" may only use entities of "root": move context "org-env" to one of those',
    );
    expect(message(await updateStack('dev-app', 'Dev app', 'eu'))).toBe(
      'context "dev-env" is in space "dev", and stack "dev-app" in space "eu" may only use entities of "eu", "prod", "org": move context "dev-env" to one of those',
    );
    const unmoved = await api.graphql<{ stack: { space: string }; context: { space: string } }>(
      '{ stack(id: "eu-app") { space } context(id: "org-env") { space } }',
    );
    expect(unmoved.data).toEqual({ stack: { space: 'eu' }, context: { space: 'org' } });
    // Within what the stacks see, entities and stacks move freely.
    expect((await updateStack('eu-app', 'EU app', 'prod')).data!.stackUpdate.space).toBe('prod');
  });
});
