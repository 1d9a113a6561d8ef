import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { StringDecoder } from 'node:string_decoder';
import type { Readable, Writable } from 'node:stream';
import { SYSTEM_PATH } from './environment';
import type { SandboxLaunch } from './sandbox';

export interface ToolProcessOptions {
  command: string;
  args: string[];
  cwd: string;
  /** The whole environment of the process: nothing of the worker's own is added. */
  env: Record<string, string>;
  /** Each line the process writes, stdout and stderr alike, as it comes. */
  onLine: (line: string) => void;
  /** Aborting interrupts the process and every process it started. */
  signal?: AbortSignal;
  /** With no output for this long, the process is interrupted and the call fails. */
  silenceTimeoutMs?: number;
  /** After SIGINT, how long the process group gets before SIGKILL. */
  graceMs?: number;
  /** Runs the tool inside this sandbox; `command` and `cwd` are then paths inside it. */
  sandbox?: SandboxLaunch;
}

/** The tool wrote nothing for longer than the silence timeout. */
export class SilenceError extends Error {
  constructor(readonly silenceMs: number) {
    super(`no log output for ${formatDuration(silenceMs)}; the process was interrupted`);
    this.name = 'SilenceError';
  }
}

/** The call was aborted; the process group has been stopped. */
export class InterruptedError extends Error {
  constructor(readonly reason: unknown) {
    super(`interrupted: ${reason instanceof Error ? reason.message : String(reason)}`);
    this.name = 'InterruptedError';
  }
}

/** A started tool, however it was started. */
interface Started {
  child: ChildProcessByStdio<Writable | null, Readable, Readable>;
  /** SIGINT to the tool and everything it started. */
  interrupt(): void;
  /** SIGKILL to the tool and everything it started. */
  kill(): void;
}

function startDirect(options: ToolProcessOptions): Started {
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const signalGroup = (signal: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  };
  return { child, interrupt: () => signalGroup('SIGINT'), kill: () => signalGroup('SIGKILL') };
}

/**
 * Starts bubblewrap with the supervisor as the sandbox's init, and hands the supervisor what to
 * run on stdin (the environment holds secrets, so it is never on a command line). Killing the
 * init ends the sandbox: the kernel kills everything in its PID namespace.
 */
function startSandboxed(options: ToolProcessOptions, sandbox: SandboxLaunch): Started {
  const child = spawn(sandbox.command, sandbox.args, {
    cwd: '/',
    env: { PATH: SYSTEM_PATH },
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  // A supervisor that is gone no longer reads; the sandbox is killed below either way.
  child.stdin.on('error', () => {});
  const spec = {
    command: options.command,
    args: options.args,
    cwd: options.cwd,
    env: options.env,
    orphanGraceMs: sandbox.orphanGraceMs,
  };
  child.stdin.write(`${JSON.stringify(spec)}\n`);
  const send = (line: string) => {
    if (child.stdin.writable) child.stdin.write(`${line}\n`);
  };
  const killInit = () => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    let children = '';
    try {
      children = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8');
    } catch {
      // bubblewrap has already exited.
    }
    for (const pid of children.split(/\s+/).filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
      }
    }
  };
  return {
    child,
    interrupt: () => send('interrupt'),
    kill: () => {
      send('kill');
      killInit();
    },
  };
}

/**
 * Runs a tool and resolves with its exit code. However the call ends — exit, abort or silence —
 * the tool and everything it started are gone afterwards: a provisioner's `sleep` or a provider
 * plugin does not outlive its run. With `sandbox`, the tool runs inside it (see ./sandbox);
 * otherwise in a process group of its own on the worker.
 */
export async function runToolProcess(options: ToolProcessOptions): Promise<number> {
  const graceMs = options.graceMs ?? 10_000;
  options.signal?.throwIfAborted();
  const started = options.sandbox ? startSandboxed(options, options.sandbox) : startDirect(options);
  const { child } = started;

  let failure: Error | undefined;
  let killTimer: NodeJS.Timeout | undefined;
  const interrupt = (error: Error) => {
    if (failure) return;
    failure = error;
    started.interrupt();
    killTimer = setTimeout(() => started.kill(), graceMs);
  };

  let silenceTimer: NodeJS.Timeout | undefined;
  const resetSilence = () => {
    if (options.silenceTimeoutMs === undefined) return;
    clearTimeout(silenceTimer);
    silenceTimer = setTimeout(
      () => interrupt(new SilenceError(options.silenceTimeoutMs!)),
      options.silenceTimeoutMs,
    );
  };
  resetSilence();

  const onAbort = () => interrupt(new InterruptedError(options.signal?.reason));
  options.signal?.addEventListener('abort', onAbort, { once: true });

  let written = 0;
  const streams = [child.stdout, child.stderr].map((stream) =>
    readLines(stream, (line) => {
      resetSilence();
      written += Buffer.byteLength(line) + 1;
      if (written > MAX_OUTPUT_BYTES) {
        interrupt(new OutputLimitError(MAX_OUTPUT_BYTES));
        return;
      }
      options.onLine(line);
    }),
  );

  try {
    const code = await new Promise<number>((resolve, reject) => {
      child.once('error', (error) =>
        reject(new Error(`starting ${options.command}: ${error.message}`)),
      );
      child.once('exit', (exitCode, signal) =>
        resolve(exitCode ?? 128 + (signal ? os.constants.signals[signal] : 0)),
      );
    });
    // The leader has exited; whatever it left running goes with it, which also closes the
    // pipes such a process may still hold.
    started.kill();
    await Promise.all(streams);
    if (failure) throw failure;
    return code;
  } finally {
    clearTimeout(silenceTimer);
    clearTimeout(killTimer);
    options.signal?.removeEventListener('abort', onAbort);
    started.kill();
  }
}

// Longer lines are cut into pieces this long: a tool that never writes a newline must not
// make the worker hold its whole output in memory.
const MAX_LINE_CHARS = 64 * 1024;
// What one tool may write in all; past it, it is interrupted.
const MAX_OUTPUT_BYTES = 100 * 1024 * 1024;

/** The tool wrote more output than a run's logs keep. */
export class OutputLimitError extends Error {
  constructor(readonly limitBytes: number) {
    super(`wrote more than ${limitBytes / 1024 / 1024} MiB of output; the process was interrupted`);
    this.name = 'OutputLimitError';
  }
}

/** Calls `onLine` with each line of `stream` as it comes, `\r\n` or `\n` ended, cut to size. */
function readLines(stream: Readable, onLine: (line: string) => void): Promise<void> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  const emit = (final: boolean) => {
    for (;;) {
      const newline = pending.indexOf('\n');
      if (newline >= 0 && newline <= MAX_LINE_CHARS) {
        onLine(pending.slice(0, newline).replace(/\r$/, ''));
        pending = pending.slice(newline + 1);
      } else if (newline > MAX_LINE_CHARS || pending.length > MAX_LINE_CHARS) {
        onLine(pending.slice(0, MAX_LINE_CHARS));
        pending = pending.slice(MAX_LINE_CHARS);
      } else {
        break;
      }
    }
    if (final && pending !== '') {
      onLine(pending.replace(/\r$/, ''));
      pending = '';
    }
  };
  return new Promise((resolve) => {
    stream.on('data', (chunk: Buffer) => {
      pending += decoder.write(chunk);
      emit(false);
    });
    stream.once('close', () => {
      pending += decoder.end();
      emit(true);
      resolve();
    });
  });
}

function formatDuration(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000} minute${ms === 60_000 ? '' : 's'}`;
  return `${Math.round(ms / 1000)} seconds`;
}
