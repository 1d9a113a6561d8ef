/**
 * The space tree as loaded at one moment, and what follows from its shape: which spaces lie
 * within which, and which spaces' entities a stack may use. Pure, so callers decide when to
 * read the tree and tests need no database.
 */

/** What the tree needs of each space. */
export interface SpaceNode {
  id: string;
  parentSpaceId: string | null;
  inheritEntities: boolean;
}

export const ROOT_SPACE = 'root';
export const LEGACY_SPACE = 'legacy';

export class SpaceTree {
  private readonly nodes: Map<string, SpaceNode>;

  constructor(nodes: Iterable<SpaceNode>) {
    this.nodes = new Map([...nodes].map((node) => [node.id, node]));
  }

  has(id: string): boolean {
    return this.nodes.has(id);
  }

  /** The space and its ancestors, from it up to root. */
  lineage(id: string): string[] {
    const lineage: string[] = [];
    // A tree written by SpaceService has no cycle; the bound keeps a damaged one from looping.
    for (let node = this.nodes.get(id); node && lineage.length <= this.nodes.size;) {
      lineage.push(node.id);
      node = node.parentSpaceId === null ? undefined : this.nodes.get(node.parentSpaceId);
    }
    return lineage;
  }

  /** Whether `spaceId` is `scopeSpaceId` or one of its descendants. */
  isWithin(spaceId: string, scopeSpaceId: string): boolean {
    return this.lineage(spaceId).includes(scopeSpaceId);
  }

  /** `scopeSpaceId` and every space below it. */
  within(scopeSpaceId: string): string[] {
    return [...this.nodes.keys()].filter((id) => this.isWithin(id, scopeSpaceId));
  }

  /**
   * The spaces whose entities a stack in `spaceId` may attach: its own, and while a space
   * inherits entities, its parent's, and so on up.
   */
  visibleFrom(spaceId: string): string[] {
    const visible: string[] = [];
    for (const id of this.lineage(spaceId)) {
      visible.push(id);
      if (!this.nodes.get(id)!.inheritEntities) break;
    }
    return visible;
  }

  /** The spaces whose parent is `id`. */
  children(id: string): string[] {
    return [...this.nodes.values()]
      .filter((node) => node.parentSpaceId === id)
      .map((node) => node.id);
  }
}
