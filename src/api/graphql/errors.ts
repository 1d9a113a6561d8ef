import { AuthenticationError, ForbiddenError } from '../../auth/viewer';
import { GitLabError } from '../../gitlab/api';
import { LogTokenError } from '../../runs/logs';
import { ConflictError, NotFoundError } from '../../runs/service';
import { InvalidStateError } from '../../state/store';
import { InvalidInputError } from '../../stacks/service';
import { VcsError } from '../../vcs';

export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'CONFLICT'
  | 'UPSTREAM_UNAVAILABLE';

/** The extensions.code of an error of Gantry's own kinds, whose messages callers may see. */
export function errorCode(error: Error): ErrorCode | undefined {
  if (error instanceof AuthenticationError) return 'UNAUTHENTICATED';
  if (error instanceof ForbiddenError) return 'FORBIDDEN';
  if (error instanceof NotFoundError) return 'NOT_FOUND';
  if (error instanceof InvalidInputError || error instanceof InvalidStateError) {
    return 'BAD_USER_INPUT';
  }
  if (error instanceof ConflictError || error instanceof LogTokenError) return 'CONFLICT';
  // The repository or GitLab could not answer: a problem outside Gantry, worth retrying.
  if (error instanceof VcsError || error instanceof GitLabError) return 'UPSTREAM_UNAVAILABLE';
  return undefined;
}
