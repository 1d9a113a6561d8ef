import type { Database } from '../db';
import { ConflictError, InvalidInputError, NotFoundError } from '../platform/errors';
import { requiredName, slugOf, validLabels } from '../platform/input';
import {
  addSpace,
  allSpaces,
  changeSpace,
  removeSpace,
  spaceById,
  spaceTree,
  type Space,
} from './store';
import { LEGACY_SPACE, ROOT_SPACE, SpaceTree } from './tree';

export type { Space } from './store';
export { LEGACY_SPACE, ROOT_SPACE, SpaceTree } from './tree';

export interface SpaceInput {
  name: string;
  description?: string | null;
  /** The parent's id; root when not given. */
  parentSpace?: string | null;
  inheritEntities?: boolean | null;
  labels?: readonly string[] | null;
}

/**
 * One kind of entity that lives in spaces (stacks, contexts, policies, worker pools): those
 * nouns sit above this one, so the composition root tells the service how to find theirs.
 */
export interface SpaceOccupants {
  /** What they are called, plural: "stacks". */
  kind: string;
  /** The ids of those in the space. */
  idsIn(spaceId: string): Promise<string[]>;
}

/**
 * Spaces as admins manage them: a tree under root, which stacks, contexts, policies and worker
 * pools live in. Root is fixed; legacy may change but stays.
 */
export class SpaceService {
  constructor(private readonly deps: { db: Database; occupants: SpaceOccupants[] }) {}

  list(): Promise<Space[]> {
    return allSpaces(this.deps.db);
  }

  /** The space, or NotFoundError. */
  async space(id: string): Promise<Space> {
    const space = await spaceById(this.deps.db, id);
    if (!space) throw new NotFoundError(`space "${id}" does not exist`);
    return space;
  }

  async create(input: SpaceInput): Promise<Space> {
    const columns = spaceColumns(input);
    const id = slugOf(columns.name);
    if (await spaceById(this.deps.db, id)) throw taken(id);
    if (!(await spaceById(this.deps.db, columns.parentSpaceId))) {
      throw missingParent(columns.parentSpaceId);
    }
    const space = await addSpace(this.deps.db, { id, ...columns });
    if (!space) throw taken(id);
    return space;
  }

  /** Everything but the id; a space may move under another, but never under itself. */
  async update(id: string, input: SpaceInput): Promise<Space> {
    if (id === ROOT_SPACE) {
      throw new InvalidInputError(
        `the root space cannot be changed; create a space under it (spaceCreate) instead`,
      );
    }
    const columns = spaceColumns(input);
    const parent = columns.parentSpaceId;
    const space = await changeSpace(this.deps.db, id, columns, (tree) => {
      if (!tree.has(id)) return;
      if (!tree.has(parent)) throw missingParent(parent);
      if (tree.isWithin(parent, id)) {
        throw new InvalidInputError(
          parent === id
            ? `space "${id}" cannot be its own parent; choose another parentSpace`
            : `space "${parent}" is inside space "${id}", so it cannot be its parent: that would make a cycle`,
        );
      }
    });
    if (!space) throw new NotFoundError(`space "${id}" does not exist`);
    return space;
  }

  /** Deletes an empty leaf: a space with child spaces or entities is refused, naming them. */
  async delete(id: string): Promise<Space> {
    if (id === ROOT_SPACE || id === LEGACY_SPACE) {
      throw new InvalidInputError(`the ${id} space cannot be deleted; it is always there`);
    }
    await this.space(id);
    const tree = await spaceTree(this.deps.db);
    const contents = [
      { kind: 'child spaces', ids: tree.children(id) },
      ...(await Promise.all(
        this.deps.occupants.map(async (occupants) => ({
          kind: occupants.kind,
          ids: await occupants.idsIn(id),
        })),
      )),
    ].filter(({ ids }) => ids.length > 0);
    if (contents.length > 0) throw notEmpty(id, contents);
    const space = await removeSpace(
      this.deps.db,
      id,
      () =>
        new ConflictError(
          `something was put in space "${id}" while it was being deleted; delete it again to see what`,
        ),
    );
    if (!space) throw new NotFoundError(`space "${id}" does not exist`);
    return space;
  }

  /** The tree as it is now. */
  tree(): Promise<SpaceTree> {
    return spaceTree(this.deps.db);
  }

  /** Whether `spaceId` is `scopeSpaceId` or one of its descendants. */
  async isWithin(spaceId: string, scopeSpaceId: string): Promise<boolean> {
    return (await this.tree()).isWithin(spaceId, scopeSpaceId);
  }
}

/**
 * The space an entity is given, which must exist: its id, or root when none is given.
 * For the nouns whose entities live in spaces.
 */
export async function existingSpace(
  db: Database,
  space: string | null | undefined,
): Promise<string> {
  const id = space?.trim() || ROOT_SPACE;
  if (!(await spaceById(db, id))) {
    throw new InvalidInputError(
      `space "${id}" does not exist; give the id of an existing space (the spaces query lists them), or leave space out for root`,
    );
  }
  return id;
}

/**
 * Refuses to attach an entity to a stack that cannot see it: a stack may use the entities of
 * its own space, and of the spaces above it for as long as each space inherits entities.
 */
export async function refuseUnreachable(
  db: Database,
  entity: { description: string; space: string },
  stack: { id: string; space: string },
): Promise<void> {
  const tree = await spaceTree(db);
  const visible = tree.visibleFrom(stack.space);
  if (visible.includes(entity.space)) return;
  const remedy = tree.isWithin(stack.space, entity.space)
    ? `, or set inheritEntities on the spaces from "${stack.space}" up to below "${entity.space}"`
    : '';
  throw new InvalidInputError(
    `${entity.description} is in space "${entity.space}", and stack "${stack.id}" in space "${stack.space}" may only use entities of ${visible.map((id) => `"${id}"`).join(', ')}: ` +
      `move ${entity.description} to one of those${remedy}`,
  );
}

function spaceColumns(input: SpaceInput) {
  return {
    name: requiredName(input.name, 'a space'),
    description: input.description ?? '',
    labels: validLabels(input.labels ?? []),
    parentSpaceId: input.parentSpace?.trim() || ROOT_SPACE,
    inheritEntities: input.inheritEntities ?? false,
  };
}

function taken(id: string) {
  return new ConflictError(`a space with id "${id}" exists; choose another name`);
}

function missingParent(parent: string) {
  return new InvalidInputError(
    `parent space "${parent}" does not exist; give the id of an existing space, or leave parentSpace out for root`,
  );
}

function notEmpty(id: string, contents: Array<{ kind: string; ids: string[] }>) {
  const what = contents
    .map(({ kind, ids }) => `${kind} ${ids.map((i) => `"${i}"`).join(', ')}`)
    .join('; ');
  return new ConflictError(
    `space "${id}" is not empty: it holds ${what}; move or delete them first`,
  );
}
