import { SpaceTree } from '../../src/spaces/tree';

//   root
//   ├── legacy (inherits)
//   └── platform
//       ├── prod (inherits)
//       │   └── eu (inherits)
//       └── dev
const tree = new SpaceTree([
  { id: 'root', parentSpaceId: null, inheritEntities: false },
  { id: 'legacy', parentSpaceId: 'root', inheritEntities: true },
  { id: 'platform', parentSpaceId: 'root', inheritEntities: false },
  { id: 'prod', parentSpaceId: 'platform', inheritEntities: true },
  { id: 'eu', parentSpaceId: 'prod', inheritEntities: true },
  { id: 'dev', parentSpaceId: 'platform', inheritEntities: false },
]);

describe('the space tree', () => {
  it('tells whether a space is a space or one of its descendants', () => {
    expect(tree.isWithin('eu', 'eu')).toBe(true);
    expect(tree.isWithin('eu', 'prod')).toBe(true);
    expect(tree.isWithin('eu', 'platform')).toBe(true);
    expect(tree.isWithin('eu', 'root')).toBe(true);
    expect(tree.isWithin('prod', 'eu')).toBe(false);
    expect(tree.isWithin('dev', 'prod')).toBe(false);
    expect(tree.isWithin('legacy', 'platform')).toBe(false);
    expect(tree.isWithin('nowhere', 'root')).toBe(false);
  });

  it("lets a stack use its own space's entities, and its ancestors' while each space inherits", () => {
    expect(tree.visibleFrom('eu')).toEqual(['eu', 'prod', 'platform']);
    expect(tree.visibleFrom('prod')).toEqual(['prod', 'platform']);
    expect(tree.visibleFrom('dev')).toEqual(['dev']);
    expect(tree.visibleFrom('legacy')).toEqual(['legacy', 'root']);
    expect(tree.visibleFrom('root')).toEqual(['root']);
  });

  it('lists lineages up to root and the children of a space', () => {
    expect(tree.lineage('eu')).toEqual(['eu', 'prod', 'platform', 'root']);
    expect(tree.children('platform')).toEqual(['prod', 'dev']);
    expect(tree.children('eu')).toEqual([]);
  });

  it('ends a walk up a damaged tree that loops', () => {
    const looped = new SpaceTree([
      { id: 'a', parentSpaceId: 'b', inheritEntities: true },
      { id: 'b', parentSpaceId: 'a', inheritEntities: true },
    ]);
    expect(looped.isWithin('a', 'root')).toBe(false);
    expect(looped.visibleFrom('a').length).toBeLessThanOrEqual(3);
  });
});
