import type { Space } from '../../spaces/service';
import type { GraphQLContext } from './context';
import { authenticated, isAdminIn, requireAdmin, requireSomeAdmin, spaceOfInput } from './guard';
import type { Resolvers, SpaceAccessLevel } from './types.generated';

/**
 * A space as the caller sees it. Access in Gantry is per stack (teams and access policies), so
 * a space gives its admins ADMIN and everyone else READ, unless a stack's own access says more.
 */
export function spaceAs(space: Space, accessLevel: SpaceAccessLevel) {
  return { ...space, accessLevel };
}

/** The space with this id, which exists: entities name their space by a foreign key. */
export async function loadedSpace(context: GraphQLContext, id: string): Promise<Space> {
  const space = await context.loaders.space.load(id);
  if (!space) throw new Error(`space "${id}" is gone though an entity is in it`);
  return space;
}

/** Each space as the caller sees it: ADMIN where they are an admin, READ elsewhere. */
export const asSeenBy = (context: GraphQLContext) => {
  const { viewer } = authenticated(context);
  return (space: Space) => spaceAs(space, isAdminIn(viewer, space.id) ? 'ADMIN' : 'READ');
};

/**
 * The caller, who must be an admin of the space's parent to change or delete it: a space is its
 * parent's to manage, so a run's token never changes the space its scope starts at, nor moves
 * a space out from under it. Root, which has no parent, is root's.
 */
async function requireParentAdmin(context: GraphQLContext, id: string) {
  requireSomeAdmin(context);
  const space = await context.services.spaces.space(id);
  requireAdmin(context, space.parentSpaceId ?? space.id);
}

/** Spaces: anyone signed in reads them; each space's admins manage the spaces under it. */
export const spaceResolvers: Resolvers = {
  Query: {
    space: async (_parent, { id }, context) => {
      const as = asSeenBy(context);
      const space = await context.loaders.space.load(id);
      return space ? as(space) : null;
    },
    spaces: async (_parent, _args, context) => {
      const as = asSeenBy(context);
      return (await context.services.spaces.list()).map(as);
    },
  },

  Mutation: {
    spaceCreate: async (_parent, { input }, context) => {
      requireAdmin(context, spaceOfInput(input.parentSpace));
      return spaceAs(await context.services.spaces.create(input), 'ADMIN');
    },
    spaceUpdate: async (_parent, { space, input }, context) => {
      await requireParentAdmin(context, space);
      requireAdmin(context, spaceOfInput(input.parentSpace));
      return spaceAs(await context.services.spaces.update(space, input), 'ADMIN');
    },
    spaceDelete: async (_parent, { space }, context) => {
      await requireParentAdmin(context, space);
      return spaceAs(await context.services.spaces.delete(space), 'ADMIN');
    },
  },

  Space: {
    parentSpace: (parent) => parent.parentSpaceId,
  },
};
