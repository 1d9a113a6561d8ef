import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Where a run's workspace is inside its sandbox, whatever its path on the worker. */
export const SANDBOX_WORKSPACE = '/workspace';
/** Where the tools Gantry hands a run (tofu) are inside its sandbox. */
export const SANDBOX_BIN = '/gantry/bin';
const SANDBOX_LIBEXEC = '/gantry/libexec';
const SUPERVISOR = path.join(__dirname, 'supervisor.js');
const BWRAP = 'bwrap';
// A run's own /tmp is memory: it gets this much at most.
const TMP_BYTES = 1024 * 1024 * 1024;
const MAX_PROCESSES = 4096;

// The parts of the worker's root a run sees, read-only: programs, libraries, and only the
// files of /etc that name resolution, TLS and user lookups read. Everything else — the data
// dir, other workspaces, /var, /home, /root — is simply not there.
const SYSTEM_DIRS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];
const ETC_FILES = [
  '/etc/resolv.conf',
  '/etc/hosts',
  '/etc/nsswitch.conf',
  '/etc/host.conf',
  '/etc/gai.conf',
  '/etc/services',
  '/etc/protocols',
  '/etc/passwd',
  '/etc/group',
  '/etc/localtime',
  '/etc/ssl',
  '/etc/ca-certificates',
  '/etc/pki',
  '/etc/alternatives',
  '/etc/ld.so.cache',
  '/etc/ld.so.conf',
  '/etc/ld.so.conf.d',
  '/etc/mime.types',
];

export interface SandboxSettings {
  /** `off` runs tools as the worker's own user with nothing in between (GANTRY_RUN_SANDBOX). */
  enabled: boolean;
  /** The user and group a run's tools are when the worker is root (GANTRY_RUN_USER). */
  runUser: { uid: number; gid: number };
}

/** A tool program handed into the sandbox, read-only, at SANDBOX_BIN/<name>. */
export interface SandboxTool {
  hostPath: string;
  name: string;
}

/** Something of the worker's disk a run's sandbox holds read-only at `target`. */
export interface SandboxMount {
  hostPath: string;
  target: string;
}

/**
 * How to start one tool inside a sandbox: bubblewrap's command line, ending with the supervisor
 * (see supervisor.js), which reads what to run from its stdin.
 */
export interface SandboxLaunch {
  command: string;
  args: string[];
  /** How long a tool whose worker died gets, after SIGINT, to stop cleanly. */
  orphanGraceMs: number;
}

export class SandboxUnavailableError extends Error {
  constructor(reason: string) {
    super(
      `this worker cannot sandbox runs (${reason}); install bubblewrap (the Debian package ` +
        '"bubblewrap") and let the worker create namespaces, or set GANTRY_RUN_SANDBOX=off to ' +
        "run tools unsandboxed as the worker's own user, which lets run code read the worker's secrets",
    );
    this.name = 'SandboxUnavailableError';
  }
}

/**
 * The isolation every tool process of a run gets (tofu, providers, provisioners, tasks), through
 * bubblewrap: its own PID namespace (everything it starts dies with the phase, and no other
 * process of the machine is visible, in /proc or otherwise), its own mount view in which only
 * its workspace is writable and nothing of Gantry's is present, its own unprivileged user
 * with no capabilities and no way to gain any, and only stdin, stdout and stderr inherited.
 * The network is the worker's, since providers reach their APIs.
 *
 * When the worker runs as root the tools run as `runUser`, and the workspace is handed to
 * that user; otherwise bubblewrap maps the worker's user into a user namespace of its own.
 */
export class Sandbox {
  private constructor(
    readonly settings: SandboxSettings,
    /** Why this worker cannot sandbox, when it was asked to. */
    readonly unavailable: string | undefined,
    private readonly asRoot: boolean,
    /** How the system's directories appear in a sandbox, found once (see systemMounts). */
    private readonly system: string[],
  ) {}

  /** Finds bubblewrap and proves it can build a sandbox here. */
  static async create(settings: SandboxSettings): Promise<Sandbox> {
    const asRoot = process.getuid?.() === 0;
    const system = await systemMounts();
    const sandbox = new Sandbox(settings, undefined, asRoot, system);
    if (!settings.enabled) return sandbox;
    try {
      await run(BWRAP, [...sandbox.bwrapArgs(undefined, []), '/bin/true'], {
        env: { PATH: '/usr/bin:/bin' },
        timeout: 10_000,
      });
      return sandbox;
    } catch (error) {
      const failure = error as NodeJS.ErrnoException & { stderr?: string };
      const reason =
        failure.code === 'ENOENT'
          ? `"${BWRAP}" was not found on PATH`
          : (failure.stderr?.trim() || failure.message).split('\n')[0]!;
      return new Sandbox(settings, reason, asRoot, system);
    }
  }

  get enabled(): boolean {
    return this.settings.enabled;
  }

  /** Where a workspace rooted at `root` on the worker is for the tools. */
  view(root: string): string {
    return this.enabled ? SANDBOX_WORKSPACE : root;
  }

  /** Where a tool handed to the run is for the tools. */
  toolPath(tool: SandboxTool): string {
    return this.enabled ? path.posix.join(SANDBOX_BIN, tool.name) : tool.hostPath;
  }

  /** Gives the workspace to the run's user: only it and the worker can enter it. */
  async handOver(root: string): Promise<void> {
    if (!this.enabled || !this.asRoot) return;
    const { uid, gid } = this.settings.runUser;
    await run('chown', ['-R', '--no-dereference', `${uid}:${gid}`, root]);
    await fs.chmod(root, 0o700);
  }

  /**
   * How to start a tool in a sandbox around the workspace at `root`, with `tools` in it and
   * `mounts` read-only.
   */
  launch(
    root: string,
    tools: SandboxTool[],
    orphanGraceMs: number,
    mounts: SandboxMount[] = [],
  ): SandboxLaunch {
    if (this.unavailable) throw new SandboxUnavailableError(this.unavailable);
    const supervisor = [
      path.posix.join(SANDBOX_LIBEXEC, 'node'),
      path.posix.join(SANDBOX_LIBEXEC, 'supervisor.js'),
    ];
    const binds = [
      ...tools.map((tool) => ({ source: tool.hostPath, target: this.toolPath(tool) })),
      { source: process.execPath, target: supervisor[0]! },
      { source: SUPERVISOR, target: supervisor[1]! },
      ...mounts.map((mount) => ({ source: mount.hostPath, target: mount.target })),
    ];
    return {
      command: BWRAP,
      args: [...this.bwrapArgs(root, binds), ...supervisor],
      orphanGraceMs,
    };
  }

  private bwrapArgs(
    root: string | undefined,
    binds: Array<{ source: string; target: string }>,
  ): string[] {
    const args = [
      '--unshare-pid',
      '--unshare-ipc',
      '--unshare-uts',
      '--unshare-cgroup-try',
      // The supervisor is the namespace's init: the tools cannot signal it, and when it exits
      // the kernel kills whatever is left.
      '--as-pid-1',
      '--new-session',
      '--hostname',
      'gantry-run',
    ];
    args.push(...this.system);
    // Directories bubblewrap makes on its own way to a mount point are the worker's alone.
    args.push('--dir', '/etc');
    for (const file of ETC_FILES) args.push('--ro-bind-try', file, file);
    args.push('--proc', '/proc', '--dev', '/dev');
    args.push('--size', String(TMP_BYTES), '--perms', '1777', '--tmpfs', '/tmp');
    if (root !== undefined) args.push('--bind', root, SANDBOX_WORKSPACE);
    const dirs = new Set([path.posix.dirname(SANDBOX_BIN), SANDBOX_BIN, SANDBOX_LIBEXEC]);
    for (const bind of binds) dirs.add(path.posix.dirname(bind.target));
    for (const dir of dirs) args.push('--dir', dir);
    for (const bind of binds) args.push('--ro-bind', bind.source, bind.target);
    if (this.asRoot) {
      const { uid, gid } = this.settings.runUser;
      args.push(
        '--cap-add',
        'CAP_SETUID',
        '--cap-add',
        'CAP_SETGID',
        '--',
        'setpriv',
        `--reuid=${uid}`,
        `--regid=${gid}`,
        '--clear-groups',
        '--inh-caps=-all',
        '--bounding-set=-all',
        '--no-new-privs',
        '--',
      );
    } else {
      args.push('--unshare-user', '--disable-userns', '--cap-drop', 'ALL', '--');
    }
    // A fork bomb stops at this many processes of the run's user, short of the machine's limit.
    args.push('prlimit', `--nproc=${MAX_PROCESSES}`, '--');
    return args;
  }
}

/**
 * bubblewrap's arguments for the system's directories: bound read-only where they are
 * directories, and links again where they are links (`/bin` → `usr/bin` on merged-/usr systems).
 */
async function systemMounts(): Promise<string[]> {
  const args: string[] = [];
  for (const dir of SYSTEM_DIRS) {
    const stat = await fs.lstat(dir).catch(() => undefined);
    if (stat?.isSymbolicLink()) args.push('--symlink', await fs.readlink(dir), dir);
    else if (stat?.isDirectory()) args.push('--ro-bind', dir, dir);
  }
  return args;
}
