import os from 'node:os';
import { CommandError, runCommand } from '../../src/platform/commands';

const base = { cwd: os.tmpdir(), timeoutMs: 10_000 };

describe('commands run by the helper process', () => {
  it('gives a command exactly the environment it is given, nothing of this process', async () => {
    process.env.GANTRY_TEST_SECRET = 'must-not-leak';
    try {
      const { stdout } = await runCommand('/usr/bin/env', [], {
        ...base,
        env: { ONLY: 'this' },
      });
      expect(stdout.trim().split('\n')).toEqual(['ONLY=this']);
    } finally {
      delete process.env.GANTRY_TEST_SECRET;
    }
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
