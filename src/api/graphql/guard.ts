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
 * admins of every space. An administrative stack's run token is an admin of its stack's space,
 * `viewer.spaceScope`, and of every space below it (`viewer.spacesInScope`), as Spacelift's
 * administrative stacks are; a token scoped to root is an admin of every space. Any other
 * run's token is no admin.
 */
export function isAdminIn(viewer: Viewer, space: string): boolean {
  if (!viewer.admin) return false;
  if (viewer.spaceScope === undefined || viewer.spaceScope === ROOT_SPACE) return true;
  return viewer.spacesInScope?.has(space) ?? space === viewer.spaceScope;
}

/**
 * Whether the viewer is an admin of what belongs to the whole account and to no space: API
 * keys, sign-ins, the GitLab and Slack integrations. A run's token never is.
 */
export function isAccountAdmin(viewer: Viewer): boolean {
  return viewer.admin && viewer.spaceScope === undefined;
}

/** The caller, who must be an admin of `space` (see isAdminIn). */
export function requireAdmin(context: GraphQLContext, space: string): Viewer {
  const viewer = requireSomeAdmin(context);
  if (!isAdminIn(viewer, space)) {
    throw new ForbiddenError(
      `this run's token is an admin of space "${viewer.spaceScope}" and the spaces under it only, not of "${space}"; manage "${space}" from an administrative stack in it or above it, or with an admin API key`,
    );
  }
  return viewer;
}

/**
 * The caller, who must be an admin of some space: asked before an entity only admins read is
 * looked up, so others learn nothing of which exist.
 */
export function requireSomeAdmin(context: GraphQLContext): Viewer {
  const { viewer } = authenticated(context);
  if (!viewer.admin) {
    throw new ForbiddenError(
      viewer.spaceScope === undefined
        ? 'only admins may do this; ask an admin, or use an admin API key'
        : "only admins may do this, and this run's stack is not administrative; an admin can make it administrative to manage Gantry from its runs",
    );
  }
  return viewer;
}

/** The caller, who must be an admin of the whole account (see isAccountAdmin). */
export function requireAccountAdmin(context: GraphQLContext): Viewer {
  const viewer = requireSomeAdmin(context);
  if (!isAccountAdmin(viewer)) {
    throw new ForbiddenError(
      "this belongs to the whole account, and a run's token is an admin of spaces only; an admin does this with the admin token or an admin API key",
    );
  }
  return viewer;
}

/**
 * The entity (a context or policy, which admins alone read), if the caller is an admin of its
 * space. One in a space beyond a run token's scope answers exactly as a missing one does, so
 * ids do not leak.
 */
export function administered<T extends { space: string }>(
  context: GraphQLContext,
  entity: T | undefined,
  missing: string,
): T {
  const viewer = requireSomeAdmin(context);
  if (!entity || !isAdminIn(viewer, entity.space)) throw new NotFoundError(missing);
  return entity;
}

/** The stack, which the caller may read and must be an admin of. */
export async function administeredStack(context: GraphQLContext, id: string): Promise<Stack> {
  requireSomeAdmin(context);
  const stack = await readableStack(context, id);
  requireAdmin(context, stack.space);
  return stack;
}

/** The space an input names: root when it names none. */
export function spaceOfInput(space: string | null | undefined): string {
  return space?.trim() || ROOT_SPACE;
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
