/** Who is calling the API, as every authorization decision sees them. */
export interface Viewer {
  /** The username: a GitLab username, `api-key/<id>`, `run/<stackId>/<runId>`, or `admin`. */
  id: string;
  name: string;
  admin: boolean;
  /** Team slugs (GitLab group paths), matched against stacks' readers and writers. */
  teams: string[];
  avatarURL: string;
  /**
   * For a run's token, its stack's space: an administrative stack's token is an admin of it and
   * of the spaces under it, and of nothing else. Unset for people, API keys and the admin token.
   */
  spaceScope?: string;
  /**
   * The spaces within spaceScope (it and its descendants), read once per request; unset when
   * the scope is root, which holds every space.
   */
  spacesInScope?: ReadonlySet<string>;
}

/** The holder of GANTRY_ADMIN_TOKEN. */
export const ADMIN_VIEWER: Viewer = {
  id: 'admin',
  name: 'Admin',
  admin: true,
  teams: [],
  avatarURL: '',
};
