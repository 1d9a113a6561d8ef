import type { Stack } from '../stacks/tables';
import { UpstreamError } from '../platform/errors';

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

/**
 * Where a stack's code comes from. RAW_GIT is any git remote; the GitLab provider reads the
 * same things through GitLab's API.
 */
export interface VcsProvider {
  /** The commit at the head of `branch` now. */
  headOf(stack: Stack, branch: string): Promise<CommitInfo>;
  /** Puts the repository's files at exactly `commit` into the empty directory `dir`. */
  checkout(stack: Stack, commit: string, dir: string): Promise<CommitInfo>;
}

export class VcsError extends UpstreamError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'VcsError';
  }
}
