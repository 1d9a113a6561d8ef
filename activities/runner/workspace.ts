import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar';
import type { ResolvedElement } from '../../src/contexts/runtimeConfig';
import type { CommitInfo, VcsProvider } from '../../src/vcs';
import { BACKEND_OVERRIDE_FILE, backendOverride } from './backend';
import type { Stack } from '../../src/stacks/service';

/**
 * A run's workspace on a worker's disk:
 *   <root>/home     HOME of the run's tools
 *   <root>/source   the repository at the run's commit
 *   <root>/source/<projectRoot>   where OpenTofu runs
 */
export interface Workspace {
  root: string;
  home: string;
  /** The project directory: the source's projectRoot. */
  dir: string;
}

/** The saved plan, in the project directory: what a person confirms and the apply applies. */
export const PLAN_FILE = 'gantry.tfplan';
/** OpenTofu's dependency lock file, which the saved plan's providers must match. */
export const LOCK_FILE = '.terraform.lock.hcl';

export class WorkspaceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkspaceError';
  }
}

/**
 * A fresh, empty `root`, readable only by the worker: workspaces hold file mounts and state,
 * and the directory holding them is private as well.
 */
async function makeRoot(root: string): Promise<void> {
  await fs.rm(root, { recursive: true, force: true });
  await fs.mkdir(path.dirname(root), { recursive: true, mode: 0o700 });
  await fs.chmod(path.dirname(root), 0o700);
  await fs.mkdir(root, { mode: 0o700 });
}

/** Where the parts of a workspace rooted at `root` are, made or not. */
export function layout(root: string, projectRoot: string | null): Workspace {
  return {
    root,
    home: path.join(root, 'home'),
    dir: path.join(root, 'source', projectRoot ?? ''),
  };
}

function isWithin(base: string, target: string): boolean {
  return target === base || target.startsWith(`${base}${path.sep}`);
}

/** `relative` inside `base`, or a WorkspaceError naming what it is. */
function inside(base: string, relative: string, what: string): string {
  const target = path.resolve(base, relative);
  if (!isWithin(base, target)) {
    throw new WorkspaceError(`${what} "${relative}" points outside the workspace`);
  }
  return target;
}

/**
 * Refuses a checkout holding a symbolic link that leads out of it, or nowhere: Gantry itself
 * follows paths in the workspace (the project root, file mounts, the backend override) before
 * any tool runs, and must never be led into its own files by a repository. A link is judged by
 * where the kernel really takes it; one that leads nowhere cannot be judged (`a/..` depends on
 * where `a` leads), so it is refused too.
 */
async function refuseOutwardLinks(source: string): Promise<void> {
  const real = await fs.realpath(source);
  for (const entry of await fs.readdir(source, { recursive: true, withFileTypes: true })) {
    if (!entry.isSymbolicLink()) continue;
    const link = path.join(entry.parentPath, entry.name);
    const target = await fs.readlink(link);
    const name = path.relative(source, link);
    const resolved = await fs.realpath(link).catch(() => undefined);
    if (resolved === undefined) {
      throw new WorkspaceError(
        `the repository's symbolic link "${name}" leads to nothing ("${target}"); Gantry refuses ` +
          'such links: remove it or point it at a file in the repository',
      );
    }
    if (path.isAbsolute(target) || !isWithin(real, resolved)) {
      throw new WorkspaceError(
        `the repository's symbolic link "${name}" points outside the repository ("${target}"); ` +
          'Gantry refuses such links: make it relative to a file in the repository',
      );
    }
  }
}

/**
 * Writes a file of Gantry's into the workspace: whatever the repository has at that path is
 * replaced, never written through.
 */
async function writeOwnFile(file: string, content: string | Buffer): Promise<void> {
  await fs.rm(file, { recursive: true, force: true });
  await fs.writeFile(file, content, { mode: 0o600, flag: 'wx' });
}

/**
 * Checks out the commit, writes the file mounts and, for a stack whose state Gantry manages,
 * the backend override. Anything left in `root` from an earlier attempt is replaced.
 */
export async function prepareWorkspace(options: {
  root: string;
  stack: Stack;
  commit: string;
  vcs: VcsProvider;
  /** File mounts with their revealed values (base64, as the API takes them). */
  fileMounts: Array<ResolvedElement & { value: string }>;
  apiUrl: string;
}): Promise<{ workspace: Workspace; commit: CommitInfo }> {
  const { root, stack } = options;
  await makeRoot(root);
  const source = path.join(root, 'source');
  await fs.mkdir(source);
  const workspace = layout(root, stack.projectRoot);
  await fs.mkdir(workspace.home);

  const commit = await options.vcs.checkout(stack, options.commit, source);
  await refuseOutwardLinks(source);
  inside(source, stack.projectRoot ?? '', 'projectRoot');
  const projectDir = await fs.stat(workspace.dir).catch(() => undefined);
  if (!projectDir?.isDirectory()) {
    throw new WorkspaceError(
      `projectRoot "${stack.projectRoot}" is not a directory at commit ${commit.hash}`,
    );
  }

  for (const { element, value } of options.fileMounts) {
    const file = inside(workspace.dir, element.id, 'file mount');
    if (file === workspace.dir) {
      throw new WorkspaceError(
        `file mount "${element.id}" names the project directory, not a file`,
      );
    }
    await fs.mkdir(path.dirname(file), { recursive: true });
    await writeOwnFile(file, Buffer.from(value, 'base64'));
  }
  if (stack.managesStateFile) {
    await writeOwnFile(
      path.join(workspace.dir, BACKEND_OVERRIDE_FILE),
      backendOverride(options.apiUrl, stack.id),
    );
  }
  return { workspace, commit };
}

// Provider plugins are large and reinstalled by `tofu init` from the lock file.
const PROVIDERS = `${path.sep}.terraform${path.sep}providers`;

/** The workspace as a gzipped tar, without provider plugins. */
export async function packWorkspace(workspace: Workspace): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const stream = tar.c(
    {
      gzip: true,
      cwd: workspace.root,
      portable: true,
      filter: (entry) => !entry.includes(PROVIDERS),
    },
    ['source'],
  );
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Unpacks what packWorkspace made into a fresh `root`. */
export async function unpackWorkspace(
  archive: Buffer,
  root: string,
  projectRoot: string | null,
): Promise<Workspace> {
  await makeRoot(root);
  const workspace = layout(root, projectRoot);
  await fs.mkdir(workspace.home);
  await pipeline(Readable.from(archive), tar.x({ cwd: root, strict: true }));
  return workspace;
}

/**
 * This worker process's own directory for workspaces, `<base>/<pid>`, private to the worker.
 * The directories of worker processes that are gone (killed, crashed) are removed: their
 * workspaces hold file mounts and state nobody will use again.
 */
export async function claimWorkRoot(base: string): Promise<string> {
  await fs.mkdir(base, { recursive: true, mode: 0o700 });
  // Under a shared /tmp, another user may have made it first, or put a link there.
  const made = await fs.lstat(base);
  if (!made.isDirectory() || made.uid !== process.getuid?.()) {
    throw new WorkspaceError(
      `"${base}" is not a directory of this worker's user; remove it, or start the worker with TMPDIR pointing at a directory of its own`,
    );
  }
  await fs.chmod(base, 0o700);
  for (const entry of await fs.readdir(base)) {
    if (/^\d+$/.test(entry) && Number(entry) !== process.pid && !isAlive(Number(entry))) {
      await fs.rm(path.join(base, entry), { recursive: true, force: true });
    }
  }
  const root = path.join(base, String(process.pid));
  await fs.mkdir(root, { recursive: true, mode: 0o700 });
  return root;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The SHA-256 of a file of the workspace, read as a stream; `none` if it is not there, `not a
 * file` if it is a link or anything but a file. The run wrote it: Gantry never follows it out
 * of the workspace, nor reads a device.
 */
export async function digestOf(file: string): Promise<string> {
  const handle = await fs
    .open(file, constants.O_RDONLY | constants.O_NOFOLLOW)
    .catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ELOOP') return undefined;
      throw error;
    });
  if (!handle) return (await fs.lstat(file).catch(() => undefined)) ? 'not a file' : 'none';
  try {
    if (!(await handle.stat()).isFile()) return 'not a file';
    const hash = createHash('sha256');
    await pipeline(handle.createReadStream({ autoClose: false }), hash);
    return hash.digest('hex');
  } finally {
    await handle.close();
  }
}
