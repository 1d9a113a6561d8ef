import { setTimeout as sleep } from 'node:timers/promises';
import { GitLabError, type GitLabApi, type GitLabCommit } from '../gitlab/api';
import { VcsError, type CommitInfo, type ResolvedRef, type VcsProvider, type Repository } from '.';
import { fetchCommit, refNamed } from './rawGit';
import type { SourceCache } from './sourceCache';

// Pauses of 5, 10, 20 and 40 s outlast a minute, the window of GitLab's rate limits.
const RETRIED_ATTEMPTS = 5;
const RETRY_PAUSE_MS = 5_000;

/**
 * Why `repository` is not a GitLab project's full path, or undefined when it is: a namespace
 * and the project's path, such as `infra/networking` or `platform/infra/networking`, each
 * part as GitLab allows it (letters, digits, `_`, `-` and `.`, not starting with `-` or `.`).
 */
export function gitlabProjectProblem(repository: string): string | undefined {
  const parts = repository.split('/');
  const valid =
    parts.length >= 2 &&
    parts.every(
      (part) => /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(part) && !/\.(git|atom)$/.test(part),
    );
  return valid
    ? undefined
    : `repository "${repository}" is not a GitLab project's full path; give the namespace and the project, such as "platform/infra"`;
}

/**
 * A stack's code on the installation's GitLab, read with the integration's token: the branch
 * HEAD and the commit through GitLab's API, and the files at exactly that commit with git over
 * HTTP(S), that one commit alone. (GitLab's archive downloads would be simpler, but GitLab
 * serves a user only 5 a minute.) The stack's repository is the project's path, such as
 * `infra/networking`.
 */
export class GitLabProvider implements VcsProvider {
  /**
   * `api` gives a client with the current token; undefined while GitLab is not set up.
   * `sources`: the commits this process keeps once downloaded, if it keeps them.
   */
  constructor(
    private readonly api: () => Promise<GitLabApi | undefined>,
    private readonly sources?: SourceCache,
  ) {}

  async headOf(stack: Repository, branch: string): Promise<CommitInfo> {
    const api = await this.client(stack);
    return commitInfo(
      await gitlab(() => api.branchHead(stack.repository, branch), `branch "${branch}"`, stack),
    );
  }

  async commit(stack: Repository, sha: string): Promise<CommitInfo> {
    requireFullHash(sha);
    const api = await this.client(stack);
    return commitInfo(
      await gitlab(() => api.commit(stack.repository, sha), `commit ${sha}`, stack),
    );
  }

  /**
   * A branch, a tag or a commit by its hash, each asked of GitLab's API for that kind, the
   * branch and the tag (and for a hash, the commit) at once. GitLab's commit lookup alone would
   * take any revision (`main~1`, `HEAD^`, a merge request's ref) and cannot say a tag from a
   * commit: a tag named `v1` is a tag, and only a hash whose commit GitLab finds is a commit. A
   * ref that names more than one of them is refused: anyone who may push a branch could
   * otherwise have a branch `v8.10.0` stand in for the tag, or `a1b2c3d` for the commit. GitLab
   * looks a short hash up as the branch or tag of that name if there is one, so a branch or tag
   * named like a short hash is refused too; a full hash is always the commit, as git reads it.
   */
  async resolve(stack: Repository, ref: string): Promise<ResolvedRef> {
    const where = `GitLab project "${stack.repository}"`;
    const refused = () =>
      new VcsError(
        `"${ref}" is no branch, tag or commit of ${where}, or the integration's token cannot see it; give a branch name, a tag name or a commit hash (7 to 64 hex digits)`,
      );
    if (!ref.trim() || ref.startsWith('-')) throw refused();
    const api = await this.client(stack);
    const hash = /^[0-9a-f]{7,64}$/.test(ref);
    const [branch, tag, commit] = await Promise.all([
      unlessMissing(() => api.branchHead(stack.repository, ref)),
      unlessMissing(() => api.tag(stack.repository, ref)),
      hash ? unlessMissing(() => api.commit(stack.repository, ref)) : undefined,
    ]);
    if (commit && /^([0-9a-f]{40}|[0-9a-f]{64})$/.test(ref) && commit.id === ref) {
      return { commit: commitInfo(commit), kind: 'commit' };
    }
    const kind = refNamed(ref, where, {
      branch: Boolean(branch),
      tag: Boolean(tag),
      commit: Boolean(commit?.id.startsWith(ref)),
      // GitLab answered for a hash with another commit: the branch's or tag's of that name.
      maybeCommit: commit !== undefined,
    });
    if (kind === 'branch') return { commit: commitInfo(branch!), kind };
    if (kind === 'tag') return { commit: commitInfo(tag!.commit), kind };
    if (kind === 'commit') return { commit: commitInfo(commit!), kind };
    throw refused();
  }

  async checkout(stack: Repository, commit: string, dir: string): Promise<CommitInfo> {
    requireFullHash(commit);
    if (!this.sources) return this.download(stack, commit, dir);
    return this.sources.checkout(stack, commit, dir, (into) => this.download(stack, commit, into));
  }

  /** The files at `commit`, fetched with git into the empty directory `dir`. */
  private async download(stack: Repository, commit: string, dir: string): Promise<CommitInfo> {
    const problem = gitlabProjectProblem(stack.repository);
    if (problem) throw new VcsError(problem);
    const api = await this.client(stack);
    const { url, authorization } = api.gitRemote(stack.repository);
    const [found, fetched] = await Promise.allSettled([
      patiently(() =>
        gitlab(() => api.commit(stack.repository, commit), `commit ${commit}`, stack),
      ),
      // git starts afresh in the same directory after a refusal: `init` keeps what is there.
      patiently(() =>
        fetchCommit(dir, url, commit, {
          protocols: [new URL(url).protocol.slice(0, -1)],
          authorization,
        }),
      ),
    ]);
    // The API says best why a commit cannot be had (no such commit, or no access to it).
    if (found.status === 'rejected') throw found.reason;
    if (fetched.status === 'rejected') throw fetched.reason;
    return commitInfo(found.value);
  }

  private async client(stack: Repository): Promise<GitLabApi> {
    const api = await this.api();
    if (!api) {
      throw new VcsError(
        `stack "${stack.id}" reads its code from GitLab, but Gantry is not connected to GitLab; an admin sets that up with gitlabIntegrationSetup`,
      );
    }
    return api;
  }
}

/**
 * A checkout's GitLab calls, tried again after a pause when GitLab is rate-limiting (stacks
 * sharing a project start together) or cannot answer for now: a run is not failed for a
 * moment in which GitLab was busy or restarting.
 */
async function patiently<T>(request: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await request();
    } catch (error) {
      if (!worthAnotherTry(error) || attempt >= RETRIED_ATTEMPTS) throw error;
      await sleep(RETRY_PAUSE_MS * 2 ** (attempt - 1));
    }
  }
}

/**
 * Whether GitLab may answer another try: it said 429 (too many requests) or a 5xx, to its API
 * client or to git, or did not answer at all.
 */
function worthAnotherTry(error: unknown): boolean {
  const cause = (error as Error).cause;
  if (cause instanceof GitLabError) {
    return cause.kind === 'unreachable' || cause.status === 429 || (cause.status ?? 0) >= 500;
  }
  return /returned error: (429|5\d\d)/.test((error as Error).message);
}

function commitInfo(commit: GitLabCommit): CommitInfo {
  return {
    hash: commit.id,
    message: commit.title,
    authorName: commit.authorName,
    timestamp: new Date(commit.authoredDate),
    url: commit.webUrl,
  };
}

/** GitLab's answer; undefined when GitLab has no such thing (404). */
async function unlessMissing<T>(request: () => Promise<T>): Promise<T | undefined> {
  try {
    return await request();
  } catch (error) {
    if (error instanceof GitLabError && error.status === 404) return undefined;
    throw new VcsError((error as Error).message, { cause: error });
  }
}

/** GitLab's answer, with a missing branch, commit or project said as the run's runner expects. */
async function gitlab<T>(request: () => Promise<T>, what: string, stack: Repository): Promise<T> {
  try {
    return await request();
  } catch (error) {
    if (error instanceof GitLabError && error.status === 404) {
      throw new VcsError(
        `${what} does not exist in GitLab project "${stack.repository}", or the integration's token cannot see it`,
        { cause: error },
      );
    }
    throw new VcsError((error as Error).message, { cause: error });
  }
}

function requireFullHash(commit: string) {
  // SHA-1, or SHA-256 in a repository that uses it.
  if (!/^([0-9a-f]{40}|[0-9a-f]{64})$/.test(commit)) {
    throw new VcsError(`"${commit}" is not a full commit hash (40 or 64 hex digits)`);
  }
}
