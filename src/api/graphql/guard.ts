import type { StackAccess } from '../../auth/access';
import { type Viewer } from '../../auth/viewer';
import type { GraphQLContext } from './context';
import { allStacks } from '../../stacks/store';
import type { Stack } from '../../stacks/service';
import { AuthenticationError, ForbiddenError, NotFoundError } from '../../platform/errors';
import { ROOT_SPACE } from '../../spaces/service';

/** The caller, who must have sent a valid bearer token, and what they may do with stacks. */
export function authenticated(context: GraphQLContext): { viewer: Viewer; access: StackAccess } {
  if (!context.viewer || !context.access) {
    throw new AuthenticationError(
      "this needs an Authorization: Bearer header with the admin token, a JWT from apiKeyUser or oauthUser, or a run's SPACELIFT_API_TOKEN",
    );
  }
  return { viewer: context.viewer, access: context.access };
}

/**
 * Whether the viewer is an admin of what is in `space`: the API's one admin check, asked by
 * requireAdmin and, for each stack, by StackAccess. The admin token and admin API keys are
 * admins of every space. A run's token (an administrative stack's run) is an admin only of its
 * stack's space, `viewer.spaceScope`, as Spacelift's administrative stacks are; what is in no
 * space (API keys, the integrations) counts as root's. Every stack, context and policy is in
 * root today, so a token scoped to root is a full admin; once spaces nest, this is where the
 * spaces under the scope join it.
 */
export function isAdminIn(viewer: Viewer, space: string = ROOT_SPACE): boolean {
  if (!viewer.admin) return false;
  if (viewer.spaceScope === undefined || viewer.spaceScope === ROOT_SPACE) return true;
  return viewer.spaceScope === space;
}

/** The caller, who must be an admin of `space` (see isAdminIn). */
export function requireAdmin(context: GraphQLContext, space: string = ROOT_SPACE): Viewer {
  const { viewer } = authenticated(context);
  if (!isAdminIn(viewer, space)) {
    throw new ForbiddenError(
      viewer.admin
        ? `this run's token is an admin of space "${viewer.spaceScope}" only, not of "${space}"; manage "${space}" from an administrative stack in it, or with an admin API key`
        : 'only admins may do this; ask an admin, or use an admin API key',
    );
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
