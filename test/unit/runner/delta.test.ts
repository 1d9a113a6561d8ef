import { summarizePlan } from '../../../activities/runner/delta';

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
