/**
 * The kinds of error Gantry tells its callers about. Every noun throws these (or its own
 * subclasses of them); the API maps each kind to one GraphQL code in src/api/graphql/errors.ts,
 * and the message is shown to the caller as it is, so it says what is wrong and what to do.
 */

/** Every kind is named after its class, and so is every subclass of it. */
abstract class KnownError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The thing asked about does not exist, or the caller may not know that it does. */
export class NotFoundError extends KnownError {}

/** A request the caller may not make as things are; the message says why and what to do. */
export class ConflictError extends KnownError {}

/** Bad input: the message names what is wrong and how to put it right. */
export class InvalidInputError extends KnownError {}

/** The caller is known but may not do this. */
export class ForbiddenError extends KnownError {}

/** The caller's credentials are missing, expired or not Gantry's. */
export class AuthenticationError extends KnownError {}

/** Something outside Gantry (a repository, GitLab) could not answer; trying again may work. */
export class UpstreamError extends KnownError {}

/** A feature of Spacelift's that Gantry does not have; the message says what Gantry has instead. */
export class UnsupportedError extends KnownError {}
