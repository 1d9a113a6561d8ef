/** Gantry has no spaces of Spacelift's: everything is in the one Spacelift calls root. */
export const ROOT_SPACE = 'root';

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
