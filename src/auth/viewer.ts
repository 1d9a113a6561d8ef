/** Who is calling the API, as every authorization decision sees them. */
export interface Viewer {
  /** The username: a GitLab username, `api-key/<id>`, or `admin`. */
  id: string;
  name: string;
  admin: boolean;
  /** Team slugs (GitLab group paths), matched against stacks' readers and writers. */
  teams: string[];
  avatarURL: string;
}

/** The holder of GANTRY_ADMIN_TOKEN. */
export const ADMIN_VIEWER: Viewer = {
  id: 'admin',
  name: 'Admin',
  admin: true,
  teams: [],
  avatarURL: '',
};

/** The caller's credentials are missing, expired or not Gantry's. */
export class AuthenticationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuthenticationError';
  }
}

/** The caller is known but may not do this. */
export class ForbiddenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ForbiddenError';
  }
}
