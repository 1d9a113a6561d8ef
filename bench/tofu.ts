/** OpenTofu run by hand: what the run benchmarks measure Gantry against. */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A configuration of one resource that needs no provider download; `value` makes it new. */
export const markerConfig = (value: string | number) => `resource "terraform_data" "marker" {
  input = "${value}"
}
`;

/**
 * `tofu init` and `tofu plan -out`, then with `apply` the saved plan applied, on
 * `markerConfig(value)` in a fresh directory of its own; how long it took in milliseconds.
 */
export async function tofuByHand(
  tofu: string,
  value: string | number,
  options: { apply: boolean },
): Promise<number> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gantry-bench-hand-'));
  try {
    await fs.writeFile(path.join(dir, 'main.tf'), markerConfig(value));
    const env = { PATH: '/usr/bin:/bin', HOME: dir, TF_IN_AUTOMATION: '1' };
    const started = performance.now();
    await run(tofu, ['init', '-input=false', '-no-color'], { cwd: dir, env });
    await run(tofu, ['plan', '-input=false', '-no-color', '-out=plan'], { cwd: dir, env });
    if (options.apply)
      await run(tofu, ['apply', '-input=false', '-no-color', 'plan'], { cwd: dir, env });
    return performance.now() - started;
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
