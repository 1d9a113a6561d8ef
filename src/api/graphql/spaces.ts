import { InvalidInputError } from '../../platform/errors';

/** Gantry has no spaces of Spacelift's: everything is in the one Spacelift calls root. */
export const ROOT_SPACE = 'root';

/** Refuses a space other than root, Gantry's only one; null means root. */
export function requireRootSpace(space: string | null | undefined): void {
  if (space && space !== ROOT_SPACE) {
    throw new InvalidInputError(
      `Gantry has one space, "${ROOT_SPACE}": space "${space}" does not exist`,
    );
  }
}

/** The root space as the caller sees it, with their access level in it. */
export function rootSpace(accessLevel: 'READ' | 'WRITE' | 'ADMIN') {
  return {
    id: ROOT_SPACE,
    name: ROOT_SPACE,
    description: '',
    inheritEntities: false,
    parentSpace: null,
    labels: [],
    accessLevel,
  };
}
