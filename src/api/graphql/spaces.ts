import type { Space } from '../../spaces/service';
import type { GraphQLContext } from './context';
import { authenticated, requireAdmin } from './guard';
import type { Resolvers, SpaceAccessLevel } from './types.generated';

/**
 * A space as the caller sees it. Access in Gantry is per stack (teams and access policies), so
 * a space gives admins ADMIN and everyone else READ, unless a stack's own access says more.
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

const levelOf = (context: GraphQLContext): SpaceAccessLevel =>
  authenticated(context).viewer.admin ? 'ADMIN' : 'READ';

/** Spaces: anyone signed in reads them; admins manage the tree. */
export const spaceResolvers: Resolvers = {
  Query: {
    space: async (_parent, { id }, context) => {
      const level = levelOf(context);
      const space = await context.loaders.space.load(id);
      return space ? spaceAs(space, level) : null;
    },
    spaces: async (_parent, _args, context) => {
      const level = levelOf(context);
      return (await context.services.spaces.list()).map((space) => spaceAs(space, level));
    },
  },

  Mutation: {
    spaceCreate: async (_parent, { input }, context) => {
      requireAdmin(context);
      return spaceAs(await context.services.spaces.create(input), 'ADMIN');
    },
    spaceUpdate: async (_parent, { space, input }, context) => {
      requireAdmin(context);
      return spaceAs(await context.services.spaces.update(space, input), 'ADMIN');
    },
    spaceDelete: async (_parent, { space }, context) => {
      requireAdmin(context);
      return spaceAs(await context.services.spaces.delete(space), 'ADMIN');
    },
  },

  Space: {
    parentSpace: (parent) => parent.parentSpaceId,
  },
};
