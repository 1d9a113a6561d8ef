import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ProviderMirrorConfig } from '../../../activities/runner/providerMirror';

describe('the CLI configuration for a provider mirror', () => {
  let workRoot: string;
  let mirror: string;

  beforeEach(async () => {
    workRoot = await fs.mkdtemp(path.join(os.tmpdir(), 'gantry-work-'));
    mirror = await fs.mkdtemp(path.join(os.tmpdir(), 'gantry-mirror-'));
  });

  afterEach(async () => {
    await fs.rm(workRoot, { recursive: true, force: true });
    await fs.rm(mirror, { recursive: true, force: true });
  });

  const written = async (config: ProviderMirrorConfig) => {
    const file = await config.write();
    return {
      file,
      content: await fs.readFile(path.join(workRoot, 'provider-mirror.tofurc'), 'utf8'),
    };
  };

  it("installs the mirror's providers from it alone and the others directly, as the sandbox sees it", async () => {
    for (const provider of [
      'registry.opentofu.org/spacelift-io/spacelift',
      'example.com/acme/thing',
    ]) {
      await fs.mkdir(path.join(mirror, provider, '1.0.0', 'linux_amd64'), { recursive: true });
    }
    const config = new ProviderMirrorConfig(
      { kind: 'filesystem', path: mirror },
      { workRoot, sandboxed: true },
    );
    const { file, content } = await written(config);
    expect(file).toBe('/gantry/etc/tofurc');
    const list = '["example.com/acme/thing", "registry.opentofu.org/spacelift-io/spacelift"]';
    expect(content).toBe(
      `provider_installation {\n  filesystem_mirror {\n    path    = "/gantry/providers"\n    include = ${list}\n  }\n  direct {\n    exclude = ${list}\n  }\n}\n`,
    );
    expect(config.mounts).toEqual([
      { hostPath: path.join(workRoot, 'provider-mirror.tofurc'), target: '/gantry/etc/tofurc' },
      { hostPath: mirror, target: '/gantry/providers' },
    ]);
    // The run's user reads it through the sandbox.
    expect((await fs.stat(path.join(workRoot, 'provider-mirror.tofurc'))).mode & 0o777).toBe(0o644);
  });

  it('names the paths of the worker when runs are not sandboxed, and installs directly from an empty mirror', async () => {
    const config = new ProviderMirrorConfig(
      { kind: 'filesystem', path: mirror },
      { workRoot, sandboxed: false },
    );
    const { file, content } = await written(config);
    expect(file).toBe(path.join(workRoot, 'provider-mirror.tofurc'));
    expect(content).toBe('provider_installation {\n  direct {}\n}\n');
  });

  it('sends every provider to a network mirror', async () => {
    const config = new ProviderMirrorConfig(
      { kind: 'network', url: 'https://mirror.example/providers/' },
      { workRoot, sandboxed: true },
    );
    const { content } = await written(config);
    expect(content).toBe(
      'provider_installation {\n  network_mirror {\n    url = "https://mirror.example/providers/"\n  }\n}\n',
    );
    expect(config.mounts).toEqual([
      { hostPath: path.join(workRoot, 'provider-mirror.tofurc'), target: '/gantry/etc/tofurc' },
    ]);
  });
});
