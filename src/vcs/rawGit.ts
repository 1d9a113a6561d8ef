import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import type { Stack } from '../db/schema';
import { VcsError, type CommitInfo, type VcsProvider } from './index';

const FIELD = '\x1f';

/**
 * Any git remote — https, ssh or file:// — read with the git CLI. Only the one commit a run
 * needs is fetched, never the history.
 */
export class RawGitProvider implements VcsProvider {
  async headOf(stack: Stack, branch: string): Promise<CommitInfo> {
    const ref = `refs/heads/${branch}`;
    const listing = await git(os.tmpdir())
      .listRemote([stack.repository, ref])
      .catch((error: Error) => {
        throw new VcsError(`reading ${ref} of "${stack.repository}": ${firstLine(error.message)}`);
      });
    const hash = listing.split('\t')[0]?.trim();
    if (!hash) {
      throw new VcsError(`branch "${branch}" does not exist in "${stack.repository}"`);
    }
    const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'gantry-head-'));
    try {
      return await this.checkout(stack, hash, scratch);
    } finally {
      await fs.rm(scratch, { recursive: true, force: true });
    }
  }

  async checkout(stack: Stack, commit: string, dir: string): Promise<CommitInfo> {
    if (!/^[0-9a-f]{40}$/.test(commit)) {
      throw new VcsError(`"${commit}" is not a full commit hash`);
    }
    const repo = git(dir);
    try {
      await repo.init();
      await repo.fetch(['--depth', '1', '--no-tags', stack.repository, commit]);
      await repo.checkout(['--detach', 'FETCH_HEAD']);
      const shown = await repo.show(['-s', `--format=%H${FIELD}%s${FIELD}%an${FIELD}%ct`, 'HEAD']);
      const [hash, message, authorName, timestamp] = shown.trim().split(FIELD);
      return {
        hash: hash!,
        message: message ?? '',
        authorName: authorName ?? '',
        timestamp: new Date(Number(timestamp) * 1000),
        url: '',
      };
    } catch (error) {
      throw new VcsError(
        `fetching commit ${commit} of "${stack.repository}": ${firstLine((error as Error).message)}`,
      );
    }
  }
}

/** git with nothing of the worker's environment but PATH, and never a password prompt. */
function git(dir: string): SimpleGit {
  return simpleGit({
    baseDir: dir,
    allowEnvironment: ['GIT_TERMINAL_PROMPT', 'GIT_CONFIG_NOSYSTEM'],
  }).env({
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: os.tmpdir(),
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
  });
}

function firstLine(message: string): string {
  return message.trim().split('\n')[0] ?? message;
}
