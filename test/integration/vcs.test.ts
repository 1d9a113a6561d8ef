import fs from 'node:fs/promises';
import os from 'node:os';
import type { Stack } from '../../src/stacks/tables';
import path from 'node:path';
import { VcsError } from '../../src/vcs';
import { RawGitProvider } from '../../src/vcs/rawGit';
import { createTestRepo, type TestRepo } from '../support/gitRepo';

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
