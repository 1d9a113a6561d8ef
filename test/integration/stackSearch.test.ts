import fs from 'node:fs';
import { startDatabaseApi, type ApiServer } from '../support/api';

/** The search document spacectl sent, word for word, by the command that sent it. */
function spacectlDocument(command: string): string {
  const documents = fs
    .readFileSync(`${__dirname}/../fixtures/spacelift-clients/documents.jsonl`, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { commands: string[]; query: string });
  return documents.find(
    (document) => document.commands.includes(command) && document.query.includes('searchStacks'),
  )!.query;
}

interface Page {
  edges: Array<{ cursor: string; node: Record<string, unknown> & { id: string } }>;
  pageInfo: { endCursor: string | null; hasNextPage: boolean; hasPreviousPage: boolean };
}

const input = (extra: Record<string, unknown> = {}) => ({
  first: 50,
  after: null,
  fullTextSearch: null,
  predicates: null,
  orderBy: null,
  ...extra,
});

const matches = (field: string, values: string[], exclude = false) => ({
  field,
  constraint: { booleanEquals: null, enumEquals: null, stringMatches: values },
  exclude,
});

describe("searchStacks, as spacectl's stack list and stack selection send it", () => {
  let api: ApiServer;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ api, close } = await startDatabaseApi());
    for (const stack of [
      {
        name: 'Payments',
        repository: 'https://git.example.com/platform/infra.git',
        projectRoot: 'payments',
        labels: ['prod'],
        readersSlug: 'auditors',
      },
      {
        name: 'Payments staging',
        repository: 'https://git.example.com/platform/infra.git',
        projectRoot: 'payments',
        branch: 'staging',
        labels: ['staging'],
      },
      {
        name: 'Networking',
        repository: 'git@git.example.com:platform/network.git',
        description: 'VPCs and peering',
        labels: ['prod'],
      },
    ]) {
      const created = await api.graphql(
        `mutation ($input: StackInput!) { stackCreate(input: $input, manageState: true) { id } }`,
        { input: { branch: 'main', provider: 'RAW_GIT', administrative: false, ...stack } },
      );
      expect(created.errors).toBeUndefined();
    }
  });
  afterAll(() => close?.());

  const search = async (variables: Record<string, unknown>, token?: string) => {
    const answer = await api.graphql<{ searchStacks: Page }>(
      spacectlDocument('stack-list'),
      { input: variables },
      token,
    );
    expect(answer.errors).toBeUndefined();
    return answer.data!.searchStacks;
  };
  const ids = (page: Page) => page.edges.map((edge) => edge.node.id);

  it("answers spacectl's stack list with every field it prints", async () => {
    const page = await search(input());
    expect(ids(page)).toEqual(['networking', 'payments', 'payments-staging']);
    expect(page.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
    expect(page.edges[1]!.node).toMatchObject({
      id: 'payments',
      name: 'Payments',
      branch: 'main',
      projectRoot: 'payments',
      labels: ['prod'],
      canWrite: true,
      deleted: false,
      deleting: false,
      autoretry: false,
      starred: false,
      namespace: '',
      state: 'NONE',
      lockedBy: null,
      blocker: null,
      trackedCommit: null,
      stateSetAt: null,
      workerPool: null,
      beforeInit: [],
      afterApply: [],
      vendorConfig: { __typename: 'StackConfigVendorTerraform' },
      spaceDetails: { id: 'root', name: 'root', description: '', parentSpace: null },
    });
    expect(page.edges[1]!.node.createdAt).toEqual(expect.any(Number));
  });

  it('pages with first and after, each page going on where the last ended', async () => {
    const first = await search(input({ first: 2 }));
    expect(ids(first)).toEqual(['networking', 'payments']);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await search(input({ first: 2, after: first.pageInfo.endCursor }));
    expect(ids(second)).toEqual(['payments-staging']);
    expect(second.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const byName = await search(input({ orderBy: { field: 'name', direction: 'DESC' }, first: 1 }));
    expect(ids(byName)).toEqual(['payments-staging']);
  });

  it("finds the stacks of the checkout spacectl runs in: its remote's path, project root and branch", async () => {
    const answer = await api.graphql<{ searchStacks: Page }>(
      spacectlDocument('stack-noid-run-list-with-remote'),
      {
        input: input({
          predicates: [
            matches('repository', ['platform/infra']),
            matches('projectRoot', ['payments', 'payments/']),
            matches('branch', ['staging']),
          ],
        }),
      },
    );
    expect(ids(answer.data!.searchStacks)).toEqual(['payments-staging']);
    expect(
      ids(await search(input({ predicates: [matches('repository', ['platform/network'])] }))),
    ).toEqual(['networking']);
    expect(ids(await search(input({ predicates: [matches('label', ['prod'], true)] })))).toEqual([
      'payments-staging',
    ]);
    expect(ids(await search(input({ fullTextSearch: 'peering' })))).toEqual(['networking']);
  });

  it('shows a caller only the stacks they may read', async () => {
    const auditor = await api.userToken(['auditors']);
    const page = await search(input(), auditor);
    expect(ids(page)).toEqual(['payments']);
    expect(page.edges[0]!.node).toMatchObject({
      canWrite: false,
      spaceDetails: { id: 'root' },
    });
  });

  it('says which fields and orders it knows, and refuses a page it cannot give', async () => {
    for (const [variables, message] of [
      [input({ predicates: [matches('color', ['red'])] }), 'stacks cannot be searched by "color"'],
      [
        input({ orderBy: { field: 'color', direction: 'ASC' } }),
        'stacks cannot be ordered by "color"',
      ],
      [input({ first: 500 }), 'first must be a whole number from 1 to 50'],
      [input({ after: 'nonsense' }), 'is not a cursor of this search'],
    ] as const) {
      const answer = await api.graphql(spacectlDocument('stack-list'), { input: variables });
      expect(answer.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(answer.errors?.[0]?.message).toContain(message);
    }
  });
});
