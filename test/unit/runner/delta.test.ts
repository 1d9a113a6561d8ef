import { attributeChanges, planChanges, summarizePlan } from '../../../src/runs/plan';

const change = (address: string, ...actions: string[]) => ({
  address,
  mode: 'managed',
  change: { actions },
});

describe('summarizePlan', () => {
  it('counts additions, in-place changes and deletions by address', () => {
    const { delta, changes } = summarizePlan({
      resource_changes: [
        change('terraform_data.a', 'create'),
        change('terraform_data.b', 'update'),
        change('terraform_data.c', 'delete'),
        change('terraform_data.d', 'no-op'),
      ],
    });
    expect(changes).toBe(true);
    expect(delta).toEqual({
      addCount: 1,
      addResources: ['terraform_data.a'],
      changeCount: 1,
      changeResources: ['terraform_data.b'],
      deleteCount: 1,
      deleteResources: ['terraform_data.c'],
      resources: 0,
    });
  });

  it('counts a replacement as an addition and a deletion, either order', () => {
    const { delta } = summarizePlan({
      resource_changes: [
        change('terraform_data.x', 'delete', 'create'),
        change('terraform_data.y', 'create', 'delete'),
      ],
    });
    expect(delta.addResources).toEqual(['terraform_data.x', 'terraform_data.y']);
    expect(delta.deleteResources).toEqual(['terraform_data.x', 'terraform_data.y']);
    expect(delta.changeCount).toBe(0);
  });

  it('ignores data sources and counts managed resources in state, modules included', () => {
    const { delta, changes } = summarizePlan({
      resource_changes: [{ address: 'data.x.y', mode: 'data', change: { actions: ['read'] } }],
      prior_state: {
        values: {
          root_module: {
            resources: [{ mode: 'managed' }, { mode: 'data' }],
            child_modules: [{ resources: [{ mode: 'managed' }, { mode: 'managed' }] }],
          },
        },
      },
    });
    expect(changes).toBe(false);
    expect(delta.resources).toBe(3);
    expect(delta.addCount + delta.changeCount + delta.deleteCount).toBe(0);
  });

  it('sees a plan that only changes outputs as a change', () => {
    expect(summarizePlan({ output_changes: { a: { actions: ['create'] } } }).changes).toBe(true);
    expect(summarizePlan({ output_changes: { a: { actions: ['no-op'] } } }).changes).toBe(false);
  });
});

describe('the changes a plan makes, as Run.changesV3 lists them', () => {
  it('names each managed resource with what happens to it, and where a moved one was', () => {
    expect(
      planChanges({
        resource_changes: [
          { address: 'aws_vpc.main', change: { actions: ['create'] } },
          { address: 'aws_subnet.a', change: { actions: ['update'] } },
          { address: 'aws_db.old', change: { actions: ['delete'] } },
          { address: 'aws_instance.web', change: { actions: ['delete', 'create'] } },
          {
            address: 'module.net.aws_eip.ip',
            previous_address: 'aws_eip.ip',
            change: { actions: ['no-op'] },
          },
          { address: 'data.aws_ami.ubuntu', mode: 'data', change: { actions: ['read'] } },
        ],
      }),
    ).toEqual([
      { address: 'aws_vpc.main', previousAddress: null, type: 'ADD', attributes: [] },
      { address: 'aws_subnet.a', previousAddress: null, type: 'CHANGE', attributes: [] },
      { address: 'aws_db.old', previousAddress: null, type: 'DELETE', attributes: [] },
      { address: 'aws_instance.web', previousAddress: null, type: 'REPLACE', attributes: [] },
    ]);
  });
});

describe('attributeChanges', () => {
  it('gives what an addition sets, with values known only once applied marked so', () => {
    expect(
      attributeChanges({
        before: null,
        after: { input: 'one', triggers_replace: null, tags: { team: 'core' } },
        after_unknown: { id: true, output: true, tags: {} },
        before_sensitive: false,
        after_sensitive: { tags: {} },
      }),
    ).toEqual([
      { path: 'id', before: null, after: null, sensitive: false, unknownAfter: true },
      { path: 'input', before: null, after: '"one"', sensitive: false, unknownAfter: false },
      { path: 'output', before: null, after: null, sensitive: false, unknownAfter: true },
      { path: 'tags.team', before: null, after: '"core"', sensitive: false, unknownAfter: false },
    ]);
  });

  it('leaves out what stays the same, and never gives a sensitive value', () => {
    expect(
      attributeChanges({
        before: {
          name: 'db',
          password: 'old-secret',
          settings: { size: 1, labels: ['a', 'b'] },
          'odd key': 1,
        },
        after: {
          name: 'db',
          password: 'new-secret',
          settings: { size: 2, labels: ['a', 'c'] },
          'odd key': 2,
        },
        after_unknown: {},
        before_sensitive: { password: true },
        after_sensitive: { password: true, settings: { labels: true } },
      }),
    ).toEqual([
      { path: '["odd key"]', before: '1', after: '2', sensitive: false, unknownAfter: false },
      { path: 'password', before: null, after: null, sensitive: true, unknownAfter: false },
      {
        path: 'settings.labels[1]',
        before: null,
        after: null,
        sensitive: true,
        unknownAfter: false,
      },
      { path: 'settings.size', before: '1', after: '2', sensitive: false, unknownAfter: false },
    ]);
  });

  it('shows a value wholly unknown after as one entry, with all of it before', () => {
    expect(
      attributeChanges({
        before: { input: 'a', output: { engine: 'postgres', size: 'small' } },
        after: { input: 'b' },
        after_unknown: { output: true },
        before_sensitive: {},
        after_sensitive: {},
      }),
    ).toEqual([
      { path: 'input', before: '"a"', after: '"b"', sensitive: false, unknownAfter: false },
      {
        path: 'output',
        before: '{"engine":"postgres","size":"small"}',
        after: null,
        sensitive: false,
        unknownAfter: true,
      },
    ]);
  });

  it('gives what a deletion removes', () => {
    expect(
      attributeChanges({
        before: { id: 'x', list: [] },
        after: null,
        after_unknown: false,
        before_sensitive: false,
        after_sensitive: false,
      }),
    ).toEqual([
      { path: 'id', before: '"x"', after: null, sensitive: false, unknownAfter: false },
      { path: 'list', before: '[]', after: null, sensitive: false, unknownAfter: false },
    ]);
  });
});
