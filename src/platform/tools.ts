import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

export type ToolName = 'temporal' | 'opa' | 'tofu';

export const projectRoot = path.resolve(__dirname, '..', '..');

const envVars = {
  temporal: 'GANTRY_TEMPORAL_CLI',
  opa: 'GANTRY_OPA_PATH',
  tofu: 'GANTRY_TOFU_PATH',
} as const satisfies Record<ToolName, string>;

type ToolPaths = Partial<Record<(typeof envVars)[ToolName], string>>;

function isExecutable(file: string) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export const toolsBinDir = path.join(projectRoot, '.tools', 'bin');

/** Where a tool is: its GANTRY_* variable, then .tools/bin, then PATH. */
export function findTool(
  name: ToolName,
  paths: ToolPaths,
  { searchPath = process.env.PATH ?? '', binDir = toolsBinDir } = {},
) {
  const named = paths[envVars[name]];
  if (named) return isExecutable(named) ? named : undefined;
  const candidates = [
    path.join(binDir, name),
    ...searchPath
      .split(path.delimiter)
      .filter(Boolean)
      .map((dir) => path.join(dir, name)),
  ];
  return candidates.find(isExecutable);
}

export function requireTool(name: ToolName, paths: ToolPaths): string {
  const found = findTool(name, paths);
  if (found) return found;
  const variable = envVars[name];
  throw new Error(
    paths[variable]
      ? `${variable} names "${paths[variable]}", which is not an executable file`
      : `${name} was not found in .tools/bin or on PATH; run \`npm run tools\` to build it, or set ${variable}`,
  );
}

/** Builds whichever pinned tools are missing, printing the build script's progress on stderr. */
export async function ensureTools(names: ToolName[], signal?: AbortSignal): Promise<void> {
  const script = path.join(projectRoot, 'tools', 'install.sh');
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn('bash', [script, ...names], {
      stdio: ['ignore', 'inherit', 'inherit'],
      ...(signal ? { signal } : {}),
    });
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) {
    throw new Error(
      `installing tools: tools/install.sh exited with code ${code}; its output above says why`,
    );
  }
}
