import { spawn } from 'node:child_process';
import os from 'node:os';
import readline from 'node:readline';

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

/**
 * Runs a tool in its own process group and resolves with its exit code. However the call ends
 * — exit, abort or silence — the whole group is gone afterwards: a provisioner's `sleep` or a
 * provider plugin does not outlive its run.
 */
export async function runToolProcess(options: ToolProcessOptions): Promise<number> {
  const graceMs = options.graceMs ?? 10_000;
  options.signal?.throwIfAborted();
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const group = child.pid;

  const signalGroup = (signal: NodeJS.Signals) => {
    if (group === undefined) return;
    try {
      process.kill(-group, signal);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  };

  let failure: Error | undefined;
  let killTimer: NodeJS.Timeout | undefined;
  const interrupt = (error: Error) => {
    if (failure) return;
    failure = error;
    signalGroup('SIGINT');
    killTimer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
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

  const streams = [child.stdout, child.stderr].map(
    (stream) =>
      new Promise<void>((resolve) => {
        const lines = readline.createInterface({ input: stream, crlfDelay: Infinity });
        lines.on('line', (line) => {
          resetSilence();
          options.onLine(line);
        });
        lines.once('close', resolve);
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
    // The leader has exited; whatever it left running in its group goes with it, which also
    // closes the pipes such a process may still hold.
    signalGroup('SIGKILL');
    await Promise.all(streams);
    if (failure) throw failure;
    return code;
  } finally {
    clearTimeout(silenceTimer);
    clearTimeout(killTimer);
    options.signal?.removeEventListener('abort', onAbort);
    signalGroup('SIGKILL');
  }
}

function formatDuration(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000} minute${ms === 60_000 ? '' : 's'}`;
  return `${Math.round(ms / 1000)} seconds`;
}
