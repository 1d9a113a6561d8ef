import type { StackAccess } from '../../auth/access';
import { type Viewer } from '../../auth/viewer';
import type { GraphQLContext } from './context';
import { allStacks } from '../../stacks/store';
import type { Stack } from '../../stacks/service';
import { AuthenticationError, ForbiddenError, NotFoundError } from '../../platform/errors';

/** The caller, who must have sent a valid bearer token, and what they may do with stacks. */
export function authenticated(context: GraphQLContext): { viewer: Viewer; access: StackAccess } {
  if (!context.viewer || !context.access) {
    throw new AuthenticationError(
      'this needs an Authorization: Bearer header with the admin token or a JWT from apiKeyUser or oauthUser',
    );
  }
  return { viewer: context.viewer, access: context.access };
}

export function requireAdmin(context: GraphQLContext): Viewer {
  const { viewer } = authenticated(context);
  if (!viewer.admin) {
    throw new ForbiddenError('only admins may do this; ask an admin, or use an admin API key');
  }
  return viewer;
}

/**
 * The stack, if the caller may read it. A stack they may not read answers exactly as a
 * missing one does, so ids do not leak.
 */
export async function readableStack(context: GraphQLContext, id: string): Promise<Stack> {
  const { access } = authenticated(context);
  const stack = await context.loaders.stack.load(id);
  if (!stack || !(await access.canRead(stack))) {
    throw new NotFoundError(`stack "${id}" does not exist`);
  }
  return stack;
}

/** Every stack the caller may read, by id. */
export async function readableStacks(context: GraphQLContext): Promise<Stack[]> {
  const { access } = authenticated(context);
  const stacks = await allStacks(context.services.db);
  const readable = await Promise.all(stacks.map((stack) => access.canRead(stack)));
  return stacks.filter((_stack, index) => readable[index]);
}

export async function writableStack(context: GraphQLContext, id: string): Promise<Stack> {
  const stack = await readableStack(context, id);
  if (!(await context.access!.canWrite(stack))) {
    throw new ForbiddenError(
      `you may read stack "${id}" but not change it; ask to join its writers team${stack.writersSlug ? ` "${stack.writersSlug}"` : ''}`,
    );
  }
  return stack;
}
