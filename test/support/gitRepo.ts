import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { simpleGit } from 'simple-git';

export type RepoFile = string | { executable: string } | { symlink: string };

export interface TestRepo {
  dir: string;
  /** The repository's file:// URL, as a RAW_GIT stack names it. */
  url: string;
  /**
   * Writes the files on `branch` (created from the current branch if new) and commits them:
   * text, an executable (`{ executable }`) or a symbolic link (`{ symlink: target }`).
   */
  commit(files: Record<string, RepoFile>, message: string, branch?: string): Promise<string>;
  remove(): Promise<void>;
}

/** A real git repository in a temp dir, with `main` as its first branch. */
export async function createTestRepo(): Promise<TestRepo> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gantry-repo-'));
  const git = simpleGit(dir);
  await git.init(['--initial-branch=main']);
  await git.addConfig('user.name', 'Ada Lovelace');
  await git.addConfig('user.email', 'ada@example.com');
  return {
    dir,
    url: `file://${dir}`,
    async commit(files, message, branch = 'main') {
      const branches = await git.branchLocal();
      if (branches.all.length > 0 && branches.current !== branch) {
        if (branches.all.includes(branch)) await git.checkout(branch);
        else await git.checkoutLocalBranch(branch);
      }
      for (const [file, content] of Object.entries(files)) {
        const target = path.join(dir, file);
        await fs.mkdir(path.dirname(target), { recursive: true });
        await fs.rm(target, { recursive: true, force: true });
        if (typeof content === 'string') await fs.writeFile(target, content);
        else if ('executable' in content) {
          await fs.writeFile(target, content.executable, { mode: 0o755 });
        } else await fs.symlink(content.symlink, target);
      }
      await git.add('.');
      await git.commit(message);
      return (await git.revparse(['HEAD'])).trim();
    },
    remove: () => fs.rm(dir, { recursive: true, force: true }),
  };
}
