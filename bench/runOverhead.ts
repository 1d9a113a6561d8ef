/**
 * What Gantry adds to a run: the wall time of a tracked run with autodeploy (trigger to
 * FINISHED) against `tofu init`, `tofu plan -out` and `tofu apply` run by hand on the same
 * configuration, in the same process, on the same machine. Prints one JSON line.
 *
 *   npm run bench:run-overhead [-- iterations]
 */
import { schema } from '../test/support/tables';
import { RunState } from '../src/runs/types';
import { requireTool } from '../src/platform/tools';
import { createTestRepo } from '../test/support/gitRepo';
import { startRunHarness } from '../test/support/runs';
import { markerConfig as config, tofuByHand } from './tofu';

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
    await tofuByHand(tofu, 'warm', { apply: true });
    const warm = await harness.service.trackHead('bench', { triggeredBy: 'bench' });
    await harness.waitForState(warm.id, RunState.FINISHED);

    const hand: number[] = [];
    const gantry: number[] = [];
    for (let i = 1; i <= iterations; i++) {
      hand.push(await tofuByHand(tofu, i, { apply: true }));
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
