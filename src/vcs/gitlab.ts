import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import * as tar from 'tar';
import { GitLabError, type GitLabApi, type GitLabCommit } from '../gitlab/api';
import { VcsError, type CommitInfo, type VcsProvider, type Repository } from '.';
import type { SourceCache } from './sourceCache';

// GitLab's default limit is 5 archive downloads a minute per project and user: pauses of 5,
// 10, 20 and 40 s outlast a minute.
const RATE_LIMITED_ATTEMPTS = 5;
const RATE_LIMITED_PAUSE_MS = 5_000;

/**
 * A stack's code on the installation's GitLab, read through its API with the integration's
 * token: the branch HEAD, the commit, and the files at exactly that commit as GitLab's archive.
 * The stack's repository is the project's path, such as `infra/networking`.
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

  async checkout(stack: Repository, commit: string, dir: string): Promise<CommitInfo> {
    requireFullHash(commit);
    if (!this.sources) return this.download(stack, commit, dir);
    return this.sources.checkout(stack, commit, dir, (into) => this.download(stack, commit, into));
  }

  /** The files at `commit`, downloaded as GitLab's archive into the empty directory `dir`. */
  private async download(stack: Repository, commit: string, dir: string): Promise<CommitInfo> {
    const api = await this.client(stack);
    const found = await patiently(() =>
      gitlab(() => api.commit(stack.repository, commit), `commit ${commit}`, stack),
    );
    const archive = await patiently(() =>
      gitlab(() => api.archive(stack.repository, commit), `commit ${commit}`, stack),
    );
    try {
      // GitLab puts everything under one top directory, `<project>-<sha>-<sha>/`.
      await pipeline(Readable.fromWeb(archive as never), tar.x({ cwd: dir, strip: 1 }));
    } catch (error) {
      throw new VcsError(
        `unpacking ${stack.repository} at ${commit} from GitLab: ${(error as Error).message}`,
      );
    }
    return commitInfo(found);
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
 * A checkout's GitLab calls, tried again after a pause when GitLab is rate-limiting: it allows
 * few archive downloads a minute per project, and stacks sharing a project start together.
 */
async function patiently<T>(request: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await request();
    } catch (error) {
      const cause = (error as Error).cause;
      const limited = cause instanceof GitLabError && cause.status === 429;
      if (!limited || attempt >= RATE_LIMITED_ATTEMPTS) throw error;
      await sleep(RATE_LIMITED_PAUSE_MS * 2 ** (attempt - 1));
    }
  }
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
