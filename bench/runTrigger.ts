/**
 * How fast the API starts a run when asked: `runTrigger` mutations sent 20 at a time to
 * POST /graphql for a RAW_GIT stack on a repository of this machine (so each answer reads the
 * branch's head and its commit, stores the run and starts its workflow), against a baseline of
 * bare Temporal workflow starts sent 20 at a time to the same dev server, in the same process.
 * No worker runs: what is measured is the answer. Prints a table and one JSON line.
 *
 *   npm run bench:trigger [-- calls]
 */
import { createTestRepo } from '../test/support/gitRepo';
import { schema } from '../test/support/tables';
import { startApiOnTemporal } from './apiOnTemporal';
import { httpPoster, measureConcurrently } from './load';

const CONCURRENCY = 20;
const WARMUP = 50;

async function main() {
  const count = Number(process.argv[2] ?? 1_000);
  const repo = await createTestRepo();
  await repo.commit({ 'main.tf': 'resource "terraform_data" "marker" {}\n' }, 'Start');
  const api = await startApiOnTemporal(async (database) => {
    await database.db.insert(schema.stacks).values({
      id: 'infra',
      name: 'Infra',
      provider: 'RAW_GIT',
      repository: repo.url,
      branch: 'main',
    });
  }).catch(async (error: unknown) => {
    await repo.remove();
    throw error;
  });
  const { url, adminToken } = api;
  const poster = httpPoster(CONCURRENCY);
  try {
    const body = JSON.stringify({ query: 'mutation { runTrigger(stack: "infra") { id state } }' });
    const trigger = async () => {
      const answer = await poster.post(
        `${url}/graphql`,
        { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
        body,
      );
      const parsed = JSON.parse(answer.body) as { data?: { runTrigger: { state: string } } };
      if (answer.status !== 200 || parsed.data?.runTrigger.state !== 'QUEUED') {
        throw new Error(`triggering a run: ${answer.status} ${answer.body}`);
      }
    };
    const bare = () => api.bareStart();

    await measureConcurrently('warm-up', WARMUP, CONCURRENCY, bare);
    await measureConcurrently('warm-up', WARMUP, CONCURRENCY, trigger);
    const baseline = await measureConcurrently('bare workflow starts', count, CONCURRENCY, bare);
    const gantry = await measureConcurrently('runTrigger answered', count, CONCURRENCY, trigger);
    console.log(`${count} each, ${CONCURRENCY} concurrent, Temporal dev server and PGlite`);
    console.table([baseline, gantry]);
    console.log(
      JSON.stringify({
        benchmark: 'run-trigger',
        calls: count,
        concurrency: CONCURRENCY,
        bareStartsPerSecond: baseline.perSecond,
        triggersPerSecond: gantry.perSecond,
        bareP99Ms: baseline.p99Ms,
        triggerP50Ms: gantry.p50Ms,
        triggerP99Ms: gantry.p99Ms,
        p99Ratio: Number((gantry.p99Ms / baseline.p99Ms).toFixed(2)),
      }),
    );
  } finally {
    poster.close();
    await api.close();
    await repo.remove();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
