import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Short commands (git's reads of a remote) run by a small helper process of this one, not by
 * this process itself. Starting a process from Node forks the whole process first, and the
 * time that takes grows with the memory the process holds: in one that holds PGlite (about
 * 500 MB) each start stops the event loop for about 11 ms, against under 3 ms for a process
 * of Node alone. The helper is Node alone, started once (lazily, with no environment of
 * Gantry's: none of its secrets), and starts each command for it; what a command is given is
 * exactly the environment, directory and arguments the caller passes. It ends with this
 * process (when the IPC channel closes), and is started again if it ever ends first.
 */

export interface CommandOptions {
  /** The command's whole environment: nothing of this process's own is added. */
  env: Record<string, string>;
  cwd: string;
  /** Killed (SIGKILL) after this long. */
  timeoutMs: number;
  /** Largest stdout or stderr kept, in bytes; a command writing more is killed. */
  maxBuffer?: number;
}

export interface CommandOutput {
  stdout: string;
  stderr: string;
}

/** A command that failed to start, exited non-zero, was killed or ran out of time. */
export class CommandError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
    readonly exitCode: number | null,
  ) {
    super(message);
  }
}

interface Request {
  id: number;
  file: string;
  args: string[];
  options: CommandOptions;
}

interface Reply {
  id: number;
  stdout: string;
  stderr: string;
  /** Why it failed, as execFile says; absent when it exited 0. */
  error?: string;
  /** It was killed: it ran out of time or wrote more than it may. */
  killed?: boolean;
  code?: number | null;
}

// How long past its own time limit a command's answer may take before it is given up on.
const ANSWER_GRACE_MS = 5_000;

// The helper: plain JavaScript for `node -e`, so that it needs nothing of Gantry's to start.
const HELPER = `
const { execFile } = require('node:child_process');
process.on('disconnect', () => process.exit(0));
const answer = (reply) => { if (process.connected) process.send(reply); };
process.on('message', ({ id, file, args, options }) => {
  try {
    execFile(file, args, {
      env: options.env,
      cwd: options.cwd,
      timeout: options.timeoutMs,
      killSignal: 'SIGKILL',
      maxBuffer: options.maxBuffer ?? 1048576,
      windowsHide: true,
    }, (error, stdout, stderr) => {
      const reply = { id, stdout: String(stdout), stderr: String(stderr) };
      if (error) {
        reply.killed = Boolean(error.killed);
        reply.error = error.message;
        reply.code = typeof error.code === 'number' ? error.code : null;
      }
      answer(reply);
    });
  } catch (error) {
    // A command that cannot even be started (arguments too long, say) fails alone.
    answer({ id, stdout: '', stderr: '', error: String(error && error.message || error), code: null });
  }
});
`;

interface Waiting {
  child: ChildProcess;
  /** Gives up on the answer. */
  timer?: NodeJS.Timeout;
  resolve: (reply: Reply) => void;
  reject: (error: Error) => void;
}

let helper: ChildProcess | undefined;
const pending = new Map<number, Waiting>();
let nextId = 0;

function started(): ChildProcess {
  if (helper?.connected) return helper;
  const child = spawn(process.execPath, ['-e', HELPER], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  const gone = (why: string) => {
    if (helper === child) helper = undefined;
    for (const [id, waiting] of pending) {
      if (waiting.child === child)
        take(id)?.reject(new CommandError(`the command helper ${why}`, '', null));
    }
  };
  child.on('message', (reply: Reply) => take(reply.id)?.resolve(reply));
  child.on('error', (error) => gone(`could not run: ${error.message}`));
  child.on('exit', (code, signal) => gone(`ended (${signal ?? `exit ${code}`})`));
  helper = child;
  idle(child);
  return child;
}

/**
 * The call waiting for `id`, no longer waiting: its timer stopped, and the helper let go of
 * when no other call waits for it. Undefined when the call was settled already.
 */
function take(id: number): Waiting | undefined {
  const waiting = pending.get(id);
  if (!waiting) return undefined;
  pending.delete(id);
  clearTimeout(waiting.timer);
  if (pending.size === 0) idle(waiting.child);
  return waiting;
}

/** Nothing is waiting: the helper keeps no process alive that would otherwise end. */
function idle(child: ChildProcess) {
  child.unref();
  child.channel?.unref();
}

/** Runs `file` with `args` in the helper; its output, or CommandError. */
export async function runCommand(
  file: string,
  args: string[],
  options: CommandOptions,
): Promise<CommandOutput> {
  const child = started();
  const id = nextId++;
  const reply = await new Promise<Reply>((resolve, reject) => {
    const fail = (why: string) => take(id)?.reject(new CommandError(why, '', null));
    // The helper kills a command at its time limit; an answer that never comes is given up on.
    const timer = setTimeout(
      () => fail('the command helper did not answer in time'),
      options.timeoutMs + ANSWER_GRACE_MS,
    );
    pending.set(id, { resolve, reject, child, timer });
    // Waiting on a command keeps the process alive, as a command of its own would.
    child.ref();
    child.channel?.ref();
    if (typeof child.send !== 'function' || !child.connected) {
      fail('the command helper could not be started');
      return;
    }
    child.send({ id, file, args, options } satisfies Request, (error) => {
      if (error) fail(`the command helper did not take the command: ${error.message}`);
    });
  });
  if (reply.error !== undefined) {
    const stderr = reply.stderr.trim();
    const message = reply.killed
      ? `killed: it ran out of time or wrote too much${stderr ? ` (${stderr})` : ''}`
      : stderr || reply.error;
    throw new CommandError(message, reply.stderr, reply.code ?? null);
  }
  return { stdout: reply.stdout, stderr: reply.stderr };
}
