import {
  Branches,
  Commits,
  Deployments,
  GitbeakerRequestError,
  GitbeakerRetryError,
  GitbeakerTimeoutError,
  Groups,
  MergeRequestNotes,
  MergeRequests,
  PersonalAccessTokens,
  Projects,
  Tags,
  Users,
} from '@gitbeaker/rest';
import { UpstreamError } from '../../platform/errors';

/**
 * How a token reached Gantry. GitLab documents personal access tokens in the `PRIVATE-TOKEN`
 * header and OAuth tokens as `Authorization: Bearer`, and only personal access tokens answer
 * GET /personal_access_tokens/self. Gantry always knows which one it holds (a pasted token or
 * the OAuth callback), so it says so rather than guessing: trying one header and then the other
 * would double the requests for every bad token and blur why a token was refused.
 * GitLab also takes a personal access token as a Bearer token, so 'oauth' serves either when
 * the kind is unknown; only tokenScopes() and the advice in error messages differ.
 */
export type GitLabTokenKind = 'personal' | 'oauth';

export interface GitLabApiOptions {
  /** GitLab's base URL, e.g. `https://gitlab.com` or `https://example.com/gitlab`. */
  host: string;
  token: string;
  /** Defaults to 'personal'. */
  kind?: GitLabTokenKind;
  /** How long one call may take, every page and gitbeaker's own retries included. */
  timeoutMs?: number;
}

export interface GitLabUser {
  id: number;
  username: string;
  name: string;
  avatarUrl: string;
}

export interface GitLabGroup {
  id: number;
  name: string;
  fullPath: string;
}

export interface GitLabProject {
  pathWithNamespace: string;
  /** Up to MAX_BRANCHES_PER_PROJECT names, the most recently committed first. */
  branches: string[];
}

/** The states GitLab's commit status API takes. */
export type GitLabCommitState = 'pending' | 'running' | 'success' | 'failed' | 'canceled';

export interface GitLabCommitStatus {
  state: GitLabCommitState;
  /** The branch or tag; the status is per commit, ref and name. */
  ref: string;
  name: string;
  targetUrl: string;
  description: string;
}

/** A merge request as GitLab lists those of a commit, or shows one. */
export interface GitLabMergeRequest {
  iid: number;
  /** opened, closed, locked or merged. */
  state: string;
  /** Its head commit. */
  sha: string;
}

export interface GitLabNote {
  id: number;
  body: string;
  authorUsername: string;
}

/** The statuses GitLab's deployments API takes; `created` is GitLab's own, before any. */
export type GitLabDeploymentStatus = 'running' | 'success' | 'failed' | 'canceled';

export interface GitLabDeployment {
  environment: string;
  sha: string;
  /** The branch or tag deployed. */
  ref: string;
  /** `ref` is a tag. */
  tag: boolean;
  status: GitLabDeploymentStatus;
}

/** A commit as GitLab's repository API shows it. */
export interface GitLabCommit {
  id: string;
  title: string;
  authorName: string;
  authoredDate: string;
  webUrl: string;
}

/** A tag as GitLab's tags API shows it: its name, the commit it names and its protection. */
export interface GitLabTag {
  name: string;
  /** The tagged commit; for an annotated tag, the commit and not the tag object. */
  commit: GitLabCommit;
  /**
   * Whether one of the project's protected tags covers it, as GitLab matches them (the same
   * name, or a wildcard such as `v*`): only those GitLab lets create it may have set it.
   */
  protected: boolean;
}

interface CommitJson {
  id: string;
  title: string;
  author_name: string;
  authored_date: string;
  web_url: string;
}

function commitOf(json: CommitJson): GitLabCommit {
  return {
    id: json.id,
    title: json.title,
    authorName: json.author_name,
    authoredDate: json.authored_date,
    webUrl: json.web_url,
  };
}

/**
 * - unreachable: no answer at all (connection refused, DNS, timeout); worth retrying later.
 * - unauthorized: GitLab does not accept the token (or OAuth code/client) any more.
 * - forbidden: the token is valid but may not do this, e.g. it lacks a scope.
 * - other: any other answer, including 5xx and rate limits that outlasted gitbeaker's retries.
 */
export type GitLabErrorKind = 'unreachable' | 'unauthorized' | 'forbidden' | 'other';

/**
 * A GitLab call that did not succeed. The message says what Gantry was doing and what to do
 * about it; it never contains the token. gitbeaker's own error is not kept as the cause because
 * its request carries the token's header.
 */
export class GitLabError extends UpstreamError {
  constructor(
    readonly kind: GitLabErrorKind,
    message: string,
    /** GitLab's HTTP status, when it answered. */
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

const DEFAULT_TIMEOUT_MS = 10_000;
/** The branches a project offers when choosing a stack's branch. */
export const MAX_BRANCHES_PER_PROJECT = 20;
/** Branch listings in flight at once: fast for many projects, gentle on GitLab's rate limits. */
const BRANCH_REQUESTS_IN_FLIGHT = 5;
// GitLab's largest page: the fewest requests for long lists.
const PAGE_SIZE = 100;
const GUEST = 10;
// GitLab's branches API sorts by commit date with `sort`, which gitbeaker's types omit.
const newestCommitFirst = { sort: 'updated_desc' };

/**
 * gitbeaker's own client-side limits, per resource, for the endpoints Gantry calls: GitLab's
 * general one and its limit on creating notes. Its default list also names endpoints Gantry
 * never calls (imports, exports, archives, jobs), each matched as a glob on every request.
 */
const RATE_LIMITS = {
  '**': 3_000,
  'projects/*/merge_requests/*/notes': { method: 'post', limit: 300 },
};

/** Gantry's view of one GitLab instance as one token's user sees it, through gitbeaker. */
export class GitLabApi {
  private readonly host: string;
  private readonly token: string;
  private readonly kind: GitLabTokenKind;
  private readonly timeoutMs: number;
  private readonly users: Users;
  private readonly groupsApi: Groups;
  private readonly tokens: PersonalAccessTokens;
  private readonly projectsApi: Projects;
  private readonly branches: Branches;
  private readonly commits: Commits;
  private readonly tags: Tags;
  private readonly mergeRequestsApi: MergeRequests;
  private readonly notes: MergeRequestNotes;
  private readonly deployments: Deployments;

  constructor(options: GitLabApiOptions) {
    this.host = baseUrl(options.host);
    this.token = options.token;
    this.kind = options.kind ?? 'personal';
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    // One resource per need: the all-in-one `Gitlab` bundle builds ~200 of them (~17 ms each time).
    const config = {
      host: this.host,
      queryTimeout: this.timeoutMs,
      rateLimits: RATE_LIMITS,
      ...(this.kind === 'oauth' ? { oauthToken: options.token } : { token: options.token }),
    };
    this.users = new Users(config);
    this.groupsApi = new Groups(config);
    this.tokens = new PersonalAccessTokens(config);
    this.projectsApi = new Projects(config);
    this.branches = new Branches(config);
    this.commits = new Commits(config);
    this.tags = new Tags(config);
    this.mergeRequestsApi = new MergeRequests(config);
    this.notes = new MergeRequestNotes(config);
    this.deployments = new Deployments(config);
  }

  /** The commit at the head of a project's branch. */
  async branchHead(project: string, branch: string): Promise<GitLabCommit> {
    const found = await this.call(`reading branch "${branch}" of ${project} on GitLab`, () =>
      this.branches.show(project, branch),
    );
    return commitOf(found.commit as unknown as CommitJson);
  }

  /**
   * A commit by hash. GitLab takes any revision here (a branch, a tag, `main~1`): callers that
   * mean a hash check that the answer's id starts with it.
   */
  async commit(project: string, sha: string): Promise<GitLabCommit> {
    const found = await this.call(`reading commit ${sha} of ${project} on GitLab`, () =>
      this.commits.show(project, sha),
    );
    return commitOf(found as unknown as CommitJson);
  }

  /**
   * A tag of a project by its name (GET /projects/:id/repository/tags/:tag_name), with whether
   * it is protected: anyone who may read the project's code may read it, Reporters and up.
   */
  async tag(project: string, name: string): Promise<GitLabTag> {
    const found = await this.call(`reading tag "${name}" of ${project} on GitLab`, () =>
      this.tags.show(project, name),
    );
    return {
      name: found.name,
      commit: commitOf(found.commit as unknown as CommitJson),
      protected: found.protected === true,
    };
  }

  /**
   * Where git fetches a project's code, and the `Authorization` header that lets it in: HTTP
   * Basic with the token as the password, under the username GitLab takes for every kind of
   * token (`oauth2`).
   */
  gitRemote(project: string): { url: string; authorization: string } {
    return {
      url: `${this.host}/${project}.git`,
      authorization: `Basic ${Buffer.from(`oauth2:${this.token}`).toString('base64')}`,
    };
  }

  /** The token's user (GET /user). */
  async currentUser(): Promise<GitLabUser> {
    const user = await this.call(`asking GitLab at ${this.host} who the token belongs to`, () =>
      this.users.showCurrentUser(),
    );
    return {
      id: user.id,
      username: user.username,
      name: user.name,
      avatarUrl: user.avatar_url ?? '',
    };
  }

  /** Every group the token's user belongs to, directly or through a parent group. */
  async groups(): Promise<GitLabGroup[]> {
    const groups = await this.call(
      `listing the GitLab groups of the token's user at ${this.host}`,
      () => this.groupsApi.all({ minAccessLevel: GUEST, perPage: PAGE_SIZE }),
    );
    return groups.map((group) => ({ id: group.id, name: group.name, fullPath: group.full_path }));
  }

  /** The scopes of a personal access token (GET /personal_access_tokens/self). */
  async tokenScopes(): Promise<string[]> {
    const token = await this.call(`asking GitLab at ${this.host} which scopes the token has`, () =>
      this.tokens.show(),
    );
    return token.scopes ?? [];
  }

  /**
   * The projects the token's user is a member of, each with its most recently committed
   * branches: one request per page of projects, then one per project.
   */
  async projects(): Promise<GitLabProject[]> {
    const projects = await this.call(
      `listing the GitLab projects of the token's user at ${this.host}`,
      () => this.projectsApi.all({ membership: true, simple: true, perPage: PAGE_SIZE }),
    );
    return mapConcurrently(projects, BRANCH_REQUESTS_IN_FLIGHT, async (project) => ({
      pathWithNamespace: project.path_with_namespace,
      branches: await this.recentBranches(project.id, project.path_with_namespace),
    }));
  }

  private async recentBranches(projectId: number, path: string): Promise<string[]> {
    try {
      const branches = await this.call(
        `listing the branches of project "${path}" at GitLab ${this.host}`,
        () =>
          this.branches.all(projectId, {
            ...newestCommitFirst,
            perPage: MAX_BRANCHES_PER_PROJECT,
            page: 1,
          }),
      );
      return branches.map((branch) => branch.name);
    } catch (error) {
      // A guest of a private project sees the project but not its code.
      if (error instanceof GitLabError && error.kind === 'forbidden') return [];
      throw error;
    }
  }

  /** Runs one gitbeaker call; `action` says what it is for in errors. */
  private async call<T>(action: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw this.explain(action, error);
    }
  }

  private explain(action: string, error: unknown): GitLabError {
    const network = unreachable(action, error, this.timeoutMs);
    if (network) return network;
    const newToken =
      this.kind === 'personal'
        ? 'create a new personal access token with the read_api scope'
        : 'sign in with GitLab again';
    if (error instanceof GitbeakerRequestError) {
      const status = error.cause?.response.status ?? 0;
      const description = error.cause?.description ?? error.message;
      if (status === 401) {
        return new GitLabError(
          'unauthorized',
          `${action}: the token is invalid, expired or revoked; ${newToken}`,
          status,
        );
      }
      if (status === 403 && description === 'insufficient_scope') {
        return new GitLabError(
          'forbidden',
          `${action}: the token lacks the scope this needs; ${
            this.kind === 'personal'
              ? 'create a personal access token with the read_api scope'
              : 'sign in with GitLab again and allow the read_api scope'
          }`,
          status,
        );
      }
      if (status === 403) {
        return new GitLabError(
          'forbidden',
          `${action}: GitLab answered 403 (${description}); ask a GitLab owner for access`,
          status,
        );
      }
      return new GitLabError(
        'other',
        `${action}: GitLab answered ${status} (${description})${status >= 500 ? '; try again later' : ''}`,
        status,
      );
    }
    if (error instanceof GitbeakerRetryError) {
      // gitbeaker retries 429 and 502 itself, ten times within a quarter second.
      const status = Number(/last status code: (\d+)/.exec(error.message)?.[1]) || undefined;
      return new GitLabError(
        'other',
        `${action}: GitLab kept answering ${status ?? 'with an error'} after 10 attempts; try again later`,
        status,
      );
    }
    return new GitLabError('other', `${action}: ${String(error)}`, undefined, { cause: error });
  }

  /**
   * Sets the commit status `name` of a commit on `ref` (POST /projects/:id/statuses/:sha).
   * GitLab updates the pending or running status of that name, or starts a new one.
   */
  async setCommitStatus(project: string, sha: string, status: GitLabCommitStatus): Promise<void> {
    await this.call(
      `setting commit status "${status.name}" of ${sha} in ${project} on GitLab`,
      () =>
        this.commits.editStatus(project, sha, status.state, {
          ref: status.ref,
          name: status.name,
          targetUrl: status.targetUrl,
          description: status.description,
        }),
    );
  }

  /**
   * The merge requests a commit is part of, every page
   * (GET /projects/:id/repository/commits/:sha/merge_requests).
   */
  async commitMergeRequests(project: string, sha: string): Promise<GitLabMergeRequest[]> {
    const found = await this.call(`listing the merge requests of commit ${sha} in ${project}`, () =>
      this.commits.allMergeRequests(project, sha, { perPage: PAGE_SIZE }),
    );
    return found.map((mergeRequest) => ({
      iid: mergeRequest.iid,
      state: mergeRequest.state,
      sha: mergeRequest.sha,
    }));
  }

  /** One merge request of a project (GET /projects/:id/merge_requests/:iid). */
  async mergeRequest(project: string, iid: number): Promise<GitLabMergeRequest> {
    const found = await this.call(`reading merge request !${iid} of ${project} on GitLab`, () =>
      this.mergeRequestsApi.show(project, iid),
    );
    return { iid: found.iid, state: found.state, sha: found.sha };
  }

  /** The notes of a merge request, newest first (GET /projects/:id/merge_requests/:iid/notes). */
  async mergeRequestNotes(project: string, iid: number): Promise<GitLabNote[]> {
    const notes = await this.call(`listing the notes of merge request !${iid} in ${project}`, () =>
      this.notes.all(project, iid, { sort: 'desc', orderBy: 'created_at', perPage: PAGE_SIZE }),
    );
    return notes.map((note) => ({
      id: note.id,
      body: note.body,
      authorUsername: note.author.username,
    }));
  }

  /** Comments on a merge request; the new note's id. */
  async createMergeRequestNote(project: string, iid: number, body: string): Promise<number> {
    const note = await this.call(`commenting on merge request !${iid} in ${project}`, () =>
      this.notes.create(project, iid, body),
    );
    return note.id;
  }

  async editMergeRequestNote(
    project: string,
    iid: number,
    noteId: number,
    body: string,
  ): Promise<void> {
    await this.call(`editing note ${noteId} on merge request !${iid} in ${project}`, () =>
      this.notes.edit(project, iid, noteId, { body }),
    );
  }

  /**
   * Records a deployment of `sha` to `environment`, which GitLab creates if it does not exist
   * yet (POST /projects/:id/deployments); the deployment's id.
   */
  async createDeployment(project: string, deployment: GitLabDeployment): Promise<number> {
    const created = await this.call(
      `recording a deployment of ${deployment.sha} to "${deployment.environment}" in ${project}`,
      () =>
        this.deployments.create(
          project,
          deployment.environment,
          deployment.sha,
          deployment.ref,
          deployment.tag,
          { status: deployment.status },
        ),
    );
    return created.id;
  }

  async setDeploymentStatus(
    project: string,
    deploymentId: number,
    status: GitLabDeploymentStatus,
  ): Promise<void> {
    await this.call(`setting deployment ${deploymentId} in ${project} to ${status}`, () =>
      this.deployments.edit(project, deploymentId, status),
    );
  }
}

export interface OAuthCodeExchange {
  host: string;
  clientId: string;
  clientSecret: string;
  /** The `code` GitLab sent to the redirect URI. */
  code: string;
  /** Exactly the redirect URI the authorization request used. */
  redirectUri: string;
  timeoutMs?: number;
}

/**
 * Trades the code of GitLab's OAuth authorization-code flow for an access token
 * (POST /oauth/token). gitbeaker covers only /api/v4, so this is a plain fetch.
 */
export async function exchangeOAuthCode(options: OAuthCodeExchange): Promise<string> {
  const host = baseUrl(options.host);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const action = `exchanging the GitLab sign-in code at ${host} for a token`;
  let response: Response;
  let body: { access_token?: unknown; error?: unknown; error_description?: unknown };
  try {
    response = await fetch(`${host}/oauth/token`, {
      method: 'POST',
      headers: { accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: options.clientId,
        client_secret: options.clientSecret,
        code: options.code,
        redirect_uri: options.redirectUri,
      }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    body = (await response.json().catch(() => ({}))) as typeof body;
  } catch (error) {
    throw (
      unreachable(action, error, timeoutMs) ??
      new GitLabError('other', `${action}: ${String(error)}`, undefined, { cause: error })
    );
  }
  if (response.ok && typeof body.access_token === 'string') return body.access_token;
  if (body.error === 'invalid_grant') {
    throw new GitLabError(
      'unauthorized',
      `${action}: GitLab does not accept the code (expired, already used or for another redirect URI); sign in again`,
      response.status,
    );
  }
  if (body.error === 'invalid_client') {
    throw new GitLabError(
      'unauthorized',
      `${action}: GitLab does not accept the OAuth application's id and secret; check the GitLab integration's application settings`,
      response.status,
    );
  }
  const detail = typeof body.error === 'string' ? `: ${body.error}` : '';
  throw new GitLabError(
    'other',
    `${action}: GitLab answered ${response.status}${detail}`,
    response.status,
  );
}

export interface OAuthAuthorization {
  host: string;
  clientId: string;
  redirectUri: string;
  /** An unguessable value the callback must get back, against cross-site request forgery. */
  state: string;
  scopes: string[];
}

/** Where to send a person to sign in with GitLab (GET /oauth/authorize). */
export function authorizeUrl(options: OAuthAuthorization): string {
  const query = new URLSearchParams({
    client_id: options.clientId,
    redirect_uri: options.redirectUri,
    response_type: 'code',
    state: options.state,
    scope: options.scopes.join(' '),
  });
  return `${baseUrl(options.host)}/oauth/authorize?${query.toString()}`;
}

function baseUrl(host: string): string {
  return host.replace(/\/+$/, '');
}

/** The error for a request that got no answer, or undefined when GitLab did answer. */
function unreachable(action: string, error: unknown, timeoutMs: number): GitLabError | undefined {
  const advice = 'check the GitLab URL and that GitLab is up';
  if (error instanceof GitbeakerTimeoutError || nameOf(error) === 'TimeoutError') {
    return new GitLabError(
      'unreachable',
      `${action}: GitLab did not answer within ${timeoutMs / 1000} s; ${advice}`,
    );
  }
  // Node's fetch reports every network failure as this TypeError, the reason in its cause.
  if (nameOf(error) === 'TypeError' && (error as Error).message === 'fetch failed') {
    const cause = (error as Error).cause as (Error & { code?: string }) | undefined;
    const reason = cause?.code ?? cause?.message ?? 'no connection';
    return new GitLabError(
      'unreachable',
      `${action}: GitLab did not answer (${reason}); ${advice}`,
      undefined,
      { cause },
    );
  }
  return undefined;
}

// By name, not class: fetch's errors come from Node's realm, another one under jest's sandbox.
function nameOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as Error).name : undefined;
}

/** Like Promise.all over `items.map(fn)`, with at most `limit` calls in flight. */
async function mapConcurrently<T, R>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
