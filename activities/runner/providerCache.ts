import { constants as fsConstants } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../src/platform/logger';
import { SYSTEM_PATH } from './environment';
import { runToolProcess } from './process';
import type { ProviderMirrorConfig } from './providerMirror';
import type { Sandbox, SandboxMount } from './sandbox';
import { LOCK_FILE, type Workspace } from './workspace';

/** Where the worker's provider cache is inside a run's sandbox, read-only. */
const SANDBOX_CACHE = '/gantry/provider-cache';
/** A run's own plugin cache directory, beside its home and source. */
const RUN_CACHE = 'plugin-cache';
// A provider installer that has not finished in this long is given up: the run goes on without.
const INSTALL_TIMEOUT_MS = 10 * 60_000;
const MAX_LOCK_FILE_BYTES = 1024 * 1024;
const READ_NO_LINKS = fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW;

/** A provider version of a dependency lock file: `registry.opentofu.org/hashicorp/aws`, `5.1.0`. */
export interface LockedProvider {
  address: string;
  version: string;
}

const ADDRESS =
  /^[a-z0-9][a-z0-9.-]*\.[a-z0-9.-]*[a-z0-9]\/[a-z0-9][a-z0-9_-]*\/[a-z0-9][a-z0-9_-]*$/;
const VERSION = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

/**
 * The provider versions a dependency lock file names, as far as they are plainly what they
 * claim: a lock file of a run's workspace is whatever the run wrote, so anything that is not a
 * registry address and a version (no path, no quoting) is left out.
 */
export function lockedProviders(lockFile: string): LockedProvider[] {
  const found: LockedProvider[] = [];
  for (const block of lockFile.matchAll(/^provider\s+"([^"\n]*)"\s*\{\n([\s\S]*?)^\}/gm)) {
    const address = block[1]!.toLowerCase();
    const version = /^\s*version\s*=\s*"([^"\n]*)"\s*$/m.exec(block[2]!)?.[1];
    if (ADDRESS.test(address) && version && VERSION.test(version)) {
      found.push({ address, version });
    }
  }
  return found;
}

/**
 * The providers a worker installed for its runs, shared by every run it takes so that
 * `tofu init` installs each provider version once per worker, not once per phase. Runs only
 * read it: their sandbox holds it read-only, and each run's `tofu init` works in a plugin cache
 * of its own (TF_PLUGIN_CACHE_DIR, in its workspace) that links to the worker's entries, so a
 * provider a run downloads, or anything a run writes, stays in its own workspace.
 *
 * The worker's entries are installed by the worker itself: once a run's `tofu init` has named
 * a provider version in its lock file, the worker installs that version into the cache with a
 * `tofu init` of its own, in a sandbox, of a configuration it writes itself that requires just
 * that version, from the provider's registry (checked against the registry's signatures, as
 * OpenTofu checks any download) or GANTRY_PROVIDER_MIRROR. A run's code never runs there, and an
 * entry is moved into the cache whole, so a run sees it complete or not at all. The entries
 * are thus packages OpenTofu itself vetted: runs use them without a lock file entry
 * (TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE), and with one, as OpenTofu does, only when
 * the lock file's hashes match. No two OpenTofu processes write one plugin cache: each run
 * writes its own, and the worker installs one version at a time, each into a directory of its
 * own (the pinned OpenTofu would lock each entry it writes all the same).
 *
 * The cache holds at most `maxVersions` provider versions: entries are never removed while
 * the worker runs, as the workspaces of its runs link to them between phases, so past that
 * new versions are installed by each run for itself.
 */
export class ProviderCache {
  /** The entries, `<host>/<namespace>/<type>/<version>/<os>_<arch>`, complete in the cache. */
  private readonly entries = new Set<string>();
  /** Provider versions installed or tried already, so that each is tried once. */
  private readonly tried = new Set<string>();
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly options: {
      /** The cache on the worker's disk; installs are staged beside it. */
      dir: string;
      sandbox: Sandbox;
      tofuPath: string;
      providerMirror?: ProviderMirrorConfig;
      maxVersions: number;
      logger: Logger;
    },
  ) {}

  /** What a run's sandbox holds of the cache: all of it, read-only. */
  get mounts(): SandboxMount[] {
    return [{ hostPath: this.options.dir, target: SANDBOX_CACHE }];
  }

  /** The plugin cache directory of a workspace whose root the run's tools see at `root`. */
  runCacheDir(root: string): string {
    return path.posix.join(root, RUN_CACHE);
  }

  /**
   * Makes the workspace's own plugin cache, linking to every entry of the worker's: done
   * before the workspace is handed to the run, whose `tofu init` then finds them there.
   */
  async link(workspace: Workspace): Promise<void> {
    // The cache is there from the first workspace on, for the sandboxes to hold.
    await fs.mkdir(this.options.dir, { recursive: true, mode: 0o755 });
    const own = path.join(workspace.root, RUN_CACHE);
    await fs.mkdir(own, { recursive: true });
    const shared = this.options.sandbox.enabled ? SANDBOX_CACHE : this.options.dir;
    for (const entry of this.entries) {
      const link = path.join(own, entry);
      await fs.mkdir(path.dirname(link), { recursive: true });
      await fs.symlink(path.posix.join(shared, entry), link);
    }
  }

  /**
   * Learns the provider versions the workspace's `tofu init` chose, from its lock file, and
   * installs those the cache lacks, one after another, after the phase has moved on.
   */
  async learn(workspace: Workspace): Promise<void> {
    const file = path.join(workspace.dir, LOCK_FILE);
    // The run wrote it: only a file is read (never a link out of the workspace), and not one
    // larger than any lock file of real providers.
    const stat = await fs.lstat(file).catch(() => undefined);
    if (!stat?.isFile() || stat.size > MAX_LOCK_FILE_BYTES) return;
    // A lock file the worker cannot read teaches it nothing; the run goes on all the same.
    const lockFile = await fs
      .readFile(file, { encoding: 'utf8', flag: READ_NO_LINKS })
      .catch(() => undefined);
    if (lockFile !== undefined) this.enqueue(lockedProviders(lockFile));
  }

  private enqueue(providers: LockedProvider[]): void {
    for (const provider of providers) {
      const key = `${provider.address}/${provider.version}`;
      if (this.tried.has(key) || this.tried.size >= this.options.maxVersions) continue;
      this.tried.add(key);
      this.queue = this.queue.then(() =>
        this.install(provider).catch((error: unknown) =>
          this.options.logger.warn(
            { err: error, provider: key },
            'installing a provider into the worker cache; runs install it themselves',
          ),
        ),
      );
    }
  }

  /** Resolves once the installs asked for so far are done. */
  settled(): Promise<void> {
    return this.queue;
  }

  /** Installs one provider version with a `tofu init` of the worker's own, and moves it in. */
  private async install(provider: LockedProvider): Promise<void> {
    const { dir, sandbox } = this.options;
    await fs.mkdir(dir, { recursive: true, mode: 0o755 });
    const root = await fs.mkdtemp(`${dir}.installing-`);
    try {
      const type = provider.address.split('/')[2]!;
      await fs.mkdir(path.join(root, 'config'));
      await fs.mkdir(path.join(root, 'home'));
      await fs.mkdir(path.join(root, 'cache'));
      await fs.writeFile(
        path.join(root, 'config', 'main.tf'),
        `terraform {\n  required_providers {\n    ${type} = {\n` +
          `      source  = ${JSON.stringify(provider.address)}\n` +
          `      version = ${JSON.stringify(`= ${provider.version}`)}\n    }\n  }\n}\n`,
      );
      await sandbox.handOver(root);
      const seen = sandbox.view(root);
      const cliConfigFile = await this.options.providerMirror?.write();
      const tofu = { hostPath: this.options.tofuPath, name: 'tofu' };
      const output: string[] = [];
      const code = await runToolProcess({
        command: sandbox.toolPath(tofu),
        args: ['init', '-input=false', '-no-color', '-backend=false'],
        cwd: path.posix.join(seen, 'config'),
        env: {
          PATH: `${path.posix.dirname(sandbox.toolPath(tofu))}:${SYSTEM_PATH}`,
          HOME: path.posix.join(seen, 'home'),
          TF_IN_AUTOMATION: '1',
          TF_PLUGIN_CACHE_DIR: path.posix.join(seen, 'cache'),
          ...(cliConfigFile ? { TF_CLI_CONFIG_FILE: cliConfigFile } : {}),
        },
        onLine: (line) => output.push(line),
        signal: AbortSignal.timeout(INSTALL_TIMEOUT_MS),
        ...(sandbox.enabled
          ? {
              sandbox: sandbox.launch(root, [tofu], 0, this.options.providerMirror?.mounts),
            }
          : {}),
      });
      if (code !== 0) {
        throw new Error(`tofu init exited with code ${code}: ${output.slice(-5).join(' ')}`);
      }
      const installed = path.join(root, 'cache', provider.address, provider.version);
      for (const platform of await fs.readdir(installed, { withFileTypes: true })) {
        if (platform.name.endsWith('.lock')) continue;
        const entry = path.posix.join(provider.address, provider.version, platform.name);
        await fs.mkdir(path.join(dir, path.dirname(entry)), { recursive: true, mode: 0o755 });
        await fs.rename(path.join(installed, platform.name), path.join(dir, entry));
        this.entries.add(entry);
      }
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  }
}
