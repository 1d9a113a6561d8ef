import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Request, type Response } from 'express';

/**
 * A local HTTP server that speaks the part of GitLab's REST API and OAuth provider Gantry uses,
 * the way GitLab does: /api/v4 paths, `PRIVATE-TOKEN` and `Authorization: Bearer` tokens,
 * scope checks, GitLab's error bodies, offset pagination headers and 429s with Retry-After.
 * Gantry's GitLab client (gitbeaker) runs against it unchanged.
 *
 * New endpoints are entries in `routes` (see the bottom of the file): a method, an Express
 * path, the token scopes GitLab accepts for it, and a handler over the seeded `GitLabData`.
 */

/** GitLab's access levels. */
export const AccessLevel = {
  GUEST: 10,
  REPORTER: 20,
  DEVELOPER: 30,
  MAINTAINER: 40,
  OWNER: 50,
} as const;

export type Visibility = 'private' | 'internal' | 'public';

export interface SeedUser {
  username: string;
  name?: string;
  /** A personal access token for the user. */
  token?: string;
  /** The token's scopes; `['api']` by default. */
  scopes?: string[];
  /** Groups the user is a member of by full path (Developer), or with an access level. */
  groups?: Array<string | { fullPath: string; accessLevel: number }>;
}

export interface SeedToken {
  username: string;
  token: string;
  scopes?: string[];
  /** ISO date (YYYY-MM-DD) after which GitLab refuses the token. */
  expiresAt?: string;
}

export interface SeedGroup {
  fullPath: string;
  name?: string;
  visibility?: Visibility;
}

export interface SeedBranch {
  name: string;
  committedAt: string | Date;
  commitId?: string;
  message?: string;
}

export interface SeedProject {
  /** `group/subgroup/project`, or `username/project` for a personal project. */
  pathWithNamespace: string;
  name?: string;
  visibility?: Visibility;
  /** The first branch unless given. */
  defaultBranch?: string;
  branches?: SeedBranch[];
  /** Direct members besides those the namespace's groups give. */
  members?: Array<string | { username: string; accessLevel: number }>;
  /**
   * A real git repository whose branches, commits and files the project serves, read live:
   * commits made to it later show up as pushes would. `branches` is ignored then.
   */
  repositoryDir?: string;
}

export interface SeedProtectedTag {
  /** The project's path_with_namespace. */
  project: string;
  /** A tag name, or a wildcard such as `v*` or `release-*`. */
  name: string;
}

export interface GitLabProtectedTagRecord {
  id: number;
  name: string;
}

export interface SeedOAuthApp {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** The scopes the application was registered with; every scope when not given. */
  scopes?: string[];
}

export interface SeedMergeRequest {
  /** The project's path_with_namespace. */
  project: string;
  /** The next free iid of the project unless given. */
  iid?: number;
  title?: string;
  sourceBranch: string;
  targetBranch?: string;
  author: string;
  /** opened unless given. */
  state?: GitLabMergeRequestRecord['state'];
}

export interface GitLabCommitStatusRecord {
  id: number;
  projectId: number;
  sha: string;
  ref: string;
  name: string;
  status: 'created' | 'pending' | 'running' | 'success' | 'failed' | 'canceled';
  targetUrl: string | null;
  description: string | null;
  author: GitLabUserRecord;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface GitLabNoteRecord {
  id: number;
  body: string;
  author: GitLabUserRecord;
  createdAt: string;
  updatedAt: string;
}

export interface GitLabMergeRequestRecord {
  id: number;
  iid: number;
  projectId: number;
  title: string;
  sourceBranch: string;
  targetBranch: string;
  /** What GitLab's API answers as `state`; tests may close or merge it. */
  state: 'opened' | 'closed' | 'locked' | 'merged';
  author: GitLabUserRecord;
  notes: GitLabNoteRecord[];
  createdAt: string;
}

export interface GitLabEnvironmentRecord {
  id: number;
  projectId: number;
  name: string;
  slug: string;
  createdAt: string;
}

export interface GitLabDeploymentRecord {
  id: number;
  iid: number;
  projectId: number;
  environment: GitLabEnvironmentRecord;
  sha: string;
  ref: string;
  status: 'created' | 'running' | 'success' | 'failed' | 'canceled';
  user: GitLabUserRecord;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

export interface Failure {
  /** 500, 502, 503 or 429 (which carries Retry-After). */
  status: number;
  retryAfterSeconds?: number;
}

export interface LoggedRequest {
  method: string;
  /** Without the query string. */
  path: string;
  query: Record<string, string>;
  /** How the request carried a token, if it did. */
  auth: 'private-token' | 'bearer' | 'query' | 'none';
  status: number;
}

export interface GitLabServer {
  url: string;
  close(): Promise<void>;
  addUser(user: SeedUser): GitLabUserRecord;
  addToken(token: SeedToken): void;
  revokeToken(token: string): void;
  addGroup(group: SeedGroup): GitLabGroupRecord;
  addProject(project: SeedProject): GitLabProjectRecord;
  addOAuthApp(app: SeedOAuthApp): void;
  /** The person whose browser session GET /oauth/authorize sees; none means a sign-in page. */
  signIn(username: string | undefined): void;
  /** A code as /oauth/authorize would issue it to `username` for the app's redirect URI. */
  issueOAuthCode(options: { clientId: string; username: string; scopes: string[] }): string;
  /** The next `count` requests, whatever they are, answer with this failure. */
  failNext(count: number, failure: Failure): void;
  /** GitLab is back: the failures still queued by failNext are dropped. */
  recover(): void;
  /** Every request in the order it arrived. */
  readonly requests: LoggedRequest[];
  /** A merge request the token users can comment on. */
  addMergeRequest(mergeRequest: SeedMergeRequest): GitLabMergeRequestRecord;
  /** Protects a tag name or wildcard of a project, as Settings → Repository → Protected tags does. */
  protectTag(protectedTag: SeedProtectedTag): GitLabProtectedTagRecord;
  /** Every commit status, merge request, environment and deployment, as GitLab keeps them. */
  readonly commitStatuses: readonly GitLabCommitStatusRecord[];
  readonly mergeRequests: readonly GitLabMergeRequestRecord[];
  readonly environments: readonly GitLabEnvironmentRecord[];
  readonly deployments: readonly GitLabDeploymentRecord[];
}

export interface GitLabUserRecord {
  id: number;
  username: string;
  name: string;
  email: string;
  namespaceId: number;
  createdAt: string;
  /** Direct group memberships by group id. */
  groups: Map<number, number>;
}

export interface GitLabGroupRecord {
  id: number;
  name: string;
  path: string;
  fullPath: string;
  parentId: number | null;
  visibility: Visibility;
  createdAt: string;
}

export interface GitLabBranchRecord {
  name: string;
  committedAt: string;
  commitId: string;
  message: string;
}

export interface GitLabProjectRecord {
  id: number;
  name: string;
  path: string;
  pathWithNamespace: string;
  namespace: { kind: 'group'; group: GitLabGroupRecord } | { kind: 'user'; user: GitLabUserRecord };
  visibility: Visibility;
  defaultBranch: string;
  branches: GitLabBranchRecord[];
  /** Direct memberships by user id. */
  members: Map<number, number>;
  createdAt: string;
  repositoryDir?: string;
  /** Settings → Repository → Protected tags, in the order they were added. */
  protectedTags: GitLabProtectedTagRecord[];
}

interface TokenRecord {
  kind: 'personal' | 'oauth';
  id: number;
  name: string;
  user: GitLabUserRecord;
  scopes: string[];
  createdAt: string;
  expiresAt: string | null;
  revoked: boolean;
}

interface OAuthAppRecord extends Required<SeedOAuthApp> {
  id: number;
}

interface OAuthCodeRecord {
  app: OAuthAppRecord;
  user: GitLabUserRecord;
  scopes: string[];
  redirectUri: string;
}

const ALL_SCOPES = [
  'api',
  'read_api',
  'read_user',
  'read_repository',
  'write_repository',
  'read_registry',
  'write_registry',
  'sudo',
  'admin_mode',
  'openid',
  'profile',
  'email',
];
const READ_API = ['api', 'read_api'];
const OAUTH_TOKEN_LIFETIME_SECONDS = 7200;

/** Everything the fake GitLab knows, with GitLab's rules for who sees what. */
class GitLabData {
  private nextId = 1;
  readonly users = new Map<string, GitLabUserRecord>();
  readonly groups = new Map<string, GitLabGroupRecord>();
  readonly projects = new Map<number, GitLabProjectRecord>();
  readonly tokens = new Map<string, TokenRecord>();
  readonly apps = new Map<string, OAuthAppRecord>();
  readonly codes = new Map<string, OAuthCodeRecord>();
  readonly commitStatuses: GitLabCommitStatusRecord[] = [];
  readonly mergeRequests: GitLabMergeRequestRecord[] = [];
  readonly environments: GitLabEnvironmentRecord[] = [];
  readonly deployments: GitLabDeploymentRecord[] = [];
  signedIn: GitLabUserRecord | undefined;

  constructor(readonly url: () => string) {}

  id(): number {
    return this.nextId++;
  }

  addUser(seed: SeedUser): GitLabUserRecord {
    if (this.users.has(seed.username)) throw new Error(`user "${seed.username}" exists`);
    const user: GitLabUserRecord = {
      id: this.id(),
      username: seed.username,
      name: seed.name ?? seed.username,
      email: `${seed.username}@example.com`,
      namespaceId: this.id(),
      createdAt: new Date().toISOString(),
      groups: new Map(),
    };
    this.users.set(user.username, user);
    for (const membership of seed.groups ?? []) {
      const { fullPath, accessLevel } =
        typeof membership === 'string'
          ? { fullPath: membership, accessLevel: AccessLevel.DEVELOPER }
          : membership;
      user.groups.set(this.addGroup({ fullPath }).id, accessLevel);
    }
    if (seed.token)
      this.addToken({ username: user.username, token: seed.token, scopes: seed.scopes });
    return user;
  }

  user(username: string): GitLabUserRecord {
    const user = this.users.get(username);
    if (!user) throw new Error(`no user "${username}": add it first`);
    return user;
  }

  addToken(seed: SeedToken, kind: TokenRecord['kind'] = 'personal'): void {
    this.tokens.set(seed.token, {
      kind,
      id: this.id(),
      name: kind === 'personal' ? `${seed.username}-token` : 'oauth',
      user: this.user(seed.username),
      scopes: seed.scopes ?? ['api'],
      createdAt: new Date().toISOString(),
      expiresAt: seed.expiresAt ?? null,
      revoked: false,
    });
  }

  /** Finds the group, creating it and its parents as needed. */
  addGroup(seed: SeedGroup): GitLabGroupRecord {
    const existing = this.groups.get(seed.fullPath);
    if (existing) return existing;
    const segments = seed.fullPath.split('/');
    const path = segments.pop() as string;
    const parent = segments.length > 0 ? this.addGroup({ fullPath: segments.join('/') }) : null;
    const group: GitLabGroupRecord = {
      id: this.id(),
      name: seed.name ?? path,
      path,
      fullPath: seed.fullPath,
      parentId: parent?.id ?? null,
      visibility: seed.visibility ?? 'private',
      createdAt: new Date().toISOString(),
    };
    this.groups.set(group.fullPath, group);
    return group;
  }

  addProject(seed: SeedProject): GitLabProjectRecord {
    const segments = seed.pathWithNamespace.split('/');
    const path = segments.pop() as string;
    const namespacePath = segments.join('/');
    const owner = this.users.get(namespacePath);
    const project: GitLabProjectRecord = {
      id: this.id(),
      name: seed.name ?? path,
      path,
      pathWithNamespace: seed.pathWithNamespace,
      namespace: owner
        ? { kind: 'user', user: owner }
        : { kind: 'group', group: this.addGroup({ fullPath: namespacePath }) },
      visibility: seed.visibility ?? 'private',
      defaultBranch: seed.defaultBranch ?? seed.branches?.[0]?.name ?? 'main',
      branches: (seed.branches ?? []).map((branch) => ({
        name: branch.name,
        committedAt: new Date(branch.committedAt).toISOString(),
        commitId:
          branch.commitId ??
          createHash('sha1')
            .update(`${seed.pathWithNamespace}:${branch.name}:${String(branch.committedAt)}`)
            .digest('hex'),
        message: branch.message ?? `Update ${branch.name}`,
      })),
      members: new Map(),
      createdAt: new Date().toISOString(),
      ...(seed.repositoryDir ? { repositoryDir: seed.repositoryDir } : {}),
      // GitLab protects no tag of a new project.
      protectedTags: [],
    };
    if (owner) project.members.set(owner.id, AccessLevel.OWNER);
    for (const member of seed.members ?? []) {
      const { username, accessLevel } =
        typeof member === 'string'
          ? { username: member, accessLevel: AccessLevel.DEVELOPER }
          : member;
      project.members.set(this.user(username).id, accessLevel);
    }
    this.projects.set(project.id, project);
    return project;
  }

  addMergeRequest(seed: SeedMergeRequest): GitLabMergeRequestRecord {
    const project = this.findProject(seed.project);
    if (!project) throw new Error(`no project "${seed.project}": add it first`);
    const iids = this.mergeRequests
      .filter((mergeRequest) => mergeRequest.projectId === project.id)
      .map((mergeRequest) => mergeRequest.iid);
    const mergeRequest: GitLabMergeRequestRecord = {
      id: this.id(),
      iid: seed.iid ?? Math.max(0, ...iids) + 1,
      projectId: project.id,
      title: seed.title ?? `Update ${seed.sourceBranch}`,
      sourceBranch: seed.sourceBranch,
      targetBranch: seed.targetBranch ?? project.defaultBranch,
      state: seed.state ?? 'opened',
      author: this.user(seed.author),
      notes: [],
      createdAt: new Date().toISOString(),
    };
    this.mergeRequests.push(mergeRequest);
    return mergeRequest;
  }

  protectTag(seed: SeedProtectedTag): GitLabProtectedTagRecord {
    const project = this.findProject(seed.project);
    if (!project) throw new Error(`no project "${seed.project}": add it first`);
    // GitLab refuses a second rule of the same name ("Name has already been taken").
    if (project.protectedTags.some((found) => found.name === seed.name)) {
      throw new Error(`tag "${seed.name}" of "${seed.project}" is protected already`);
    }
    const record = {
      id: this.id(),
      name: seed.name,
    };
    project.protectedTags.push(record);
    return record;
  }

  group(id: number): GitLabGroupRecord | undefined {
    return [...this.groups.values()].find((group) => group.id === id);
  }

  /** The user's access to a group: direct, or inherited from the nearest ancestor. */
  groupAccess(user: GitLabUserRecord, group: GitLabGroupRecord): number {
    let best = 0;
    for (let at: GitLabGroupRecord | undefined = group; at;) {
      best = Math.max(best, user.groups.get(at.id) ?? 0);
      at = at.parentId === null ? undefined : this.group(at.parentId);
    }
    return best;
  }

  projectAccess(user: GitLabUserRecord, project: GitLabProjectRecord): number {
    const direct = project.members.get(user.id) ?? 0;
    return project.namespace.kind === 'group'
      ? Math.max(direct, this.groupAccess(user, project.namespace.group))
      : direct;
  }

  canSee(user: GitLabUserRecord | undefined, visibility: Visibility, access: number): boolean {
    return (
      visibility === 'public' || (user !== undefined && (visibility === 'internal' || access > 0))
    );
  }

  /** A project by numeric id or URL-decoded full path. */
  findProject(idOrPath: string): GitLabProjectRecord | undefined {
    return /^\d+$/.test(idOrPath)
      ? this.projects.get(Number(idOrPath))
      : [...this.projects.values()].find((project) => project.pathWithNamespace === idOrPath);
  }

  fullName(group: GitLabGroupRecord): string {
    const names: string[] = [];
    for (let at: GitLabGroupRecord | undefined = group; at;) {
      names.unshift(at.name);
      at = at.parentId === null ? undefined : this.group(at.parentId);
    }
    return names.join(' / ');
  }
}

// ---- JSON as GitLab's API entities render it ----

function userJson(data: GitLabData, user: GitLabUserRecord) {
  return {
    ...userBasicJson(data, user),
    created_at: user.createdAt,
    bio: '',
    location: '',
    public_email: null,
    linkedin: '',
    twitter: '',
    discord: '',
    website_url: '',
    organization: '',
    job_title: '',
    pronouns: null,
    bot: false,
    work_information: null,
    local_time: null,
    last_sign_in_at: user.createdAt,
    confirmed_at: user.createdAt,
    last_activity_on: user.createdAt.slice(0, 10),
    email: user.email,
    theme_id: 3,
    color_scheme_id: 1,
    projects_limit: 100000,
    current_sign_in_at: user.createdAt,
    identities: [],
    can_create_group: true,
    can_create_project: true,
    two_factor_enabled: false,
    external: false,
    private_profile: false,
    commit_email: user.email,
  };
}

function groupJson(data: GitLabData, group: GitLabGroupRecord) {
  return {
    id: group.id,
    web_url: `${data.url()}/groups/${group.fullPath}`,
    name: group.name,
    path: group.path,
    description: '',
    visibility: group.visibility,
    share_with_group_lock: false,
    require_two_factor_authentication: false,
    two_factor_grace_period: 48,
    project_creation_level: 'developer',
    auto_devops_enabled: null,
    subgroup_creation_level: 'maintainer',
    emails_disabled: false,
    emails_enabled: true,
    mentions_disabled: null,
    lfs_enabled: true,
    default_branch: null,
    default_branch_protection: 2,
    avatar_url: null,
    request_access_enabled: true,
    full_name: data.fullName(group),
    full_path: group.fullPath,
    created_at: group.createdAt,
    parent_id: group.parentId,
    organization_id: 1,
    shared_runners_setting: 'enabled',
    ldap_cn: null,
    ldap_access: null,
    wiki_access_level: 'enabled',
    marked_for_deletion_on: null,
  };
}

function namespaceJson(data: GitLabData, project: GitLabProjectRecord) {
  if (project.namespace.kind === 'user') {
    const { user } = project.namespace;
    return {
      id: user.namespaceId,
      name: user.name,
      path: user.username,
      kind: 'user',
      full_path: user.username,
      parent_id: null,
      avatar_url: `${data.url()}/uploads/-/system/user/avatar/${user.id}/avatar.png`,
      web_url: `${data.url()}/${user.username}`,
    };
  }
  const { group } = project.namespace;
  return {
    id: group.id,
    name: group.name,
    path: group.path,
    kind: 'group',
    full_path: group.fullPath,
    parent_id: group.parentId,
    avatar_url: null,
    web_url: `${data.url()}/groups/${group.fullPath}`,
  };
}

function projectJson(data: GitLabData, project: GitLabProjectRecord, simple: boolean) {
  const namespace = namespaceJson(data, project);
  const host = new URL(data.url()).host;
  const lastActivity = project.branches
    .map((branch) => branch.committedAt)
    .reduce((latest, at) => (at > latest ? at : latest), project.createdAt);
  const simpleFields = {
    id: project.id,
    description: null,
    name: project.name,
    name_with_namespace: `${project.namespace.kind === 'group' ? data.fullName(project.namespace.group) : namespace.name} / ${project.name}`,
    path: project.path,
    path_with_namespace: project.pathWithNamespace,
    created_at: project.createdAt,
    default_branch: project.defaultBranch,
    tag_list: [],
    topics: [],
    ssh_url_to_repo: `git@${host}:${project.pathWithNamespace}.git`,
    http_url_to_repo: `${data.url()}/${project.pathWithNamespace}.git`,
    web_url: `${data.url()}/${project.pathWithNamespace}`,
    readme_url: null,
    forks_count: 0,
    avatar_url: null,
    star_count: 0,
    last_activity_at: lastActivity,
    namespace,
  };
  if (simple) return simpleFields;
  // The full entity has many more fields; these are the ones Gantry might read.
  return {
    ...simpleFields,
    visibility: project.visibility,
    archived: false,
    empty_repo: project.branches.length === 0,
    issues_enabled: true,
    merge_requests_enabled: true,
    jobs_enabled: true,
  };
}

/**
 * The project the route's :id names, if the caller may read its code (Reporter in a private
 * project); otherwise GitLab's answer has been sent.
 */
function readableProject({ data, user, param, notFound, forbidden }: RouteContext) {
  const project = data.findProject(param('id'));
  const access = project && user ? data.projectAccess(user, project) : 0;
  if (!project || !data.canSee(user, project.visibility, access)) {
    notFound('Project');
    return undefined;
  }
  if (project.visibility === 'private' && access < AccessLevel.REPORTER) {
    forbidden();
    return undefined;
  }
  return project;
}

function branchJson(data: GitLabData, project: GitLabProjectRecord, branch: GitLabBranchRecord) {
  const [title = ''] = branch.message.split('\n');
  return {
    name: branch.name,
    merged: false,
    protected: branch.name === project.defaultBranch,
    default: branch.name === project.defaultBranch,
    developers_can_push: false,
    developers_can_merge: false,
    can_push: true,
    web_url: `${data.url()}/${project.pathWithNamespace}/-/tree/${branch.name}`,
    commit: {
      id: branch.commitId,
      short_id: branch.commitId.slice(0, 8),
      created_at: branch.committedAt,
      parent_ids: [],
      title,
      message: branch.message,
      author_name: 'Ada Lovelace',
      author_email: 'ada@example.com',
      authored_date: branch.committedAt,
      committer_name: 'Ada Lovelace',
      committer_email: 'ada@example.com',
      committed_date: branch.committedAt,
      trailers: {},
      extended_trailers: {},
      web_url: `${data.url()}/${project.pathWithNamespace}/-/commit/${branch.commitId}`,
    },
  };
}

// ---- A project's repository, from a real git repository when it has one ----

const FIELD = '\x1f';

function git(dir: string, args: string[]): Buffer {
  return execFileSync('git', args, { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'] });
}

function branchesOf(project: GitLabProjectRecord): GitLabBranchRecord[] {
  if (!project.repositoryDir) return project.branches;
  // The name under refs/heads/, as GitLab names branches: `refname:short` says `heads/v1` for
  // a branch that a tag shares its name with.
  const format = [
    '%(refname:lstrip=2)',
    '%(objectname)',
    '%(committerdate:iso-strict)',
    '%(contents)',
  ];
  return git(project.repositoryDir, [
    'for-each-ref',
    `--format=${format.join(FIELD)}${FIELD}${FIELD}`,
    'refs/heads',
  ])
    .toString()
    .split(`${FIELD}${FIELD}\n`)
    .filter(Boolean)
    .map((line) => {
      const [name, commitId, committedAt, message] = line.split(FIELD);
      return {
        name: name!,
        commitId: commitId!,
        committedAt: new Date(committedAt!).toISOString(),
        message: message!.trim(),
      };
    });
}

/**
 * A commit, by hash or branch name, as GET /projects/:id/repository/commits/:sha renders it;
 * undefined if the repository has no such commit.
 */
function commitJson(data: GitLabData, project: GitLabProjectRecord, ref: string) {
  if (!project.repositoryDir || ref.startsWith('-')) return undefined;
  const sha = `${ref}^{commit}`;
  const format = ['%H', '%h', '%s', '%B', '%an', '%ae', '%aI', '%cn', '%ce', '%cI', '%P'];
  let shown: string;
  try {
    shown = git(project.repositoryDir, [
      'show',
      '-s',
      `--format=${format.join(FIELD)}`,
      sha,
    ]).toString();
  } catch {
    return undefined;
  }
  const [
    id,
    shortId,
    title,
    message,
    authorName,
    authorEmail,
    authored,
    committerName,
    committerEmail,
    committed,
    parents,
  ] = shown.split(FIELD);
  return {
    id: id!,
    short_id: shortId!,
    created_at: committed!,
    parent_ids: parents!.trim() ? parents!.trim().split(' ') : [],
    title: title!,
    message: message!,
    author_name: authorName!,
    author_email: authorEmail!,
    authored_date: authored!,
    committer_name: committerName!,
    committer_email: committerEmail!,
    committed_date: committed!.trim(),
    trailers: {},
    extended_trailers: {},
    web_url: `${data.url()}/${project.pathWithNamespace}/-/commit/${id!}`,
  };
}

// ---- What GitLab keeps of Gantry's feedback: statuses, notes, deployments ----

/**
 * The project the route's :id names, if the caller may write to it (Developer, as commit
 * statuses and deployments need); otherwise GitLab's answer has been sent.
 */
function developerProject({ data, user, param, notFound, forbidden }: RouteContext) {
  const project = data.findProject(param('id'));
  const access = project && user ? data.projectAccess(user, project) : 0;
  if (!project || !data.canSee(user, project.visibility, access)) {
    notFound('Project');
    return undefined;
  }
  if (access < AccessLevel.DEVELOPER) {
    forbidden();
    return undefined;
  }
  return project;
}

/** A parameter as Grape reads it: from the JSON or form body, else the query string. */
function field(req: Request, name: string): string | undefined {
  const value = (req.body as Record<string, unknown> | undefined)?.[name];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return queryParam(req, name);
}

function hasCommit(data: GitLabData, project: GitLabProjectRecord, sha: string): boolean {
  return (
    branchesOf(project).some((branch) => branch.commitId === sha) ||
    commitJson(data, project, sha)?.id === sha
  );
}

const COMMIT_STATES = ['pending', 'running', 'success', 'failed', 'canceled', 'skipped'];
const UNFINISHED = ['created', 'pending', 'running'];

/**
 * GitLab's state machine for external jobs: the event a state is reached by, and where the
 * status ends up, or undefined when GitLab refuses the transition.
 */
function commitStatusTransition(
  from: GitLabCommitStatusRecord['status'],
  to: string,
): { event: string; status?: GitLabCommitStatusRecord['status'] } {
  switch (to) {
    case 'pending':
      return { event: 'enqueue', ...(from === 'created' ? { status: 'pending' } : {}) };
    case 'running':
      // GitLab enqueues first (quietly skipped when it cannot), then runs.
      return {
        event: 'run',
        ...(from === 'created' || from === 'pending' ? { status: 'running' } : {}),
      };
    case 'success':
      return { event: 'success', ...(UNFINISHED.includes(from) ? { status: 'success' } : {}) };
    case 'failed':
      return { event: 'drop', ...(UNFINISHED.includes(from) ? { status: 'failed' } : {}) };
    default:
      return { event: 'cancel', ...(UNFINISHED.includes(from) ? { status: 'canceled' } : {}) };
  }
}

function commitStatusJson(data: GitLabData, status: GitLabCommitStatusRecord) {
  return {
    id: status.id,
    sha: status.sha,
    ref: status.ref,
    status: status.status,
    name: status.name,
    target_url: status.targetUrl,
    description: status.description,
    created_at: status.createdAt,
    started_at: status.startedAt,
    finished_at: status.finishedAt,
    allow_failure: false,
    coverage: null,
    pipeline_id: status.projectId * 1000 + 1,
    author: userBasicJson(data, status.author),
  };
}

function userBasicJson(data: GitLabData, user: GitLabUserRecord) {
  return {
    id: user.id,
    username: user.username,
    name: user.name,
    state: 'active',
    locked: false,
    avatar_url: `${data.url()}/uploads/-/system/user/avatar/${user.id}/avatar.png`,
    web_url: `${data.url()}/${user.username}`,
  };
}

function noteJson(
  data: GitLabData,
  project: GitLabProjectRecord,
  mergeRequest: GitLabMergeRequestRecord,
  note: GitLabNoteRecord,
) {
  return {
    id: note.id,
    type: null,
    body: note.body,
    attachment: null,
    author: userBasicJson(data, note.author),
    created_at: note.createdAt,
    updated_at: note.updatedAt,
    system: false,
    noteable_id: mergeRequest.id,
    noteable_type: 'MergeRequest',
    project_id: project.id,
    resolvable: false,
    confidential: false,
    internal: false,
    imported: false,
    imported_from: 'none',
    noteable_iid: mergeRequest.iid,
    commands_changes: {},
  };
}

function environmentJson(data: GitLabData, environment: GitLabEnvironmentRecord) {
  const project = data.projects.get(environment.projectId)!;
  return {
    id: environment.id,
    name: environment.name,
    slug: environment.slug,
    external_url: null,
    created_at: environment.createdAt,
    updated_at: environment.createdAt,
    tier: 'other',
    state: 'available',
    auto_stop_at: null,
    web_url: `${data.url()}/${project.pathWithNamespace}/-/environments/${environment.id}`,
  };
}

function deploymentJson(data: GitLabData, deployment: GitLabDeploymentRecord) {
  return {
    id: deployment.id,
    iid: deployment.iid,
    ref: deployment.ref,
    sha: deployment.sha,
    created_at: deployment.createdAt,
    updated_at: deployment.updatedAt,
    finished_at: deployment.finishedAt,
    status: deployment.status,
    user: userBasicJson(data, deployment.user),
    environment: environmentJson(data, deployment.environment),
    deployable: null,
    pending_approval_count: 0,
    approvals: [],
  };
}

const DEPLOYMENT_STATUSES = ['running', 'success', 'failed', 'canceled'];

/** Deployment's state machine: run only from created; the others from anything but themselves. */
function deploymentTransition(
  from: GitLabDeploymentRecord['status'],
  to: string,
): { event: string; allowed: boolean } {
  if (to === 'running') return { event: 'run', allowed: from === 'created' };
  const event = to === 'success' ? 'succeed' : to === 'failed' ? 'drop' : 'cancel';
  return { event, allowed: from !== to };
}

/** Grape's answer to missing or invalid parameters, all named in one message. */
function invalidParams(
  req: Request,
  required: string[],
  values: Record<string, string[]> = {},
): string | undefined {
  const problems = required
    .filter((name) => field(req, name) === undefined)
    .map((name) => `${name} is missing`);
  for (const [name, allowed] of Object.entries(values)) {
    const value = field(req, name);
    if (value !== undefined && !allowed.includes(value)) {
      problems.push(`${name} does not have a valid value`);
    }
  }
  return problems.length > 0 ? problems.join(', ') : undefined;
}

/**
 * The commits of a merge request's diff, newest first: those of its source branch that its
 * target branch lacks, as GitLab's merge request diffs keep them.
 */
function mergeRequestCommits(
  project: GitLabProjectRecord,
  mergeRequest: GitLabMergeRequestRecord,
): string[] {
  const head = branchesOf(project).find((branch) => branch.name === mergeRequest.sourceBranch);
  if (!head) return [];
  if (!project.repositoryDir) return [head.commitId];
  try {
    return git(project.repositoryDir, [
      'rev-list',
      `refs/heads/${mergeRequest.targetBranch}..refs/heads/${mergeRequest.sourceBranch}`,
    ])
      .toString()
      .split('\n')
      .filter(Boolean);
  } catch {
    return [head.commitId];
  }
}

/** A merge request as GitLab's lists of merge requests show it (the basic entity). */
function mergeRequestJson(
  data: GitLabData,
  project: GitLabProjectRecord,
  mergeRequest: GitLabMergeRequestRecord,
) {
  const sha = mergeRequestCommits(project, mergeRequest)[0] ?? null;
  const reference = `!${mergeRequest.iid}`;
  return {
    id: mergeRequest.id,
    iid: mergeRequest.iid,
    project_id: project.id,
    title: mergeRequest.title,
    description: '',
    state: mergeRequest.state,
    created_at: mergeRequest.createdAt,
    updated_at: mergeRequest.createdAt,
    merged_by: null,
    merge_user: null,
    merged_at: null,
    closed_by: null,
    closed_at: null,
    target_branch: mergeRequest.targetBranch,
    source_branch: mergeRequest.sourceBranch,
    user_notes_count: mergeRequest.notes.length,
    upvotes: 0,
    downvotes: 0,
    author: userBasicJson(data, mergeRequest.author),
    assignees: [],
    assignee: null,
    reviewers: [],
    source_project_id: project.id,
    target_project_id: project.id,
    labels: [],
    draft: false,
    work_in_progress: false,
    milestone: null,
    merge_when_pipeline_succeeds: false,
    merge_status: 'can_be_merged',
    detailed_merge_status: 'mergeable',
    sha,
    merge_commit_sha: null,
    squash_commit_sha: null,
    discussion_locked: null,
    should_remove_source_branch: null,
    force_remove_source_branch: false,
    reference,
    references: {
      short: reference,
      relative: reference,
      full: `${project.pathWithNamespace}${reference}`,
    },
    web_url: `${data.url()}/${project.pathWithNamespace}/-/merge_requests/${mergeRequest.iid}`,
    time_stats: {
      time_estimate: 0,
      total_time_spent: 0,
      human_time_estimate: null,
      human_total_time_spent: null,
    },
    squash: false,
    squash_on_merge: false,
    task_completion_status: { count: 0, completed_count: 0 },
    has_conflicts: false,
    blocking_discussions_resolved: true,
  };
}

/** Whether the project's repository has the tag. */
function hasTag(project: GitLabProjectRecord, tag: string): boolean {
  if (!project.repositoryDir || tag.startsWith('-')) return false;
  try {
    // The tag by its exact name: no revision syntax (`v1^{}`, `v1~1`), as GitLab finds tags.
    git(project.repositoryDir, ['show-ref', '--verify', '--quiet', `refs/tags/${tag}`]);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether a protected tag's name covers `tag`, as GitLab's RefMatcher reads it: the same name,
 * or a wildcard whose `*` stands for any characters, `/` included; nothing else is special.
 */
function protectedNameCovers(name: string, tag: string): boolean {
  if (name === tag) return true;
  if (!name.includes('*')) return false;
  const quoted = name.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${quoted.join('.*?')}$`).test(tag);
}

/**
 * A tag as GET /projects/:id/repository/tags/:tag_name renders it: `target` is the tag object
 * of an annotated tag (the commit of a lightweight one), `commit` the commit it names, and
 * `message` and `created_at` an annotated tag's own, null for a lightweight one. Undefined if
 * the repository has no such tag.
 */
function tagJson(data: GitLabData, project: GitLabProjectRecord, name: string) {
  if (!hasTag(project, name)) return undefined;
  const format = ['%(objectname)', '%(objecttype)', '%(creatordate:iso-strict)', '%(contents)'];
  const [target, type, createdAt, message] = git(project.repositoryDir as string, [
    'for-each-ref',
    `--format=${format.join(FIELD)}`,
    `refs/tags/${name}`,
  ])
    .toString()
    .split(FIELD);
  const annotated = type === 'tag';
  return {
    name,
    message: annotated ? message!.trimEnd() : null,
    target: target!,
    commit: commitJson(data, project, `refs/tags/${name}`)!,
    release: null,
    protected: project.protectedTags.some((found) => protectedNameCovers(found.name, name)),
    created_at: annotated ? createdAt! : null,
  };
}

function findMergeRequest(data: GitLabData, project: GitLabProjectRecord, iid: string) {
  return data.mergeRequests.find(
    (mergeRequest) => mergeRequest.projectId === project.id && String(mergeRequest.iid) === iid,
  );
}

/** The project and merge request of a merge request's route, if the caller may see them. */
function mergeRequestTarget(context: RouteContext) {
  const { data, user, param, notFound } = context;
  const project = data.findProject(param('id'));
  const access = project && user ? data.projectAccess(user, project) : 0;
  if (!project || !data.canSee(user, project.visibility, access)) {
    notFound('Project');
    return undefined;
  }
  const mergeRequest = findMergeRequest(data, project, param('merge_request_iid'));
  if (!mergeRequest) {
    notFound('Merge Request');
    return undefined;
  }
  return { project, mergeRequest, access };
}

// GitLab's limit on a note's length.
const MAX_NOTE_LENGTH = 1_000_000;

// ---- GitLab's request handling ----

/** What a route handler gets: the request, who made it, and GitLab's ways of answering. */
interface RouteContext {
  req: Request;
  res: Response;
  data: GitLabData;
  /** The token's user; undefined for anonymous requests to routes that allow them. */
  user: GitLabUserRecord | undefined;
  token: TokenRecord | undefined;
  param: (name: string) => string;
  query: (name: string) => string | undefined;
  /** Answers one page of `items` with GitLab's offset pagination headers. */
  paginate: (items: unknown[]) => void;
  notFound: (what?: string) => void;
  forbidden: () => void;
  badRequest: (error: string) => void;
}

interface Route {
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  /**
   * Token scopes GitLab accepts here; 'any' takes any valid token. Anonymous requests get 401
   * unless `anonymous` is set (GitLab then answers with public data only).
   */
  scopes: string[] | 'any';
  anonymous?: boolean;
  handle(context: RouteContext): void;
}

/** A query parameter given once; repeated or bracketed ones are not GitLab's style for these. */
function queryParam(req: Request, name: string): string | undefined {
  const value = req.query[name];
  return typeof value === 'string' ? value : undefined;
}

function message(res: Response, status: number, text: string): void {
  res.status(status).json({ message: text });
}

/** An OAuth token lives two hours; a personal access token until its expiry date. */
function hasExpired(token: TokenRecord): boolean {
  return token.kind === 'oauth'
    ? Date.parse(token.createdAt) + OAUTH_TOKEN_LIFETIME_SECONDS * 1000 < Date.now()
    : token.expiresAt !== null && token.expiresAt < new Date().toISOString().slice(0, 10);
}

/** The token a request carries, looked up in the places GitLab's auth finders look. */
function presentedToken(req: Request): { value?: string; via: LoggedRequest['auth'] } {
  const privateToken = req.get('private-token');
  if (privateToken) return { value: privateToken, via: 'private-token' };
  const bearer = /^Bearer (.+)$/i.exec(req.get('authorization') ?? '')?.[1];
  if (bearer) return { value: bearer, via: 'bearer' };
  const param = queryParam(req, 'private_token') ?? queryParam(req, 'access_token');
  return param ? { value: param, via: 'query' } : { via: 'none' };
}

function authenticate(
  data: GitLabData,
  route: Route,
  req: Request,
  res: Response,
): { ok: true; user?: GitLabUserRecord; token?: TokenRecord } | { ok: false } {
  const presented = presentedToken(req);
  if (!presented.value) {
    if (route.anonymous) return { ok: true };
    message(res, 401, '401 Unauthorized');
    return { ok: false };
  }
  const token = data.tokens.get(presented.value);
  // OAuth tokens are only read from the Authorization header (or access_token parameter).
  if (!token || (token.kind === 'oauth' && presented.via === 'private-token')) {
    message(res, 401, '401 Unauthorized');
    return { ok: false };
  }
  const invalid = (description: string) => {
    res
      .status(401)
      .set(
        'WWW-Authenticate',
        `Bearer realm="Protected by OAuth 2.0", error="invalid_token", error_description="${description}"`,
      )
      .json({ error: 'invalid_token', error_description: description });
    return { ok: false as const };
  };
  if (token.revoked) return invalid('Token was revoked. You have to re-authorize from the user.');
  if (hasExpired(token)) return invalid('Token has expired.');
  if (route.scopes !== 'any' && !token.scopes.some((scope) => route.scopes.includes(scope))) {
    const needed = route.scopes.join(' ');
    const description = 'The request requires higher privileges than provided by the access token.';
    res
      .status(403)
      .set(
        'WWW-Authenticate',
        `Bearer realm="Protected by OAuth 2.0", error="insufficient_scope", error_description="${description}", scope="${needed}"`,
      )
      .json({ error: 'insufficient_scope', error_description: description, scope: needed });
    return { ok: false };
  }
  return { ok: true, user: token.user, token };
}

function paginate(req: Request, res: Response, items: unknown[]): void {
  const page = Math.max(1, Number.parseInt(queryParam(req, 'page') ?? '', 10) || 1);
  const requested = Number.parseInt(queryParam(req, 'per_page') ?? '', 10);
  const perPage = requested > 0 ? Math.min(requested, 100) : 20;
  const totalPages = Math.max(1, Math.ceil(items.length / perPage));
  const pageUrl = (number: number) => {
    const url = new URL(req.originalUrl, `${req.protocol}://${req.get('host')}`);
    url.searchParams.set('page', String(number));
    url.searchParams.set('per_page', String(perPage));
    return url.toString();
  };
  const links = [
    page > 1 ? `<${pageUrl(page - 1)}>; rel="prev"` : undefined,
    page < totalPages ? `<${pageUrl(page + 1)}>; rel="next"` : undefined,
    `<${pageUrl(1)}>; rel="first"`,
    `<${pageUrl(totalPages)}>; rel="last"`,
  ].filter(Boolean);
  res.set({
    'x-page': String(page),
    'x-per-page': String(perPage),
    'x-prev-page': page > 1 ? String(page - 1) : '',
    'x-next-page': page < totalPages ? String(page + 1) : '',
    'x-total': String(items.length),
    'x-total-pages': String(totalPages),
    link: links.join(', '),
  });
  res.json(items.slice((page - 1) * perPage, page * perPage));
}

function oauthError(res: Response, status: number, error: string, description: string): void {
  res
    .status(status)
    .set({ 'cache-control': 'no-store', pragma: 'no-cache' })
    .json({ error, error_description: description });
}

// ---- The routes ----

const routes: Route[] = [
  {
    method: 'get',
    path: '/api/v4/user',
    scopes: ['api', 'read_api', 'read_user'],
    handle: ({ res, data, user }) => {
      res.json(userJson(data, user as GitLabUserRecord));
    },
  },
  {
    method: 'get',
    path: '/api/v4/personal_access_tokens/self',
    // GitLab lets a token of any scope read (and revoke) itself.
    scopes: 'any',
    handle: ({ res, token, notFound }) => {
      if (!token || token.kind !== 'personal') return notFound();
      res.json({
        id: token.id,
        name: token.name,
        revoked: token.revoked,
        created_at: token.createdAt,
        description: null,
        scopes: token.scopes,
        user_id: token.user.id,
        last_used_at: new Date().toISOString(),
        active: true,
        expires_at: token.expiresAt,
      });
    },
  },
  {
    method: 'get',
    path: '/api/v4/groups',
    scopes: READ_API,
    anonymous: true,
    handle: ({ data, user, query, paginate }) => {
      const minAccessLevel = Number(query('min_access_level') ?? 0);
      const groups = [...data.groups.values()]
        .filter((group) => {
          const access = user ? data.groupAccess(user, group) : 0;
          return minAccessLevel > 0
            ? user !== undefined && access >= minAccessLevel
            : data.canSee(user, group.visibility, access);
        })
        .sort((a, b) => a.name.localeCompare(b.name) || a.id - b.id);
      paginate(groups.map((group) => groupJson(data, group)));
    },
  },
  {
    method: 'get',
    path: '/api/v4/projects',
    scopes: READ_API,
    anonymous: true,
    handle: ({ data, user, query, paginate }) => {
      const membership = query('membership') === 'true';
      const minAccessLevel = Number(query('min_access_level') ?? 0);
      const projects = [...data.projects.values()]
        .filter((project) => {
          const access = user ? data.projectAccess(user, project) : 0;
          if (membership || minAccessLevel > 0) {
            return user !== undefined && access > 0 && access >= minAccessLevel;
          }
          return data.canSee(user, project.visibility, access);
        })
        // GitLab's default order: created_at descending.
        .sort((a, b) => b.id - a.id);
      paginate(projects.map((project) => projectJson(data, project, query('simple') === 'true')));
    },
  },
  {
    method: 'get',
    path: '/api/v4/projects/:id/repository/branches',
    scopes: READ_API,
    anonymous: true,
    handle: ({ data, user, param, query, paginate, notFound, forbidden, badRequest }) => {
      const project = data.findProject(param('id'));
      const access = project && user ? data.projectAccess(user, project) : 0;
      if (!project || !data.canSee(user, project.visibility, access)) {
        return notFound('Project');
      }
      // Reading code takes Reporter in a private project.
      if (project.visibility === 'private' && access < AccessLevel.REPORTER) return forbidden();
      const sort = query('sort') ?? 'name_asc';
      const order: Record<string, (a: GitLabBranchRecord, b: GitLabBranchRecord) => number> = {
        name_asc: (a, b) => a.name.localeCompare(b.name),
        updated_asc: (a, b) => a.committedAt.localeCompare(b.committedAt),
        updated_desc: (a, b) => b.committedAt.localeCompare(a.committedAt),
      };
      const compare = order[sort];
      if (!compare) return badRequest('sort does not have a valid value');
      const search = query('search');
      const branches = branchesOf(project)
        .filter((branch) => !search || branch.name.includes(search))
        .sort(compare);
      paginate(branches.map((branch) => branchJson(data, project, branch)));
    },
  },
  // ---- Repository files, branches and commits: what the GitLab VCS provider reads ----
  {
    method: 'get',
    path: '/api/v4/projects/:id/repository/branches/:branch',
    scopes: READ_API,
    anonymous: true,
    handle: (context) => {
      const project = readableProject(context);
      if (!project) return;
      const branch = branchesOf(project).find((found) => found.name === context.param('branch'));
      if (!branch) return context.notFound('Branch');
      context.res.json(branchJson(context.data, project, branch));
    },
  },
  {
    method: 'get',
    path: '/api/v4/projects/:id/repository/commits/:sha',
    scopes: READ_API,
    anonymous: true,
    handle: (context) => {
      const project = readableProject(context);
      if (!project) return;
      const commit = commitJson(context.data, project, context.param('sha'));
      if (!commit) return context.notFound('Commit');
      context.res.json(commit);
    },
  },
  {
    method: 'get',
    path: '/api/v4/projects/:id/repository/tags/:tag_name',
    scopes: READ_API,
    anonymous: true,
    handle: (context) => {
      const project = readableProject(context);
      if (!project) return;
      const tag = tagJson(context.data, project, context.param('tag_name'));
      if (!tag) return context.notFound('Tag');
      context.res.json(tag);
    },
  },
  // ---- Commit statuses, merge requests and their notes, environments and deployments ----
  {
    method: 'post',
    path: '/api/v4/projects/:id/statuses/:sha',
    scopes: ['api'],
    handle: (context) => {
      const { req, res, data, param, notFound, badRequest } = context;
      const project = developerProject(context);
      if (!project) return;
      const sha = param('sha');
      if (!hasCommit(data, project, sha)) return notFound('Commit');
      const invalid = invalidParams(req, ['state'], { state: COMMIT_STATES });
      if (invalid) return badRequest(invalid);
      const ref = field(req, 'ref') ?? branchesOf(project).find((b) => b.commitId === sha)?.name;
      if (!ref) return notFound('References for commit');
      const name = field(req, 'name') ?? field(req, 'context') ?? 'default';
      const user = context.user as GitLabUserRecord;
      // Only a pending or running status of that name is updated; otherwise a new job starts.
      const existing = data.commitStatuses.find(
        (status) =>
          status.projectId === project.id &&
          status.sha === sha &&
          status.ref === ref &&
          status.name === name &&
          status.author === user &&
          (status.status === 'pending' || status.status === 'running'),
      );
      const from = existing?.status ?? 'created';
      const state = field(req, 'state') as string;
      const { event, status: to } = commitStatusTransition(from, state);
      if (!to) {
        return message(
          res,
          400,
          `Cannot transition status via :${event} from :${from} (Reason(s): Status cannot transition via "${event}")`,
        );
      }
      const now = new Date().toISOString();
      const record: GitLabCommitStatusRecord = existing ?? {
        id: data.id(),
        projectId: project.id,
        sha,
        ref,
        name,
        status: 'created',
        targetUrl: null,
        description: null,
        author: user,
        createdAt: now,
        startedAt: null,
        finishedAt: null,
      };
      record.targetUrl = field(req, 'target_url') ?? record.targetUrl;
      record.description = field(req, 'description') ?? record.description;
      record.status = to;
      if (to === 'running') record.startedAt = now;
      if (!UNFINISHED.includes(to)) record.finishedAt = now;
      if (!existing) data.commitStatuses.push(record);
      res.status(201).json(commitStatusJson(data, record));
    },
  },
  {
    method: 'get',
    path: '/api/v4/projects/:id/repository/commits/:sha/statuses',
    scopes: READ_API,
    anonymous: true,
    handle: (context) => {
      const { data, param, query, paginate, notFound } = context;
      const project = readableProject(context);
      if (!project) return;
      const sha = param('sha');
      if (!hasCommit(data, project, sha)) return notFound('Commit');
      const ref = query('ref');
      const name = query('name');
      let statuses = data.commitStatuses.filter(
        (status) =>
          status.projectId === project.id &&
          status.sha === sha &&
          (!ref || status.ref === ref) &&
          (!name || status.name === name),
      );
      // Without `all`, a status started again hides the ones before it.
      if (query('all') !== 'true') {
        statuses = statuses.filter(
          (status) =>
            !statuses.some(
              (later) =>
                later.id > status.id && later.name === status.name && later.ref === status.ref,
            ),
        );
      }
      paginate(statuses.map((status) => commitStatusJson(data, status)));
    },
  },
  {
    method: 'get',
    path: '/api/v4/projects/:id/repository/commits/:sha/merge_requests',
    scopes: READ_API,
    anonymous: true,
    handle: (context) => {
      const { data, param, paginate, notFound } = context;
      const project = readableProject(context);
      if (!project) return;
      const sha = param('sha');
      if (!hasCommit(data, project, sha)) return notFound('Commit');
      // Every merge request whose diff holds the commit, whatever its state, newest first.
      paginate(
        data.mergeRequests
          .filter((mergeRequest) => mergeRequest.projectId === project.id)
          .filter((mergeRequest) => mergeRequestCommits(project, mergeRequest).includes(sha))
          .sort((a, b) => b.id - a.id)
          .map((mergeRequest) => mergeRequestJson(data, project, mergeRequest)),
      );
    },
  },
  {
    method: 'get',
    path: '/api/v4/projects/:id/merge_requests/:merge_request_iid',
    scopes: READ_API,
    anonymous: true,
    handle: (context) => {
      const target = mergeRequestTarget(context);
      if (!target) return;
      const { project, mergeRequest } = target;
      const basic = mergeRequestJson(context.data, project, mergeRequest);
      const targetHead = branchesOf(project).find(
        (branch) => branch.name === mergeRequest.targetBranch,
      )?.commitId;
      // The single merge request's entity: the list's fields and a few more.
      context.res.json({
        ...basic,
        subscribed: false,
        latest_build_started_at: null,
        latest_build_finished_at: null,
        first_deployed_to_production_at: null,
        pipeline: null,
        head_pipeline: null,
        diff_refs: {
          base_sha: targetHead ?? null,
          head_sha: basic.sha,
          start_sha: targetHead ?? null,
        },
        merge_error: null,
        first_contribution: false,
      });
    },
  },
  {
    method: 'get',
    path: '/api/v4/projects/:id/merge_requests/:merge_request_iid/notes',
    scopes: READ_API,
    anonymous: true,
    handle: (context) => {
      const target = mergeRequestTarget(context);
      if (!target) return;
      const { project, mergeRequest } = target;
      const key = context.query('order_by') === 'updated_at' ? 'updatedAt' : 'createdAt';
      const direction = context.query('sort') === 'asc' ? 1 : -1;
      const notes = [...mergeRequest.notes].sort(
        (a, b) => direction * (a[key].localeCompare(b[key]) || a.id - b.id),
      );
      context.paginate(notes.map((note) => noteJson(context.data, project, mergeRequest, note)));
    },
  },
  {
    method: 'post',
    path: '/api/v4/projects/:id/merge_requests/:merge_request_iid/notes',
    scopes: ['api'],
    handle: (context) => {
      const { req, res, data, badRequest } = context;
      const target = mergeRequestTarget(context);
      if (!target) return;
      const { project, mergeRequest } = target;
      const invalid = invalidParams(req, ['body']);
      if (invalid) return badRequest(invalid);
      const body = field(req, 'body') as string;
      if (body.length > MAX_NOTE_LENGTH) {
        return message(
          res,
          400,
          `Note {:note=>["is too long (maximum is ${MAX_NOTE_LENGTH} characters)"]}`,
        );
      }
      const now = new Date().toISOString();
      const note: GitLabNoteRecord = {
        id: data.id(),
        body,
        author: context.user as GitLabUserRecord,
        createdAt: now,
        updatedAt: now,
      };
      mergeRequest.notes.push(note);
      res.status(201).json(noteJson(data, project, mergeRequest, note));
    },
  },
  {
    method: 'put',
    path: '/api/v4/projects/:id/merge_requests/:merge_request_iid/notes/:note_id',
    scopes: ['api'],
    handle: (context) => {
      const { req, res, data, param, forbidden } = context;
      const target = mergeRequestTarget(context);
      if (!target) return;
      const { project, mergeRequest, access } = target;
      const note = mergeRequest.notes.find((found) => String(found.id) === param('note_id'));
      if (!note) return message(res, 404, '404 Not found');
      // Only the note's author, or a Maintainer, may edit it.
      if (note.author !== context.user && access < AccessLevel.MAINTAINER) return forbidden();
      const body = field(req, 'body');
      if (body !== undefined) {
        if (body.length > MAX_NOTE_LENGTH) {
          return message(
            res,
            400,
            `Note {:note=>["is too long (maximum is ${MAX_NOTE_LENGTH} characters)"]}`,
          );
        }
        note.body = body;
        note.updatedAt = new Date().toISOString();
      }
      res.json(noteJson(data, project, mergeRequest, note));
    },
  },
  {
    method: 'get',
    path: '/api/v4/projects/:id/environments',
    scopes: READ_API,
    anonymous: true,
    handle: (context) => {
      const project = readableProject(context);
      if (!project) return;
      const name = context.query('name');
      context.paginate(
        context.data.environments
          .filter((environment) => environment.projectId === project.id)
          .filter((environment) => !name || environment.name === name)
          .map((environment) => environmentJson(context.data, environment)),
      );
    },
  },
  {
    method: 'get',
    path: '/api/v4/projects/:id/deployments',
    scopes: READ_API,
    anonymous: true,
    handle: (context) => {
      const project = readableProject(context);
      if (!project) return;
      const environment = context.query('environment');
      const status = context.query('status');
      const direction = context.query('sort') === 'desc' ? -1 : 1;
      context.paginate(
        context.data.deployments
          .filter((deployment) => deployment.projectId === project.id)
          .filter((deployment) => !environment || deployment.environment.name === environment)
          .filter((deployment) => !status || deployment.status === status)
          .sort((a, b) => direction * (a.id - b.id))
          .map((deployment) => deploymentJson(context.data, deployment)),
      );
    },
  },
  {
    method: 'post',
    path: '/api/v4/projects/:id/deployments',
    scopes: ['api'],
    handle: (context) => {
      const { req, res, data, badRequest } = context;
      const project = developerProject(context);
      if (!project) return;
      const invalid = invalidParams(req, ['environment', 'sha', 'ref', 'tag', 'status'], {
        status: DEPLOYMENT_STATUSES,
        tag: ['true', 'false'],
      });
      if (invalid) return badRequest(invalid);
      const name = field(req, 'environment') as string;
      if (!/^[a-zA-Z0-9 _\-/$.{}]+$/.test(name) || name.startsWith('/') || name.endsWith('/')) {
        return res.status(400).json({
          message: {
            name: [
              "can contain only letters, digits, '-', '_', '/', '$', '{', '}', '.', and spaces, but it cannot start or end with '/'",
            ],
          },
        });
      }
      const sha = field(req, 'sha') as string;
      const ref = field(req, 'ref') as string;
      if (!hasCommit(data, project, sha)) {
        return res.status(400).json({ message: { sha: ['The commit does not exist'] } });
      }
      const known =
        field(req, 'tag') === 'true'
          ? hasTag(project, ref)
          : branchesOf(project).some((branch) => branch.name === ref);
      if (!known) {
        return res.status(400).json({ message: { ref: ['The branch or tag does not exist'] } });
      }
      const now = new Date().toISOString();
      // GitLab finds the environment by name, creating it on the first deployment.
      let environment = data.environments.find(
        (found) => found.projectId === project.id && found.name === name,
      );
      if (!environment) {
        environment = {
          id: data.id(),
          projectId: project.id,
          name,
          slug: name
            .toLowerCase()
            .replace(/[^a-z0-9]+/g, '-')
            .slice(0, 24),
          createdAt: now,
        };
        data.environments.push(environment);
      }
      const status = field(req, 'status') as GitLabDeploymentRecord['status'];
      const deployment: GitLabDeploymentRecord = {
        id: data.id(),
        iid: data.deployments.filter((found) => found.projectId === project.id).length + 1,
        projectId: project.id,
        environment,
        sha,
        ref,
        status,
        user: context.user as GitLabUserRecord,
        createdAt: now,
        updatedAt: now,
        finishedAt: status === 'running' ? null : now,
      };
      data.deployments.push(deployment);
      res.status(201).json(deploymentJson(data, deployment));
    },
  },
  {
    method: 'put',
    path: '/api/v4/projects/:id/deployments/:deployment_id',
    scopes: ['api'],
    handle: (context) => {
      const { req, res, data, param, badRequest } = context;
      const project = developerProject(context);
      if (!project) return;
      const invalid = invalidParams(req, ['status'], { status: DEPLOYMENT_STATUSES });
      if (invalid) return badRequest(invalid);
      const deployment = data.deployments.find(
        (found) => found.projectId === project.id && String(found.id) === param('deployment_id'),
      );
      if (!deployment) return message(res, 404, '404 Not found');
      const status = field(req, 'status') as GitLabDeploymentRecord['status'];
      const { event, allowed } = deploymentTransition(deployment.status, status);
      if (!allowed) {
        return res.status(400).json({ message: { status: [`cannot transition via "${event}"`] } });
      }
      deployment.status = status;
      deployment.updatedAt = new Date().toISOString();
      if (status !== 'running') deployment.finishedAt = deployment.updatedAt;
      res.json(deploymentJson(data, deployment));
    },
  },
];

/**
 * Git over HTTP(S), read-only, as GitLab serves it at `<project path>.git`: HTTP Basic with a
 * token as the password (OAuth tokens only under the username `oauth2`; personal access tokens
 * under any), anonymous reads of public projects, a private project's code for Reporters and
 * up, and any commit fetchable by hash, as Gitaly allows. The smart protocol itself is git's
 * own `git http-backend`.
 */
function gitHttpRoutes(app: express.Express, data: GitLabData): void {
  const denied = (res: Response) =>
    res
      .status(401)
      .set('WWW-Authenticate', 'Basic realm="GitLab"')
      .type('text/plain')
      .send(
        "HTTP Basic: Access denied. If a password was provided for Git authentication, the password was incorrect or you're required to use a token instead of a password.\n",
      );
  app.all(/^\/(.+)\.git\/(info\/refs|git-upload-pack|git-receive-pack)$/, (req, res) => {
    const [, projectPath = '', endpoint = ''] = /^\/(.+)\.git\/(.+)$/.exec(req.path) ?? [];
    const project = data.findProject(projectPath);
    const basic = /^Basic (.+)$/i.exec(req.get('authorization') ?? '')?.[1];
    let user: GitLabUserRecord | undefined;
    if (basic) {
      const decoded = Buffer.from(basic, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const [login, password] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
      const token = colon > 0 ? data.tokens.get(password) : undefined;
      const usable =
        token &&
        !token.revoked &&
        !hasExpired(token) &&
        (token.kind !== 'oauth' || login === 'oauth2') &&
        token.scopes.some((scope) =>
          ['api', 'read_repository', 'write_repository'].includes(scope),
        );
      if (!usable) return denied(res);
      user = token.user;
    }
    const access = project && user ? data.projectAccess(user, project) : 0;
    const readable =
      project?.repositoryDir !== undefined &&
      data.canSee(user, project.visibility, access) &&
      (project.visibility !== 'private' || access >= AccessLevel.REPORTER);
    if (!readable) {
      // Git asks again with credentials when it had none.
      if (!user) return denied(res);
      return res
        .status(404)
        .type('text/plain')
        .send(
          "The project you were looking for could not be found or you don't have permission to view it.\n",
        );
    }
    const service = endpoint === 'info/refs' ? queryParam(req, 'service') : endpoint;
    if (service !== 'git-upload-pack') {
      return res
        .status(403)
        .type('text/plain')
        .send('You are not allowed to push code to this project.\n');
    }
    const backend = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env.PATH,
        GIT_PROJECT_ROOT: project.repositoryDir,
        GIT_HTTP_EXPORT_ALL: '1',
        PATH_INFO: `/${endpoint}`,
        REQUEST_METHOD: req.method,
        QUERY_STRING: new URL(req.originalUrl, 'http://gitlab').search.slice(1),
        CONTENT_TYPE: req.get('content-type') ?? '',
        HTTP_CONTENT_ENCODING: req.get('content-encoding') ?? '',
        GIT_PROTOCOL: req.get('git-protocol') ?? '',
        REMOTE_USER: user?.username ?? '',
        REMOTE_ADDR: req.socket.remoteAddress ?? '',
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_COUNT: '1',
        GIT_CONFIG_KEY_0: 'uploadpack.allowAnySHA1InWant',
        GIT_CONFIG_VALUE_0: 'true',
      },
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    req.pipe(backend.stdin);
    const output: Buffer[] = [];
    backend.stdout.on('data', (chunk: Buffer) => output.push(chunk));
    backend.on('close', () => {
      // A CGI answer: headers (Status among them), a blank line, the body.
      const whole = Buffer.concat(output);
      const end = whole.indexOf('\r\n\r\n');
      if (end < 0) return res.status(500).type('text/plain').send('git http-backend failed\n');
      for (const line of whole.subarray(0, end).toString('latin1').split('\r\n')) {
        const colon = line.indexOf(':');
        const [name, value] = [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
        if (name.toLowerCase() === 'status') res.status(Number.parseInt(value, 10));
        else res.set(name, value);
      }
      res.send(whole.subarray(end + 4));
    });
  });
}

/** GitLab's OAuth provider: the browser's authorize step and the server's token exchange. */
function oauthRoutes(app: express.Express, data: GitLabData): void {
  app.get('/oauth/authorize', (req, res) => {
    const client = data.apps.get(queryParam(req, 'client_id') ?? '');
    const redirectUri = queryParam(req, 'redirect_uri') ?? '';
    // Doorkeeper shows an error page, not a redirect, when it cannot trust the redirect URI.
    if (!client) {
      res
        .status(400)
        .type('html')
        .send(
          '<h1>An error has occurred</h1><p>Client authentication failed due to unknown client.</p>',
        );
      return;
    }
    if (redirectUri !== client.redirectUri) {
      res
        .status(400)
        .type('html')
        .send('<h1>An error has occurred</h1><p>The redirect URI included is not valid.</p>');
      return;
    }
    if (!data.signedIn) {
      res.redirect(302, `${data.url()}/users/sign_in`);
      return;
    }
    const back = new URL(redirectUri);
    const state = queryParam(req, 'state');
    if (state !== undefined) back.searchParams.set('state', state);
    const scopes = (queryParam(req, 'scope') ?? '').split(' ').filter(Boolean);
    if (queryParam(req, 'response_type') !== 'code') {
      back.searchParams.set('error', 'unsupported_response_type');
      back.searchParams.set(
        'error_description',
        'The authorization server does not support this response type.',
      );
    } else if (scopes.length === 0 || !scopes.every((scope) => client.scopes.includes(scope))) {
      back.searchParams.set('error', 'invalid_scope');
      back.searchParams.set(
        'error_description',
        'The requested scope is invalid, unknown, or malformed.',
      );
    } else {
      // The person approved on GitLab's consent page.
      back.searchParams.set(
        'code',
        issueCode(data, { app: client, user: data.signedIn, scopes, redirectUri }),
      );
    }
    res.redirect(302, back.toString());
  });

  app.post('/oauth/token', (req, res) => {
    const body = (req.body ?? {}) as Record<string, string | undefined>;
    const basic = /^Basic (.+)$/i.exec(req.get('authorization') ?? '')?.[1];
    const [basicId, basicSecret] = basic
      ? Buffer.from(basic, 'base64').toString().split(':').map(decodeURIComponent)
      : [];
    const clientApp = data.apps.get(basicId ?? body.client_id ?? '');
    if (!clientApp || clientApp.clientSecret !== (basicSecret ?? body.client_secret)) {
      return oauthError(
        res,
        401,
        'invalid_client',
        'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.',
      );
    }
    if (body.grant_type !== 'authorization_code') {
      return oauthError(
        res,
        400,
        'unsupported_grant_type',
        'The authorization grant type is not supported by the authorization server.',
      );
    }
    if (!body.code) {
      return oauthError(res, 400, 'invalid_request', 'Missing required parameter: code.');
    }
    const code = data.codes.get(body.code);
    if (!code || code.app !== clientApp || code.redirectUri !== body.redirect_uri) {
      return oauthError(
        res,
        400,
        'invalid_grant',
        'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.',
      );
    }
    data.codes.delete(body.code);
    const accessToken = randomBytes(32).toString('hex');
    data.addToken(
      { username: code.user.username, token: accessToken, scopes: code.scopes },
      'oauth',
    );
    res.set({ 'cache-control': 'no-store', pragma: 'no-cache' }).json({
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: OAUTH_TOKEN_LIFETIME_SECONDS,
      refresh_token: randomBytes(32).toString('hex'),
      scope: code.scopes.join(' '),
      created_at: Math.floor(Date.now() / 1000),
    });
  });
}

function issueCode(data: GitLabData, code: OAuthCodeRecord): string {
  const value = randomBytes(32).toString('hex');
  data.codes.set(value, code);
  return value;
}

/** Starts the fake GitLab on a free port of 127.0.0.1. */
export async function startGitLabServer(): Promise<GitLabServer> {
  let url = '';
  const data = new GitLabData(() => url);
  const requests: LoggedRequest[] = [];
  const failures: Failure[] = [];
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.use((req, res, next) => {
    const entry: LoggedRequest = {
      method: req.method,
      path: req.path,
      query: Object.fromEntries(
        Object.keys(req.query).map((key) => [key, queryParam(req, key) ?? '']),
      ),
      auth: presentedToken(req).via,
      status: 0,
    };
    requests.push(entry);
    res.on('finish', () => {
      entry.status = res.statusCode;
    });
    const failure = failures.shift();
    if (!failure) return next();
    if (failure.status === 429) {
      // Rack::Attack's throttle answer.
      res
        .status(429)
        .set({
          'retry-after': String(failure.retryAfterSeconds ?? 60),
          'ratelimit-name': 'throttle_authenticated_api',
          'ratelimit-limit': '2000',
          'ratelimit-observed': '2001',
          'ratelimit-remaining': '0',
          'ratelimit-reset': String(
            Math.floor(Date.now() / 1000) + (failure.retryAfterSeconds ?? 60),
          ),
        })
        .type('text/plain')
        .send('Retry later\n');
    } else if (failure.status === 500) {
      message(res, 500, '500 Internal Server Error');
    } else {
      res.status(failure.status).type('html').send(`<h1>${failure.status}</h1>`);
    }
  });
  app.use(express.json());
  app.use(express.urlencoded({ extended: false }));

  for (const route of routes) {
    app[route.method](route.path, (req, res) => {
      const auth = authenticate(data, route, req, res);
      if (!auth.ok) return;
      route.handle({
        req,
        res,
        data,
        user: auth.user,
        token: auth.token,
        param: (name) => String(req.params[name]),
        query: (name) => queryParam(req, name),
        paginate: (items) => paginate(req, res, items),
        notFound: (what) => message(res, 404, what ? `404 ${what} Not Found` : '404 Not Found'),
        forbidden: () => message(res, 403, '403 Forbidden'),
        badRequest: (error) => {
          res.status(400).json({ error });
        },
      });
    });
  }
  oauthRoutes(app, data);
  gitHttpRoutes(app, data);
  app.use('/api/v4', (_req, res) => message(res, 404, '404 Not Found'));

  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    close: () =>
      new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
    addUser: (user) => data.addUser(user),
    addToken: (token) => data.addToken(token),
    revokeToken: (token) => {
      const record = data.tokens.get(token);
      if (!record) throw new Error('no such token');
      record.revoked = true;
    },
    addGroup: (group) => data.addGroup(group),
    addProject: (project) => data.addProject(project),
    addOAuthApp: (seed) => {
      data.apps.set(seed.clientId, { scopes: ALL_SCOPES, ...seed, id: data.id() });
    },
    signIn: (username) => {
      data.signedIn = username === undefined ? undefined : data.user(username);
    },
    issueOAuthCode: ({ clientId, username, scopes }) => {
      const client = data.apps.get(clientId);
      if (!client) throw new Error(`no OAuth application "${clientId}"`);
      return issueCode(data, {
        app: client,
        user: data.user(username),
        scopes,
        redirectUri: client.redirectUri,
      });
    },
    failNext: (count, failure) => {
      for (let i = 0; i < count; i++) failures.push(failure);
    },
    recover: () => {
      failures.length = 0;
    },
    requests,
    addMergeRequest: (mergeRequest) => data.addMergeRequest(mergeRequest),
    protectTag: (protectedTag) => data.protectTag(protectedTag),
    commitStatuses: data.commitStatuses,
    mergeRequests: data.mergeRequests,
    environments: data.environments,
    deployments: data.deployments,
  };
}
