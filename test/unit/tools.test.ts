import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { findTool, projectRoot, requireTool } from '../../src/platform/tools';

/**
 * A copy of tools/ in an empty project, so the script sees no .tools/bin and no cache, and a
 * PATH with only the utilities the script uses: no Go and no tools, whatever the machine has.
 */
async function copyOfTools() {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'gantry-tools-'));
  await fs.cp(path.join(projectRoot, 'tools'), path.join(root, 'tools'), { recursive: true });
  const bin = path.join(root, 'bin');
  await fs.mkdir(bin);
  for (const utility of [
    'bash',
    'dirname',
    'awk',
    'sha256sum',
    'cut',
    'cat',
    'mkdir',
    'cp',
    'mv',
  ]) {
    const found = ['/usr/bin', '/bin'].map((dir) => path.join(dir, utility));
    const target = await Promise.any(found.map((file) => fs.access(file).then(() => file)));
    await fs.symlink(target, path.join(bin, utility));
  }
  return root;
}

function install(root: string, args: string[], env: NodeJS.ProcessEnv) {
  const result = spawnSync(
    path.join(root, 'bin', 'bash'),
    [path.join(root, 'tools', 'install.sh'), ...args],
    {
      env: {
        PATH: path.join(root, 'bin'),
        HOME: root,
        GANTRY_TOOLS_CACHE: path.join(root, 'cache'),
        ...env,
      },
      encoding: 'utf8',
    },
  );
  return { status: result.status, output: result.stdout + result.stderr };
}

describe('tools/install.sh', () => {
  let root: string;
  beforeEach(async () => {
    root = await copyOfTools();
  });
  afterEach(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  it('uses the binary its GANTRY_* variable names without building', () => {
    const result = install(root, ['tofu'], { GANTRY_TOFU_PATH: '/bin/true' });
    expect(result).toEqual({
      status: 0,
      output: 'tools: tofu: using GANTRY_TOFU_PATH=/bin/true\n',
    });
  });

  it('refuses a GANTRY_* variable that names no executable', () => {
    const result = install(root, ['opa'], { GANTRY_OPA_PATH: '/nonexistent/opa' });
    expect(result.status).toBe(1);
    expect(result.output).toContain(
      "GANTRY_OPA_PATH names '/nonexistent/opa', which is not an executable file",
    );
  });

  it('says what to install when the tool is missing and Go is not there to build it', () => {
    const result = install(root, ['temporal'], {});
    expect(result.status).toBe(1);
    expect(result.output).toContain('temporal: not found, and Go is not installed to build it.');
    expect(result.output).toContain('install Go 1.26 or newer');
    expect(result.output).toContain('install temporal v1.5.1 yourself');
  });

  it('reads each pin from its go.mod', () => {
    for (const [tool, version] of [
      ['temporal', 'v1.5.1'],
      ['opa', 'v1.22.2'],
      ['tofu', 'v1.12.6'],
    ]) {
      expect(install(root, [tool!], {}).output).toContain(`install ${tool} ${version} yourself`);
    }
  });

  it('refuses an unknown tool by name', () => {
    const result = install(root, ['terraform'], {});
    expect(result.status).toBe(2);
    expect(result.output).toContain(
      "unknown tool 'terraform'; the tools are temporal, opa and tofu",
    );
  });
});

describe('findTool', () => {
  it('prefers the GANTRY_* variable', () => {
    expect(findTool('tofu', { GANTRY_TOFU_PATH: '/bin/true' })).toBe('/bin/true');
  });

  it('finds nothing when the variable names no executable, and says so', () => {
    expect(findTool('opa', { GANTRY_OPA_PATH: '/nonexistent/opa' })).toBeUndefined();
    expect(() => requireTool('opa', { GANTRY_OPA_PATH: '/nonexistent/opa' })).toThrow(
      'GANTRY_OPA_PATH names "/nonexistent/opa", which is not an executable file',
    );
  });

  it('looks in .tools/bin, then on PATH', async () => {
    const [binDir, onPath] = await Promise.all([
      fs.mkdtemp(path.join(os.tmpdir(), 'gantry-bin-')),
      fs.mkdtemp(path.join(os.tmpdir(), 'gantry-path-')),
    ]);
    try {
      await fs.symlink('/bin/true', path.join(onPath, 'tofu'));
      expect(findTool('tofu', {}, { binDir, searchPath: onPath })).toBe(path.join(onPath, 'tofu'));
      await fs.symlink('/bin/true', path.join(binDir, 'tofu'));
      expect(findTool('tofu', {}, { binDir, searchPath: onPath })).toBe(path.join(binDir, 'tofu'));
      expect(findTool('opa', {}, { binDir, searchPath: onPath })).toBeUndefined();
    } finally {
      await Promise.all(
        [binDir, onPath].map((dir) => fs.rm(dir, { recursive: true, force: true })),
      );
    }
  });
});
