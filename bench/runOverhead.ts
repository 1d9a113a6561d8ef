/**
 * What Gantry adds to a run: the wall time of a tracked run with autodeploy (trigger to
 * FINISHED) against `tofu init`, `tofu plan -out` and `tofu apply` run by hand on the same
 * configuration, in the same process, on the same machine. Prints one JSON line.
 *
 *   npm run bench:run-overhead [-- iterations]
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { schema } from '../test/support/tables';
import { RunState } from '../src/runs/types';
import { requireTool } from '../src/platform/tools';
import { createTestRepo } from '../test/support/gitRepo';
import { startRunHarness } from '../test/support/runs';

const run = promisify(execFile);

const config = (value: string) => `resource "terraform_data" "marker" {
  input = "${value}"
}
`;

async function byHand(tofu: string, value: string): Promise<number> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gantry-bench-hand-'));
  try {
    await fs.writeFile(path.join(dir, 'main.tf'), config(value));
    const env = { PATH: '/usr/bin:/bin', HOME: dir, TF_IN_AUTOMATION: '1' };
    const started = performance.now();
    await run(tofu, ['init', '-input=false', '-no-color'], { cwd: dir, env });
    await run(tofu, ['plan', '-input=false', '-no-color', '-out=plan'], { cwd: dir, env });
    await run(tofu, ['apply', '-input=false', '-no-color', 'plan'], { cwd: dir, env });
    return performance.now() - started;
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function main() {
  const iterations = Number(process.argv[2] ?? 5);
  const tofu = requireTool('tofu', process.env);
  const repo = await createTestRepo();
  await repo.commit({ 'main.tf': config('0') }, 'Start');
  const harness = await startRunHarness();
  try {
    await harness.database.db.insert(schema.stacks).values({
      id: 'bench',
      name: 'Bench',
      provider: 'RAW_GIT',
      repository: repo.url,
      branch: 'main',
      autodeploy: true,
    });
    // One run to warm up both paths (the plugin-free init, the workflow bundle, the caches).
    await byHand(tofu, 'warm');
    const warm = await harness.service.trackHead('bench', { triggeredBy: 'bench' });
    await harness.waitForState(warm.id, RunState.FINISHED);

    const hand: number[] = [];
    const gantry: number[] = [];
    for (let i = 1; i <= iterations; i++) {
      hand.push(await byHand(tofu, String(i)));
      await repo.commit({ 'main.tf': config(String(i)) }, `Change ${i}`);
      const started = performance.now();
      const triggered = await harness.service.trackHead('bench', { triggeredBy: 'bench' });
      await harness.waitForState(triggered.id, RunState.FINISHED, 300_000);
      gantry.push(performance.now() - started);
    }
    console.log(
      JSON.stringify({
        benchmark: 'run-overhead',
        iterations,
        byHandMedianMs: Math.round(median(hand)),
        gantryMedianMs: Math.round(median(gantry)),
        ratio: Number((median(gantry) / median(hand)).toFixed(2)),
      }),
    );
  } finally {
    await harness.stop();
    await repo.remove();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
