import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../../src/platform/config';
import type { SandboxMount } from './sandbox';

/**
 * GANTRY_PROVIDER_MIRROR: where the OpenTofu of every run installs providers from, for a
 * Gantry that cannot reach the registries. A directory of the workers' disks in OpenTofu's
 * filesystem mirror layout (`<hostname>/<namespace>/<type>/<version>/<os>_<arch>/…`, as
 * `tofu providers mirror` writes it, packed or unpacked), or the https:// URL of a network
 * mirror.
 */
export type ProviderMirror = NonNullable<Config['GANTRY_PROVIDER_MIRROR']>;

/** Where a filesystem mirror is inside a run's sandbox, read-only. */
const SANDBOX_MIRROR = '/gantry/providers';
/** Where the CLI configuration Gantry writes is inside a run's sandbox, read-only. */
const SANDBOX_CLI_CONFIG = '/gantry/etc/tofurc';
const CLI_CONFIG_FILE = 'provider-mirror.tofurc';

/**
 * The CLI configuration that points OpenTofu at the mirror, as the run's tools see it, and
 * what of the worker's disk their sandbox needs for it. It is written anew for each phase,
 * so providers added to a filesystem mirror count from the next phase on, and the sandbox
 * holds both the file and the mirror read-only: the run's code can neither change nor replace
 * them, and with TF_CLI_CONFIG_FILE set OpenTofu reads no other CLI configuration (no
 * `.tofurc` or `.terraformrc` in the run's home, nor its `.terraform.d`).
 */
export class ProviderMirrorConfig {
  constructor(
    private readonly mirror: ProviderMirror,
    private readonly options: { workRoot: string; sandboxed: boolean },
  ) {}

  private get hostFile(): string {
    return path.join(this.options.workRoot, CLI_CONFIG_FILE);
  }

  /** The read-only binds a run's sandbox needs: the CLI configuration and a filesystem mirror. */
  get mounts(): SandboxMount[] {
    return [
      { hostPath: this.hostFile, target: SANDBOX_CLI_CONFIG },
      ...(this.mirror.kind === 'filesystem'
        ? [{ hostPath: this.mirror.path, target: SANDBOX_MIRROR }]
        : []),
    ];
  }

  /** Writes the CLI configuration for a phase about to run; answers TF_CLI_CONFIG_FILE. */
  async write(): Promise<string> {
    const content = await this.content();
    // Phases of several runs may write it at once: each renames a whole file into place.
    const staged = `${this.hostFile}.${randomBytes(6).toString('hex')}`;
    // The run's user reads it through its sandbox; it holds nothing secret.
    await fs.writeFile(staged, content, { mode: 0o644 });
    await fs.chmod(staged, 0o644);
    await fs.rename(staged, this.hostFile);
    return this.options.sandboxed ? SANDBOX_CLI_CONFIG : this.hostFile;
  }

  private async content(): Promise<string> {
    if (this.mirror.kind === 'network') {
      return `provider_installation {\n  network_mirror {\n    url = ${hclString(this.mirror.url)}\n  }\n}\n`;
    }
    const providers = await mirroredProviders(this.mirror.path);
    // Providers the mirror holds come only from it; others from their registries, which an
    // air-gapped worker cannot reach, so that they fail saying which provider is missing.
    if (providers.length === 0) return 'provider_installation {\n  direct {}\n}\n';
    const list = providers.map(hclString).join(', ');
    const where = this.options.sandboxed ? SANDBOX_MIRROR : this.mirror.path;
    return (
      `provider_installation {\n` +
      `  filesystem_mirror {\n    path    = ${hclString(where)}\n    include = [${list}]\n  }\n` +
      `  direct {\n    exclude = [${list}]\n  }\n` +
      `}\n`
    );
  }
}

/** The providers a filesystem mirror holds, as `<hostname>/<namespace>/<type>`. */
async function mirroredProviders(root: string): Promise<string[]> {
  const providers: string[] = [];
  for (const hostname of await directories(root)) {
    for (const namespace of await directories(path.join(root, hostname))) {
      for (const type of await directories(path.join(root, hostname, namespace))) {
        providers.push(`${hostname}/${namespace}/${type}`);
      }
    }
  }
  return providers.sort();
}

async function directories(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
}

/** A string literal of OpenTofu's CLI configuration. */
function hclString(value: string): string {
  return JSON.stringify(value);
}
