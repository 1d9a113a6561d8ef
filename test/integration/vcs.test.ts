import { execFile as execFileCallback } from 'node:child_process';
import fs from 'node:fs/promises';
import { promisify } from 'node:util';
import os from 'node:os';
import type { Stack } from '../../src/stacks/tables';
import path from 'node:path';
import { VcsError } from '../../src/vcs';
import { RawGitProvider } from '../../src/vcs/rawGit';
import { createTestRepo, type TestRepo } from '../support/gitRepo';

const execFile = promisify(execFileCallback);

describe('RawGitProvider on a file:// repository', () => {
  let repo: TestRepo;
  let first: string;
  let second: string;
  let stack: Stack;
  const provider = new RawGitProvider({ allowFile: true });
  const dirs: string[] = [];
  const emptyDir = async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gantry-checkout-'));
    dirs.push(dir);
    return dir;
  };

  beforeAll(async () => {
    repo = await createTestRepo();
    first = await repo.commit({ 'main.tf': 'one' }, 'First commit\n\nWith a body.');
    second = await repo.commit({ 'main.tf': 'two', 'extra.tf': 'x' }, 'Second commit');
    stack = { repository: repo.url } as Stack;
  });
  afterAll(async () => {
    await repo.remove();
    await Promise.all(dirs.map((dir) => fs.rm(dir, { recursive: true, force: true })));
  });

  it('finds the head of a branch with its commit details', async () => {
    const head = await provider.headOf(stack, 'main');
    expect(head).toMatchObject({
      hash: second,
      message: 'Second commit',
      authorName: 'Ada Lovelace',
    });
    expect(head.timestamp.getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it('checks out exactly the commit asked for, not the head', async () => {
    const dir = await emptyDir();
    const commit = await provider.checkout(stack, first, dir);
    expect(commit).toMatchObject({ hash: first, message: 'First commit' });
    expect(await fs.readFile(path.join(dir, 'main.tf'), 'utf8')).toBe('one');
    await expect(fs.access(path.join(dir, 'extra.tf'))).rejects.toThrow();
  });

  it('resolves a branch, a tag (annotated or not) or a full hash to its commit, and says what it cannot', async () => {
    await execFile('git', ['tag', '-a', 'v1.0', '-m', 'release', first], { cwd: repo.dir });
    await execFile('git', ['tag', 'light', second], { cwd: repo.dir });
    await execFile('git', ['branch', 'release/1', first], { cwd: repo.dir });
    const resolved = async (ref: string) => {
      const { commit, kind } = await provider.resolve(stack, ref);
      return { hash: commit.hash, kind };
    };
    expect(await resolved('main')).toEqual({ hash: second, kind: 'branch' });
    expect(await resolved('release/1')).toEqual({ hash: first, kind: 'branch' });
    expect(await resolved('v1.0')).toEqual({ hash: first, kind: 'tag' });
    expect(await resolved('light')).toEqual({ hash: second, kind: 'tag' });
    expect(await resolved(first)).toEqual({ hash: first, kind: 'commit' });
    await expect(provider.resolve(stack, first.slice(0, 8))).rejects.toThrow(
      new VcsError(
        `"${first.slice(0, 8)}" is no branch or tag of "${repo.url}"; for a commit, give its full 40-character hash`,
      ),
    );
    for (const bad of ['--upload-pack=x', '../main', 'a b']) {
      await expect(provider.resolve(stack, bad)).rejects.toThrow(
        `"${bad}" is not a branch name, a tag name or a full commit hash`,
      );
    }
  });

  it('refuses a ref that names more than one thing: a branch and a tag, or a branch like a short hash', async () => {
    // Anyone who may push a branch could otherwise have it stand in for the tag or commit meant.
    await execFile('git', ['tag', 'v2.0', first], { cwd: repo.dir });
    await execFile('git', ['branch', 'v2.0', second], { cwd: repo.dir });
    await expect(provider.resolve(stack, 'v2.0')).rejects.toThrow(
      new VcsError(
        `"v2.0" names both a branch and a tag of "${repo.url}"; give the commit's full hash to say which`,
      ),
    );
    const short = first.slice(0, 7);
    await execFile('git', ['branch', short, second], { cwd: repo.dir });
    await expect(provider.resolve(stack, short)).rejects.toThrow(
      new VcsError(
        `"${short}" names a branch of "${repo.url}" and could be a commit's short hash too; give the commit's full hash to say which`,
      ),
    );
    // The full hash says which.
    expect((await provider.resolve(stack, first)).kind).toBe('commit');
  });

  it('says when a branch or commit does not exist', async () => {
    await expect(provider.headOf(stack, 'nope')).rejects.toThrow(
      new VcsError(`branch "nope" does not exist in "${repo.url}"`),
    );
    await expect(provider.checkout(stack, 'f'.repeat(40), await emptyDir())).rejects.toThrow(
      new RegExp(`^fetching commit f{40} of "${repo.url}": `),
    );
    await expect(provider.checkout(stack, 'main', await emptyDir())).rejects.toThrow(
      '"main" is not a full commit hash',
    );
  });

  it('says when the repository cannot be read', async () => {
    const missing = { repository: 'file:///nonexistent/repo' } as Stack;
    await expect(provider.headOf(missing, 'main')).rejects.toThrow(
      /^reading refs\/heads\/main of "file:\/\/\/nonexistent\/repo": /,
    );
  });
});
