import { execFile as execFileCallback } from 'node:child_process';
import fs from 'node:fs/promises';
import { promisify } from 'node:util';
import os from 'node:os';
import type { Stack } from '../../src/stacks/tables';
import path from 'node:path';
import { GitLabApi } from '../../src/gitlab/api';
import { VcsError } from '../../src/vcs';
import { GitLabProvider } from '../../src/vcs/gitlab';
import { SourceCache } from '../../src/vcs/sourceCache';
import { createTestRepo, type TestRepo } from '../support/gitRepo';
import { startGitLabServer, type Failure, type GitLabServer } from '../support/gitlabServer';

const execFile = promisify(execFileCallback);

describe('the GitLab VCS provider against a GitLab-speaking server', () => {
  let gitlab: GitLabServer;
  let repo: TestRepo;
  let provider: GitLabProvider;
  let first: string;
  let second: string;
  const stack = { id: 'infra', repository: 'platform/infra', provider: 'GITLAB' } as Stack;

  beforeAll(async () => {
    repo = await createTestRepo();
    first = await repo.commit({ 'main.tf': 'one', 'modules/a.tf': 'a' }, 'First');
    second = await repo.commit({ 'main.tf': 'two' }, 'Second\n\nWith a body.');
    gitlab = await startGitLabServer();
    gitlab.addUser({ username: 'gantry', token: 'glpat-gantry' });
    gitlab.addProject({
      pathWithNamespace: 'platform/infra',
      repositoryDir: repo.dir,
      members: [{ username: 'gantry', accessLevel: 20 }],
    });
    provider = new GitLabProvider(() =>
      Promise.resolve(new GitLabApi({ host: gitlab.url, token: 'glpat-gantry' })),
    );
  });

  afterAll(async () => {
    await gitlab?.close();
    await repo?.remove();
  });

  const checkout = async (commit: string) => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gantry-vcs-gitlab-'));
    try {
      const info = await provider.checkout(stack, commit, dir);
      const files = (await fs.readdir(dir, { recursive: true }))
        .filter((file) => !file.startsWith('.git'))
        .sort();
      const gitFiles = await fs.readdir(path.join(dir, '.git'), { recursive: true });
      const written = await Promise.all(
        gitFiles.map((file) => fs.readFile(path.join(dir, '.git', file), 'latin1').catch(() => '')),
      );
      const main = await fs.readFile(path.join(dir, 'main.tf'), 'utf8');
      return { info, files, main, git: written.join('\n') };
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  };

  it("reads the branch head and its commit, as GitLab's API gives them", async () => {
    const head = await provider.headOf(stack, 'main');
    expect(head).toMatchObject({ hash: second, message: 'Second', authorName: 'Ada Lovelace' });
    expect(head.url).toBe(`${gitlab.url}/platform/infra/-/commit/${second}`);
  });

  it("puts the project's files at exactly the commit into the workspace, fetched with git and the integration's token", async () => {
    const older = await checkout(first);
    expect(older.files).toEqual(['main.tf', 'modules', 'modules/a.tf']);
    expect(older.main).toBe('one');
    expect(older.info).toMatchObject({ hash: first, message: 'First' });
    expect(older.info.url).toBe(`${gitlab.url}/platform/infra/-/commit/${first}`);
    expect((await checkout(second)).main).toBe('two');
    // Over git's HTTP protocol with Basic credentials, the token kept out of the workspace.
    const fetches = gitlab.requests.filter(
      (request) => request.path === '/platform/infra.git/info/refs',
    );
    expect(fetches.length).toBeGreaterThanOrEqual(2);
    expect(fetches.every((request) => request.status === 200)).toBe(true);
    expect(older.git).not.toContain('glpat-gantry');
    expect(older.git).not.toContain(Buffer.from('oauth2:glpat-gantry').toString('base64'));
  });

  it("says so when the integration's token may not read the project's code", async () => {
    gitlab.addUser({ username: 'outsider', token: 'glpat-outsider' });
    const outsider = new GitLabProvider(() =>
      Promise.resolve(new GitLabApi({ host: gitlab.url, token: 'glpat-outsider' })),
    );
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gantry-vcs-gitlab-'));
    try {
      await expect(outsider.checkout(stack, first, dir)).rejects.toThrow(
        `commit ${first} does not exist in GitLab project "platform/infra", or the integration's token cannot see it`,
      );
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('resolves a branch, a tag or a short hash through GitLab, each as what it is, and refuses the rest', async () => {
    await execFile('git', ['tag', '-a', 'v1.0', '-m', 'release', first], { cwd: repo.dir });
    // A tag whose name is no hash is a tag, however it looks.
    await execFile('git', ['tag', 'cafe-1234', second], { cwd: repo.dir });
    const resolved = async (ref: string) => {
      const { commit, kind } = await provider.resolve(stack, ref);
      return { hash: commit.hash, kind };
    };
    expect(await resolved('main')).toEqual({ hash: second, kind: 'branch' });
    expect(await resolved('v1.0')).toEqual({ hash: first, kind: 'tag' });
    expect(await resolved('cafe-1234')).toEqual({ hash: second, kind: 'tag' });
    expect(await resolved(first.slice(0, 8))).toEqual({ hash: first, kind: 'commit' });
    expect(await resolved(first)).toEqual({ hash: first, kind: 'commit' });
    // GitLab's commit lookup takes any revision; none of these is a branch, a tag or a hash.
    for (const ref of [
      'v9.9',
      'main~1',
      'HEAD^',
      'v1.0^{}',
      'refs/heads/main',
      first.slice(0, 6),
      'deadbeef',
    ]) {
      const refused = await provider.resolve(stack, ref).catch((error: unknown) => error);
      expect([ref, refused]).toEqual([ref, expect.any(VcsError)]);
      expect((refused as Error).message).toBe(
        `"${ref}" is no branch, tag or commit of GitLab project "platform/infra", or the integration's token cannot see it; give a branch name, a tag name or a commit hash (7 to 64 hex digits)`,
      );
    }
  });

  it('refuses a ref that names more than one thing, reading the branch and the tag at once', async () => {
    const git = (...args: string[]) => execFile('git', args, { cwd: repo.dir });
    // Anyone who may push a branch could otherwise have it stand in for the tag meant.
    await git('tag', 'v3.0', first);
    await git('branch', 'v3.0', second);
    const before = gitlab.requests.length;
    await expect(provider.resolve(stack, 'v3.0')).rejects.toThrow(
      new VcsError(
        `"v3.0" names both a branch and a tag of GitLab project "platform/infra"; give the commit's full hash to say which`,
      ),
    );
    expect(
      gitlab.requests
        .slice(before)
        .map((request) => request.path)
        .sort(),
    ).toEqual([
      '/api/v4/projects/platform%2Finfra/repository/branches/v3.0',
      '/api/v4/projects/platform%2Finfra/repository/tags/v3.0',
    ]);

    // Or for the commit meant: GitLab looks the short hash up as the branch, and cannot say
    // whether a commit has it too.
    const short = first.slice(0, 7);
    await git('branch', short, second);
    await expect(provider.resolve(stack, short)).rejects.toThrow(
      new VcsError(
        `"${short}" names a branch of GitLab project "platform/infra" and could be a commit's short hash too; give the commit's full hash to say which`,
      ),
    );
    // A branch whose head has that short hash names both.
    const own = second.slice(0, 9);
    await git('branch', own, second);
    await expect(provider.resolve(stack, own)).rejects.toThrow(
      new VcsError(
        `"${own}" names both a branch and a commit of GitLab project "platform/infra"; give the commit's full hash to say which`,
      ),
    );
    // A tag named like a short hash is no more certain than a branch.
    await git('tag', 'cafe1234', second);
    await expect(provider.resolve(stack, 'cafe1234')).rejects.toThrow(
      `"cafe1234" names a tag of GitLab project "platform/infra" and could be a commit's short hash too`,
    );
    // The full hash says which, even with a branch of that very name.
    await git('branch', first, second);
    expect(await provider.resolve(stack, first)).toMatchObject({
      commit: { hash: first },
      kind: 'commit',
    });
    for (const name of ['v3.0', short, own, first]) await git('branch', '-D', name);
    await git('tag', '-d', 'v3.0');
    await git('tag', '-d', 'cafe1234');
  });

  it('says which branch or commit does not exist', async () => {
    const missing = await provider.headOf(stack, 'nope').catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(VcsError);
    expect((missing as Error).message).toBe(
      'branch "nope" does not exist in GitLab project "platform/infra", or the integration\'s token cannot see it',
    );
    await expect(checkout('0'.repeat(40))).rejects.toThrow(/commit 0{40} does not exist/);
    // A SHA-256 repository's commit is a full hash too: asked of GitLab, not refused.
    await expect(checkout('a'.repeat(64))).rejects.toThrow(/commit a{64} does not exist/);
    await expect(checkout('main')).rejects.toThrow('"main" is not a full commit hash');
  });

  /**
   * Checks out `second` while GitLab answers the next `count` requests with `failure`; the
   * statuses of the requests that took.
   */
  async function checkoutThrough(count: number, failure: Failure): Promise<number[]> {
    const before = gitlab.requests.length;
    gitlab.failNext(count, failure);
    const commit = await provider.checkout(
      stack,
      second,
      await fs.mkdtemp(path.join(os.tmpdir(), 'gantry-vcs-')),
    );
    expect(commit.hash).toBe(second);
    return gitlab.requests.slice(before).map((request) => request.status);
  }

  it('waits out GitLab rate-limiting its API and git instead of failing the run', async () => {
    // gitbeaker tries a 429 ten times at once; past that, and for git, the provider pauses
    // and tries again.
    const answers = await checkoutThrough(12, { status: 429, retryAfterSeconds: 0 });
    expect(answers.filter((status) => status === 429)).toHaveLength(12);
    expect(answers.at(-1)).toBe(200);
  }, 60_000);

  it('tries again when GitLab fails on its side for a moment, instead of failing the run', async () => {
    // gitbeaker gives up on a 503 at once; the provider pauses and tries again.
    const answers = await checkoutThrough(1, { status: 503 });
    expect(answers.filter((status) => status === 503)).toHaveLength(1);
    expect(answers.at(-1)).toBe(200);
  }, 60_000);

  it('downloads a commit once for the workspaces of a worker that keeps them, each a copy', async () => {
    const cacheDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gantry-sources-'));
    const workspaces = await fs.mkdtemp(path.join(os.tmpdir(), 'gantry-vcs-'));
    try {
      const keeping = new GitLabProvider(
        () => Promise.resolve(new GitLabApi({ host: gitlab.url, token: 'glpat-gantry' })),
        new SourceCache(cacheDir, 4),
      );
      const fetches = () =>
        gitlab.requests.filter((request) => request.path === '/platform/infra.git/info/refs')
          .length;
      const before = fetches();
      const dirs = ['a', 'b', 'c'].map((name) => path.join(workspaces, name));
      for (const dir of dirs) await fs.mkdir(dir);
      const infos = await Promise.all(
        dirs.slice(0, 2).map((dir) => keeping.checkout(stack, first, dir)),
      );
      await fs.writeFile(path.join(dirs[0]!, 'main.tf'), 'changed in a workspace');
      infos.push(await keeping.checkout(stack, first, dirs[2]!));
      expect(fetches() - before).toBe(1);
      expect(infos.map((info) => info.hash)).toEqual([first, first, first]);
      expect(await fs.readFile(path.join(dirs[1]!, 'main.tf'), 'utf8')).toBe('one');
      expect(await fs.readFile(path.join(dirs[2]!, 'main.tf'), 'utf8')).toBe('one');
      const copied = await fs.readdir(dirs[2]!, { recursive: true });
      expect(copied.filter((file) => !file.startsWith('.git')).sort()).toEqual([
        'main.tf',
        'modules',
        'modules/a.tf',
      ]);
    } finally {
      await fs.rm(cacheDir, { recursive: true, force: true });
      await fs.rm(workspaces, { recursive: true, force: true });
    }
  });

  it('says GitLab is not connected when no integration is set up', async () => {
    const unconnected = new GitLabProvider(() => Promise.resolve(undefined));
    await expect(unconnected.headOf(stack, 'main')).rejects.toThrow(
      /Gantry is not connected to GitLab; an admin sets that up with gitlabIntegrationSetup/,
    );
  });
});
