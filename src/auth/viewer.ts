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
   * For a run's token (an administrative stack's run), the space its admin rights are limited
   * to: its stack's. Unset for people, API keys and the admin token.
   */
  spaceScope?: string;
}

/** The holder of GANTRY_ADMIN_TOKEN. */
export const ADMIN_VIEWER: Viewer = {
  id: 'admin',
  name: 'Admin',
  admin: true,
  teams: [],
  avatarURL: '',
};
