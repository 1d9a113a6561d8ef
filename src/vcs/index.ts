import { UpstreamError } from '../platform/errors';

/** Where a stack's code is: what the repository readers need of a stack. */
export interface Repository {
  id: string;
  provider: 'GITLAB' | 'RAW_GIT';
  /** A git remote, or for GitLab the project's path. */
  repository: string;
}

/** A commit as runs show it (Run.commit). */
export interface CommitInfo {
  hash: string;
  /** The first line of the message. */
  message: string;
  authorName: string;
  authorLogin?: string;
  timestamp: Date;
  url: string;
}

/** What a branch name, tag name or commit hash someone typed names. */
export interface ResolvedRef {
  commit: CommitInfo;
  /** A branch or tag is named as typed; a commit hash names none. */
  kind: 'branch' | 'tag' | 'commit';
}

/**
 * Where a stack's code comes from. RAW_GIT is any git remote; the GitLab provider reads the
 * same things through GitLab's API.
 */
export interface VcsProvider {
  /** The commit at the head of `branch` now. */
  headOf(stack: Repository, branch: string): Promise<CommitInfo>;
  /** The commit `sha` (a full hash) of the repository; VcsError if it has none such. */
  commit(stack: Repository, sha: string): Promise<CommitInfo>;
  /**
   * The commit a branch, a tag or a commit hash of the repository names. A ref that names
   * more than one of them is refused, as a branch could shadow a protected tag; a full hash is
   * always the commit;
   * VcsError if it names none.
   */
  resolve(stack: Repository, ref: string): Promise<ResolvedRef>;
  /** Puts the repository's files at exactly `commit` into the empty directory `dir`. */
  checkout(stack: Repository, commit: string, dir: string): Promise<CommitInfo>;
}

export class VcsError extends UpstreamError {}
