import { mkdtempSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LRUCache } from 'lru-cache';
import { simpleGit, type SimpleGit } from 'simple-git';
import { runCommand } from '../platform/commands';
import { VcsError, type CommitInfo, type ResolvedRef, type VcsProvider, type Repository } from '.';
import type { SourceCache } from './sourceCache';

const FIELD = '\x1f';
// A remote that has not listed its refs by then is not going to.
const LS_REMOTE_TIMEOUT_MS = 60_000;

export interface RawGitOptions {
  /** Whether file:// repositories (on the worker's own disk) may be read. */
  allowFile?: boolean;
  /** The commits this process keeps once fetched (a process that runs workers keeps them). */
  sources?: SourceCache;
}

const NETWORK_SCHEMES = ['https', 'ssh', 'git'];
// Longer than any remote's URL; git's own arguments have a limit of their own.
const MAX_REPOSITORY_LENGTH = 2_048;

/**
 * Why `repository` may not be read, or undefined when it may: an https://, ssh:// or git://
 * URL, or ssh's `user@host:path`; file:// only where the operator allows it. Nothing that git
 * could take for an option or a transport of its own (`--upload-pack=…`, `ext::…`).
 */
export function repositoryProblem(repository: string, options: RawGitOptions): string | undefined {
  const allowed = [...NETWORK_SCHEMES, ...(options.allowFile ? ['file'] : [])];
  const hint = `use an ${allowed.map((scheme) => `${scheme}://`).join(', ')} URL or user@host:path`;
  if (repository.length > MAX_REPOSITORY_LENGTH) {
    return `repository is ${repository.length} characters long; a git URL of at most ${MAX_REPOSITORY_LENGTH} is expected`;
  }
  if (/^-|[\s\0]/.test(repository)) {
    return `repository "${repository}" is not a git URL; ${hint}`;
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(repository)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    // ssh's scp-like form: user@host:path, with no "::" (git's transport helper syntax).
    if (/^[\w.-]+@[\w.-]+:(?!:)\S+$/.test(repository)) return undefined;
    return `repository "${repository}" is not a URL git may fetch; ${hint}`;
  }
  if (scheme === 'file' && !options.allowFile) {
    return `repository "${repository}" is on the worker's own disk, which this Gantry does not allow (GANTRY_ALLOW_FILE_REPOSITORIES); ${hint}`;
  }
  if (!allowed.includes(scheme)) {
    return `repository "${repository}" uses ${scheme}://, which Gantry does not fetch; ${hint}`;
  }
  return undefined;
}

/**
 * Any git remote — https, ssh, git, and file:// where allowed — read with the git CLI. Only the
 * one commit a run needs is fetched, never the history. The repository always comes after
 * `--`, and git itself refuses other transports (GIT_ALLOW_PROTOCOL), submodules included.
 */
export class RawGitProvider implements VcsProvider {
  /** Commits as git describes them, by repository and hash: a commit never changes. */
  private readonly commits = new LRUCache<string, Promise<CommitInfo>>({ max: 1_000 });
  /** The branch heads being read now, by repository and ref: callers at once share one read. */
  private readonly heads = new Map<string, Promise<string>>();

  constructor(private readonly options: RawGitOptions = {}) {}

  private allowed(stack: Repository): void {
    const problem = repositoryProblem(stack.repository, this.options);
    if (problem) throw new VcsError(problem);
  }

  async headOf(stack: Repository, branch: string): Promise<CommitInfo> {
    this.allowed(stack);
    const ref = `refs/heads/${branch}`;
    const key = `${stack.repository}\0${ref}`;
    let reading = this.heads.get(key);
    if (!reading) {
      reading = this.listHead(stack, branch, ref).finally(() => this.heads.delete(key));
      this.heads.set(key, reading);
    }
    return this.commit(stack, await reading);
  }

  /**
   * A full hash is a commit; anything else is looked up among the remote's branches and its
   * tags (an annotated tag by the commit it points at). A name that is both a branch and a tag
   * is refused, and so is a branch or tag named like a short hash: anyone who may push a branch
   * could otherwise have it stand in for the tag or commit meant. Short hashes cannot be
   * fetched from a remote by themselves, so they are refused with what to give instead.
   */
  async resolve(stack: Repository, ref: string): Promise<ResolvedRef> {
    this.allowed(stack);
    if (/^[0-9a-f]{40}$/.test(ref))
      return { commit: await this.commit(stack, ref), kind: 'commit' };
    if (!/^[\w][\w./-]*$/.test(ref) || ref.includes('..')) {
      throw new VcsError(`"${ref}" is not a branch name, a tag name or a full commit hash`);
    }
    const refs = [`refs/heads/${ref}`, `refs/tags/${ref}`, `refs/tags/${ref}^{}`];
    const listing = await lsRemote(stack.repository, refs, { protocols: this.protocols() }).catch(
      (error: Error) => {
        throw new VcsError(`reading "${ref}" of "${stack.repository}": ${gitSaid(error.message)}`);
      },
    );
    const found = new Map(
      listing
        .split('\n')
        .map((line) => line.split('\t'))
        .filter((fields): fields is [string, string] => fields.length === 2)
        .map(([hash, name]) => [name.trim(), hash.trim()]),
    );
    const branch = found.get(refs[0]!);
    const tag = found.get(refs[2]!) ?? found.get(refs[1]!);
    const named = refNamed(ref, `"${stack.repository}"`, {
      branch: Boolean(branch),
      tag: Boolean(tag),
      commit: false,
      maybeCommit: /^[0-9a-f]{7,39}$/.test(ref),
    });
    if (named === 'branch') return { commit: await this.commit(stack, branch!), kind: 'branch' };
    if (named === 'tag') return { commit: await this.commit(stack, tag!), kind: 'tag' };
    throw new VcsError(
      /^[0-9a-f]{4,39}$/.test(ref)
        ? `"${ref}" is no branch or tag of "${stack.repository}"; for a commit, give its full 40-character hash`
        : `"${ref}" is no branch or tag of "${stack.repository}"`,
    );
  }

  private async listHead(stack: Repository, branch: string, ref: string): Promise<string> {
    const listing = await lsRemote(stack.repository, [ref], { protocols: this.protocols() }).catch(
      (error: Error) => {
        throw new VcsError(`reading ${ref} of "${stack.repository}": ${gitSaid(error.message)}`);
      },
    );
    const hash = listing.split('\t')[0]?.trim();
    if (!hash) {
      throw new VcsError(`branch "${branch}" does not exist in "${stack.repository}"`);
    }
    return hash;
  }

  /**
   * The commit as git describes it, read once per process: a commit never changes. A process
   * that keeps the commits it fetched (a worker) fetches it whole and keeps it, for the run that
   * is likely to follow; another fetches it alone into a scratch repository, not checked out.
   */
  async commit(stack: Repository, sha: string): Promise<CommitInfo> {
    if (!/^[0-9a-f]{40}$/.test(sha)) throw new VcsError(`"${sha}" is not a full commit hash`);
    this.allowed(stack);
    const key = `${stack.repository}\0${sha}`;
    const known = this.commits.get(key);
    if (known) return known;
    const { sources } = this.options;
    const describing = sources
      ? sources.commit(stack, sha, (dir) => this.fetch(stack, sha, dir))
      : this.describe(stack, sha);
    this.commits.set(key, describing);
    // A commit that could not be read is not kept: it may be pushed, or the remote come back.
    describing.catch(() => this.commits.delete(key));
    return describing;
  }

  private async describe(stack: Repository, sha: string): Promise<CommitInfo> {
    const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'gantry-commit-'));
    try {
      const repo = git(scratch, { protocols: this.protocols() });
      await repo.init(true);
      await repo.fetch(['--depth', '1', '--no-tags', '--', stack.repository, sha]);
      return await describeHead(repo, 'FETCH_HEAD');
    } catch (error) {
      throw new VcsError(
        `fetching commit ${sha} of "${stack.repository}": ${gitSaid((error as Error).message)}`,
      );
    } finally {
      await fs.rm(scratch, { recursive: true, force: true });
    }
  }

  async checkout(stack: Repository, commit: string, dir: string): Promise<CommitInfo> {
    const { sources } = this.options;
    if (sources)
      return sources.checkout(stack, commit, dir, (into) => this.fetch(stack, commit, into));
    return this.fetch(stack, commit, dir);
  }

  /** The repository at `commit`, fetched from its remote into the empty directory `dir`. */
  private async fetch(stack: Repository, commit: string, dir: string): Promise<CommitInfo> {
    this.allowed(stack);
    return fetchCommit(dir, stack.repository, commit, { protocols: this.protocols() });
  }

  private protocols(): string[] {
    return [...NETWORK_SCHEMES, ...(this.options.allowFile ? ['file'] : [])];
  }
}

/** The kinds of thing a ref someone typed was found to name in a repository. */
export interface RefMatches {
  /** A branch of exactly that name. */
  branch: boolean;
  /** A tag of exactly that name. */
  tag: boolean;
  /** A commit whose hash starts with the ref. */
  commit: boolean;
  /**
   * Whether the ref could be a commit's short hash that could not be looked for: a remote
   * fetches no short hash, and GitLab looks one up as the branch or tag of that name instead.
   */
  maybeCommit: boolean;
}

/**
 * The one kind a ref names, or undefined when it names none; refused when it names more than
 * one, or names a branch or tag and could be a commit too. `where` is the repository as
 * messages name it.
 */
export function refNamed(
  ref: string,
  where: string,
  matches: RefMatches,
): ResolvedRef['kind'] | undefined {
  const kinds = (['branch', 'tag', 'commit'] as const).filter((kind) => matches[kind]);
  const unsure = matches.maybeCommit && !matches.commit && kinds.length > 0;
  if (kinds.length <= 1 && !unsure) return kinds[0];
  const names = kinds.map((kind) => `a ${kind}`);
  const listed =
    names.length === 1
      ? names[0]!
      : `${names.length === 2 ? 'both ' : ''}${names.slice(0, -1).join(', ')} and ${names.at(-1)!}`;
  const alsoCommit = unsure
    ? `${kinds.length > 1 ? ',' : ''} and could be a commit's short hash too`
    : '';
  throw new VcsError(
    `"${ref}" names ${listed} of ${where}${alsoCommit}; give the commit's full hash to say which`,
  );
}

/** How git may reach a remote: the transports it may use, and a header to send over HTTP. */
export interface GitAccess {
  protocols: string[];
  /** An `Authorization` header value for every HTTP request to the remote. */
  authorization?: string;
}

/**
 * The files of `remote` at `commit`, fetched alone (no history) into the empty directory `dir`
 * and checked out there; nothing about the remote or its credentials is written into `dir`.
 */
export async function fetchCommit(
  dir: string,
  remote: string,
  commit: string,
  access: GitAccess,
): Promise<CommitInfo> {
  if (!/^([0-9a-f]{40}|[0-9a-f]{64})$/.test(commit)) {
    throw new VcsError(`"${commit}" is not a full commit hash`);
  }
  const repo = git(dir, access);
  try {
    await repo.init();
    await repo.fetch(['--depth', '1', '--no-tags', '--', remote, commit]);
    await repo.checkout(['--detach', 'FETCH_HEAD']);
    return await describeHead(repo, 'HEAD');
  } catch (error) {
    throw new VcsError(
      `fetching commit ${commit} of "${remote}": ${gitSaid((error as Error).message)}`,
    );
  }
}

/** The commit `revision` names, as git shows it. */
async function describeHead(repo: SimpleGit, revision: string): Promise<CommitInfo> {
  const shown = await repo.show(['-s', `--format=%H${FIELD}%s${FIELD}%an${FIELD}%ct`, revision]);
  const [hash, message, authorName, timestamp] = shown.trim().split(FIELD);
  return {
    hash: hash!,
    message: message ?? '',
    authorName: authorName ?? '',
    timestamp: new Date(Number(timestamp) * 1000),
    url: '',
  };
}

/**
 * git with nothing of the worker's environment but PATH, no configuration but its own, never a
 * password prompt, and only the allowed transports. A header for the remote is configured
 * through the environment, never on the command line, where other processes could read it.
 */
function git(dir: string, access: GitAccess): SimpleGit {
  const env = gitEnvironment(access);
  return simpleGit({
    baseDir: dir,
    allowEnvironment: Object.keys(env).filter((name) => name.startsWith('GIT_')),
    unsafe: { allowUnsafeConfigEnvCount: Boolean(access.authorization) },
  }).env(env);
}

/** git's whole environment, as git() describes it. */
function gitEnvironment(access: GitAccess): Record<string, string> {
  // Never followed elsewhere: the header would go along.
  const header: Record<string, string> = access.authorization
    ? {
        GIT_CONFIG_COUNT: '2',
        GIT_CONFIG_KEY_0: 'http.extraHeader',
        GIT_CONFIG_VALUE_0: `Authorization: ${access.authorization}`,
        GIT_CONFIG_KEY_1: 'http.followRedirects',
        GIT_CONFIG_VALUE_1: 'false',
      }
    : {};
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: gitHome(),
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_ALLOW_PROTOCOL: access.protocols.join(':'),
    ...header,
  };
}

/**
 * `git ls-remote -- <remote> <refs>`, as git() runs git, through the command helper: asked on
 * every run triggered without a commit, it is the one git command on the API's way, where a
 * process of its own would stop the API's event loop while it starts (../platform/commands).
 */
async function lsRemote(remote: string, refs: string[], access: GitAccess): Promise<string> {
  const { stdout } = await runCommand('git', ['ls-remote', '--', remote, ...refs], {
    env: gitEnvironment(access),
    cwd: os.tmpdir(),
    timeoutMs: LS_REMOTE_TIMEOUT_MS,
  });
  return stdout;
}

let home: string | undefined;

/**
 * An empty HOME of this process's own for git: in the shared temp dir, a `.gitconfig` another
 * user left would be read, and could name commands for git to run.
 */
function gitHome(): string {
  home ??= mkdtempSync(path.join(os.tmpdir(), 'gantry-git-home-'));
  return home;
}

/** What git said went wrong: its fatal line, or else the first. */
function gitSaid(message: string): string {
  const lines = message.trim().split('\n');
  return lines.find((line) => line.startsWith('fatal: ')) ?? lines[0] ?? message;
}
