import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { CommitInfo, Repository } from '../../../src/vcs';
import { SourceCache } from '../../../src/vcs/sourceCache';

describe("the commits a worker keeps for its runs' workspaces", () => {
  let dir: string;
  let cacheDir: string;
  const repository: Repository = { id: 'stack', provider: 'RAW_GIT', repository: 'https://x/r' };
  const commit = (n: number) => String(n).repeat(40).slice(0, 40);

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gantry-sources-'));
    cacheDir = path.join(dir, 'cache');
  });

  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  /** A fetch of `hash` that writes a file, an executable and a link, and counts its calls. */
  const fetcher = (hash: string) => {
    const fetch = Object.assign(
      async (into: string): Promise<CommitInfo> => {
        fetch.calls += 1;
        await new Promise((resolve) => setTimeout(resolve, 20));
        await fs.mkdir(path.join(into, 'infra'));
        await fs.writeFile(path.join(into, 'infra', 'main.tf'), `# ${hash}\n`);
        await fs.writeFile(path.join(into, 'run.sh'), 'echo hi\n', { mode: 0o755 });
        await fs.symlink('infra/main.tf', path.join(into, 'main.tf'));
        return { hash, message: 'm', authorName: 'a', timestamp: new Date(0), url: '' };
      },
      { calls: 0 },
    );
    return fetch;
  };
  const workspace = async (name: string) => {
    const target = path.join(dir, name);
    await fs.mkdir(target);
    return target;
  };

  it('fetches a commit once for runs starting together, and gives each a copy of its own', async () => {
    const cache = new SourceCache(cacheDir, 4);
    const fetch = fetcher(commit(1));
    const [a, b] = [await workspace('a'), await workspace('b')];
    const infos = await Promise.all([
      cache.checkout(repository, commit(1), a, fetch),
      cache.checkout(repository, commit(1), b, fetch),
    ]);
    expect(fetch.calls).toBe(1);
    expect(infos.map((info) => info.hash)).toEqual([commit(1), commit(1)]);
    for (const target of [a, b]) {
      expect(await fs.readFile(path.join(target, 'infra', 'main.tf'), 'utf8')).toBe(
        `# ${commit(1)}\n`,
      );
      expect((await fs.stat(path.join(target, 'run.sh'))).mode & 0o777).toBe(0o755);
      expect(await fs.readlink(path.join(target, 'main.tf'))).toBe('infra/main.tf');
    }

    // What one run does to its copy reaches neither the cache nor the next run.
    await fs.writeFile(path.join(a, 'infra', 'main.tf'), 'changed by a run');
    await fs.writeFile(path.join(a, 'dropped'), 'by a run');
    const c = await workspace('c');
    await cache.checkout(repository, commit(1), c, fetch);
    expect(fetch.calls).toBe(1);
    expect(await fs.readdir(c)).toEqual(expect.not.arrayContaining(['dropped']));
    expect(await fs.readFile(path.join(c, 'infra', 'main.tf'), 'utf8')).toBe(`# ${commit(1)}\n`);
    expect(await fs.readFile(path.join(b, 'infra', 'main.tf'), 'utf8')).toBe(`# ${commit(1)}\n`);
  });

  it('keeps the commits apart by repository', async () => {
    const cache = new SourceCache(cacheDir, 4);
    const other: Repository = { ...repository, repository: 'https://x/other' };
    const first = fetcher(commit(1));
    const second = fetcher(commit(1));
    await cache.checkout(repository, commit(1), await workspace('a'), first);
    await cache.checkout(other, commit(1), await workspace('b'), second);
    expect([first.calls, second.calls]).toEqual([1, 1]);
    expect(cache.size).toBe(2);
  });

  it('reads a commit into the cache for the checkout that follows', async () => {
    const cache = new SourceCache(cacheDir, 4);
    const fetch = fetcher(commit(1));
    expect((await cache.commit(repository, commit(1), fetch)).hash).toBe(commit(1));
    await cache.checkout(repository, commit(1), await workspace('a'), fetch);
    expect(fetch.calls).toBe(1);
  });

  it('keeps nothing of a fetch that failed, and fetches again the next time', async () => {
    const cache = new SourceCache(cacheDir, 4);
    const failing = async (into: string) => {
      await fs.writeFile(path.join(into, 'half'), 'written');
      throw new Error('the remote went away');
    };
    await expect(
      cache.checkout(repository, commit(1), await workspace('a'), failing),
    ).rejects.toThrow('the remote went away');
    expect(await fs.readdir(cacheDir)).toEqual([]);
    const fetch = fetcher(commit(1));
    await cache.checkout(repository, commit(1), await workspace('b'), fetch);
    expect(fetch.calls).toBe(1);
  });

  it('keeps at most so many commits, dropping the least recently used', async () => {
    const cache = new SourceCache(cacheDir, 2);
    const fetches = [1, 2, 3].map((n) => fetcher(commit(n)));
    await cache.checkout(repository, commit(1), await workspace('a'), fetches[0]!);
    await cache.checkout(repository, commit(2), await workspace('b'), fetches[1]!);
    await cache.checkout(repository, commit(1), await workspace('c'), fetches[0]!);
    await cache.checkout(repository, commit(3), await workspace('d'), fetches[2]!);
    expect(cache.size).toBe(2);
    expect(await fs.readdir(cacheDir)).toHaveLength(2);
    await cache.checkout(repository, commit(1), await workspace('e'), fetches[0]!);
    await cache.checkout(repository, commit(2), await workspace('f'), fetches[1]!);
    expect(fetches.map((fetch) => fetch.calls)).toEqual([1, 2, 1]);
  });

  it('never names a path after anything but a full commit hash', async () => {
    const cache = new SourceCache(cacheDir, 2);
    const seen: string[] = [];
    const refusing = (into: string) => {
      seen.push(into);
      return Promise.reject(new Error('"../../etc" is not a full commit hash'));
    };
    await expect(
      cache.checkout(repository, '../../etc', await workspace('a'), refusing),
    ).rejects.toThrow('is not a full commit hash');
    expect(seen).toEqual([path.join(dir, 'a')]);
    await expect(cache.commit(repository, '../../etc', refusing)).rejects.toThrow(
      'is not a full commit hash',
    );
    expect(await fs.readdir(cacheDir)).toEqual([]);
  });
});
