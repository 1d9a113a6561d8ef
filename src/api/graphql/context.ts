import type { StackAccess } from '../../auth/access';
import type { IssuedToken } from '../../auth/tokens';
import type { Viewer } from '../../auth/viewer';
import type { ApiServices } from './services';
import type { Loaders } from './loaders';

/** What every resolver of one request sees. */
export type GraphQLContext = {
  /** Null for a request without a bearer token, which may only log in. */
  viewer: Viewer | null;
  access: StackAccess | null;
  /** The JWT the caller sent, or for the admin token none. */
  token: IssuedToken | null;
  services: ApiServices;
  loaders: Loaders;
};
