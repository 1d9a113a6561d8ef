import { planChanges, summarizePlan } from '../../../src/runs/plan';

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
      { address: 'aws_vpc.main', previousAddress: null, type: 'ADD' },
      { address: 'aws_subnet.a', previousAddress: null, type: 'CHANGE' },
      { address: 'aws_db.old', previousAddress: null, type: 'DELETE' },
      { address: 'aws_instance.web', previousAddress: null, type: 'REPLACE' },
    ]);
  });
});
