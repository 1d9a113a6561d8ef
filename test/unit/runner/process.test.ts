import {
  InterruptedError,
  OutputLimitError,
  runToolProcess,
  SilenceError,
} from '../../../activities/runner/process';
import { isAlive } from '../../../temporal/devServer';

const PATH = '/usr/bin:/bin';

function run(script: string, extra: Partial<Parameters<typeof runToolProcess>[0]> = {}) {
  const lines: string[] = [];
  const done = runToolProcess({
    command: '/bin/sh',
    args: ['-c', script],
    cwd: '/tmp',
    env: { PATH },
    onLine: (line) => lines.push(line),
    ...extra,
  });
  return { lines, done };
}

async function until(condition: () => boolean, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Whether the process is gone within a second: a killed process exits asynchronously. */
async function gone(pid: number): Promise<boolean> {
  const deadline = Date.now() + 1_000;
  while (await isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

describe('runToolProcess', () => {
  it('passes on each line of stdout and stderr and resolves with the exit code', async () => {
    const { lines, done } = run('echo one; echo two >&2; printf "three"; exit 3');
    expect(await done).toBe(3);
    expect(lines.sort()).toEqual(['one', 'three', 'two']);
  });

  it('gives the process exactly the environment it is handed', async () => {
    const lines: string[] = [];
    await runToolProcess({
      command: '/usr/bin/env',
      args: [],
      cwd: '/tmp',
      env: { ONLY: 'this' },
      onLine: (line) => lines.push(line),
    });
    expect(lines).toEqual(['ONLY=this']);
  });

  it('stops the whole process group when aborted', async () => {
    const controller = new AbortController();
    const { lines, done } = run('sleep 30 & echo $!; wait', { signal: controller.signal });
    await until(() => lines.length > 0);
    const sleeper = Number(lines[0]);
    controller.abort(new Error('run stopped'));
    await expect(done).rejects.toThrow(InterruptedError);
    await expect(done).rejects.toThrow('interrupted: run stopped');
    expect(await gone(sleeper)).toBe(true);
  });

  it('kills a process that ignores SIGINT once the grace time is over', async () => {
    const controller = new AbortController();
    const { lines, done } = run("trap '' INT; echo $$; while true; do sleep 0.1; done", {
      signal: controller.signal,
      graceMs: 300,
    });
    await until(() => lines.length > 0);
    const shell = Number(lines[0]);
    const aborted = Date.now();
    controller.abort('stop');
    await expect(done).rejects.toThrow(InterruptedError);
    expect(Date.now() - aborted).toBeLessThan(5_000);
    expect(await gone(shell)).toBe(true);
  });

  it('interrupts a process that stays silent too long', async () => {
    const { lines, done } = run('echo $$; sleep 30', { silenceTimeoutMs: 500 });
    await expect(done).rejects.toThrow(SilenceError);
    expect(await gone(Number(lines[0]))).toBe(true);
  });

  it('leaves nothing running that the process started in the background', async () => {
    const { lines, done } = run('sleep 30 & echo $!');
    expect(await done).toBe(0);
    // Killed when the run ends; the kernel finishes tearing it down a moment later.
    expect(await gone(Number(lines[0]))).toBe(true);
  });

  it('cuts a line that never ends into pieces, so no output can exhaust the worker', async () => {
    const pieces: number[] = [];
    const code = await runToolProcess({
      command: '/bin/sh',
      args: ['-c', "head -c 200000 /dev/zero | tr '\\0' a; echo; echo done"],
      cwd: '/tmp',
      env: { PATH },
      onLine: (line) => pieces.push(line.length),
    });
    expect(code).toBe(0);
    expect(pieces).toEqual([65536, 65536, 65536, 200000 - 3 * 65536, 4]);
  });

  it('interrupts a tool that writes more output than a run keeps', async () => {
    let lines = 0;
    const done = runToolProcess({
      command: '/bin/sh',
      args: ['-c', 'yes "$(head -c 1000 /dev/zero | tr "\\0" x)"'],
      cwd: '/tmp',
      env: { PATH },
      onLine: () => (lines += 1),
    });
    await expect(done).rejects.toThrow(OutputLimitError);
    await expect(done).rejects.toThrow(
      'wrote more than 100 MiB of output; the process was interrupted',
    );
    expect(lines).toBeLessThan(110_000);
  });

  it('says which command could not start', async () => {
    await expect(
      runToolProcess({
        command: '/nonexistent/tofu',
        args: [],
        cwd: '/tmp',
        env: {},
        onLine: () => {},
      }),
    ).rejects.toThrow(/^starting \/nonexistent\/tofu: spawn \/nonexistent\/tofu ENOENT/);
  });

  it('refuses to start when already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('too late'));
    await expect(run('echo never', { signal: controller.signal }).done).rejects.toThrow('too late');
  });
});
