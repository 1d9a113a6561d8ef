import {
  AuthenticationError,
  ConflictError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  UnsupportedError,
  UpstreamError,
} from '../../platform/errors';

export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'CONFLICT'
  | 'UPSTREAM_UNAVAILABLE'
  | 'UNSUPPORTED';

/**
 * The extensions.code of an error of Gantry's own kinds (src/platform/errors.ts), whose
 * messages callers may see; any other error is Gantry's own failure and is not shown.
 */
export function errorCode(error: Error): ErrorCode | undefined {
  if (error instanceof AuthenticationError) return 'UNAUTHENTICATED';
  if (error instanceof ForbiddenError) return 'FORBIDDEN';
  if (error instanceof NotFoundError) return 'NOT_FOUND';
  if (error instanceof InvalidInputError) return 'BAD_USER_INPUT';
  if (error instanceof ConflictError) return 'CONFLICT';
  // The repository or GitLab could not answer: a problem outside Gantry, worth retrying.
  if (error instanceof UpstreamError) return 'UPSTREAM_UNAVAILABLE';
  if (error instanceof UnsupportedError) return 'UNSUPPORTED';
  return undefined;
}
