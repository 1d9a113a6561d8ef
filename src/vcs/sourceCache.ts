import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { CommitInfo, Repository } from '.';

const copy = (from: string, to: string) =>
  promisify(execFile)('cp', ['-PRp', '--', from, to], { env: { PATH: '/usr/bin:/bin' } });

/** Puts the files of a commit into the empty directory `dir`, as a provider's checkout does. */
export type Fetch = (dir: string) => Promise<CommitInfo>;

interface Entry {
  info: CommitInfo;
  lastUsed: number;
}

// A commit is cached under its full hash only: anything else goes to the provider, which
// refuses it, and never becomes a path.
const FULL_HASH = /^([0-9a-f]{40}|[0-9a-f]{64})$/;

/**
 * The commits a worker process checked out, each fetched once and copied into the workspace
 * of every run that needs it: runs of the same commit (the stacks of one repository, a
 * retried run, a tracked and a proposed run of one push) fetch it once between them, which
 * matters most against GitLab, whose archive downloads are rate-limited per project.
 *
 * Runs never see the cache: their sandbox holds their own workspace only, and a workspace
 * gets copies, never links, so nothing a run does reaches the cached files or another run's.
 * An entry is keyed by the repository and the full commit hash, and appears whole or not at
 * all: it is fetched into a directory of its own and renamed into place, and runs of the same
 * commit starting together wait for one fetch. At most `maxCommits` are kept; the least
 * recently used that no run is copying goes first.
 */
export class SourceCache {
  private readonly entries = new Map<string, Entry>();
  private readonly fetching = new Map<string, Promise<Entry>>();
  private readonly copying = new Map<string, number>();

  constructor(
    private readonly dir: string,
    private readonly maxCommits: number,
  ) {}

  /**
   * Puts the files of `repository` at `commit` into the empty directory `target`: a copy of
   * the cached ones, which `fetch` puts in the cache first if they are not there.
   */
  async checkout(
    repository: Repository,
    commit: string,
    target: string,
    fetch: Fetch,
  ): Promise<CommitInfo> {
    const key = keyOf(repository, commit);
    if (!key) return fetch(target);
    this.copying.set(key, (this.copying.get(key) ?? 0) + 1);
    try {
      const { info } = await this.entry(key, fetch);
      // cp(1) copies a tree in one process; fs.cp takes a round through the thread pool per
      // file, slow on a busy worker. Links are copied as links, files as new files.
      await copy(`${this.treeOf(key)}/.`, target);
      return info;
    } finally {
      const left = this.copying.get(key)! - 1;
      if (left === 0) this.copying.delete(key);
      else this.copying.set(key, left);
    }
  }

  /** What `commit` of `repository` is, fetched into the cache if it is not there. */
  async commit(repository: Repository, commit: string, fetch: Fetch): Promise<CommitInfo> {
    const key = keyOf(repository, commit);
    if (key) return (await this.entry(key, fetch)).info;
    const scratch = await fs.mkdtemp(path.join(await this.root(), '.uncached-'));
    try {
      return await fetch(scratch);
    } finally {
      await fs.rm(scratch, { recursive: true, force: true });
    }
  }

  /** How many commits are cached. */
  get size(): number {
    return this.entries.size;
  }

  private treeOf(key: string): string {
    return path.join(this.dir, key, 'tree');
  }

  private async entry(key: string, fetch: Fetch): Promise<Entry> {
    const cached = this.entries.get(key);
    if (cached) {
      cached.lastUsed = Date.now();
      return cached;
    }
    let fetched = this.fetching.get(key);
    if (!fetched) {
      fetched = this.fill(key, fetch).finally(() => this.fetching.delete(key));
      this.fetching.set(key, fetched);
    }
    return fetched;
  }

  /** Fetches a commit into a directory of its own, and renames that into place whole. */
  private async fill(key: string, fetch: Fetch): Promise<Entry> {
    const staging = await fs.mkdtemp(path.join(await this.root(), '.fetching-'));
    try {
      await fs.mkdir(path.join(staging, 'tree'));
      const info = await fetch(path.join(staging, 'tree'));
      await fs.rename(staging, path.join(this.dir, key)).catch((error: unknown) => {
        // Another process sharing the directory put the same commit there first.
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
      });
      const entry = { info, lastUsed: Date.now() };
      this.entries.set(key, entry);
      await this.evict();
      return entry;
    } finally {
      await fs.rm(staging, { recursive: true, force: true });
    }
  }

  private async evict(): Promise<void> {
    const idle = [...this.entries]
      .filter(([key]) => !this.copying.has(key) && !this.fetching.has(key))
      .sort(([, a], [, b]) => a.lastUsed - b.lastUsed);
    for (const [key] of idle.slice(0, Math.max(0, this.entries.size - this.maxCommits))) {
      this.entries.delete(key);
      await fs.rm(path.join(this.dir, key), { recursive: true, force: true });
    }
  }

  private async root(): Promise<string> {
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    return this.dir;
  }
}

/** The cache's name for a commit of a repository; none for anything but a full hash. */
function keyOf(repository: Repository, commit: string): string | undefined {
  if (!FULL_HASH.test(commit)) return undefined;
  const where = createHash('sha256')
    .update(`${repository.provider}\n${repository.repository}`)
    .digest('hex');
  return `${where.slice(0, 16)}-${commit}`;
}
