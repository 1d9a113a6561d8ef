import os from 'node:os';
import { CommandError, runCommand } from '../../src/platform/commands';

const base = { cwd: os.tmpdir(), timeoutMs: 10_000 };

describe('commands run by the helper process', () => {
  it('gives a command exactly the environment it is given, and the helper none of this process', async () => {
    process.env.GANTRY_TEST_SECRET = 'must-not-leak';
    try {
      const { stdout } = await runCommand('/usr/bin/env', [], { ...base, env: { ONLY: 'this' } });
      expect(stdout.trim().split('\n')).toEqual(['ONLY=this']);
      // The helper's own environment: the command's parent is the helper.
      const helper = await runCommand('/bin/sh', ['-c', 'tr "\\0" "\\n" < /proc/$PPID/environ'], {
        ...base,
        env: {},
      });
      expect(helper.stdout).not.toContain('GANTRY_TEST_SECRET');
      // PATH, and what Node sets for the IPC channel.
      const names = helper.stdout
        .trim()
        .split('\n')
        .map((line) => line.split('=')[0]);
      expect(names.sort()).toEqual(['NODE_CHANNEL_FD', 'NODE_CHANNEL_SERIALIZATION_MODE', 'PATH']);
    } finally {
      delete process.env.GANTRY_TEST_SECRET;
    }
  });

  it('fails the commands of a helper that dies, and starts another for the next', async () => {
    const { stdout } = await runCommand('/bin/sh', ['-c', 'echo $PPID'], { ...base, env: {} });
    const helperPid = Number(stdout.trim());
    const waiting = runCommand('/bin/sleep', ['5'], { ...base, env: {} });
    await new Promise((resolve) => setTimeout(resolve, 200));
    process.kill(helperPid, 'SIGKILL');
    await expect(waiting).rejects.toThrow(/the command helper ended/);
    const next = await runCommand('/bin/sh', ['-c', 'echo $PPID'], { ...base, env: {} });
    expect(Number(next.stdout.trim())).not.toBe(helperPid);
  });

  it('fails alone a command that cannot even be started', async () => {
    // Longer than Linux takes for one argument (128 KiB).
    await expect(
      runCommand('/bin/echo', ['x'.repeat(200_000)], { ...base, env: {} }),
    ).rejects.toThrow(CommandError);
    const { stdout } = await runCommand('/bin/echo', ['still here'], { ...base, env: {} });
    expect(stdout.trim()).toBe('still here');
  });

  it('runs commands side by side, each answered with its own output', async () => {
    const outputs = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        runCommand('/bin/sh', ['-c', 'echo "$1"', 'sh', `call ${i}`], { ...base, env: {} }),
      ),
    );
    expect(outputs.map((output) => output.stdout.trim())).toEqual(
      Array.from({ length: 20 }, (_, i) => `call ${i}`),
    );
  });

  it("says why a command failed, in the command's own words", async () => {
    const failed = runCommand('/bin/sh', ['-c', 'echo "fatal: no such ref" >&2; exit 3'], {
      ...base,
      env: {},
    });
    await expect(failed).rejects.toThrow(CommandError);
    await expect(failed).rejects.toMatchObject({
      message: 'fatal: no such ref',
      exitCode: 3,
    });
  });

  it('kills a command that runs out of time', async () => {
    await expect(
      runCommand('/bin/sleep', ['30'], { ...base, env: {}, timeoutMs: 200 }),
    ).rejects.toThrow(/ran out of time/);
  });

  it('refuses a command that does not exist', async () => {
    await expect(
      runCommand('/nonexistent/gantry-command', [], { ...base, env: {} }),
    ).rejects.toThrow(CommandError);
  });
});
