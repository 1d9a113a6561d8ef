/**
 * Admission under load: proposed runs started by GitLab push webhooks, 50 deliveries at a time,
 * against one worker that runs 2 runs at once (GANTRY_WORKER_CONCURRENCY=2). Every run must end
 * FINISHED: none may fail because the worker is busy. Measured in the same process and run:
 * - the wall time from the first delivery until the last run FINISHED, against the same plans
 *   run by hand (`tofu init` and `tofu plan` in a fresh directory), 2 at a time;
 * - the p99 of the webhook answers, against the p99 of bare Temporal workflow starts to the same
 *   dev server (target: within 2x). The bare starts are sent interleaved with the deliveries,
 *   50 requests in flight in all, so both meet the same load: the runs already started keep
 *   the worker, which shares this process, and the dev server busy. Bare starts sent alone
 *   beforehand, on an idle machine, are reported too.
 * Prints a table and one JSON line.
 *
 *   npm run bench:admission [-- runs]
 */
import { eq } from 'drizzle-orm';
import { ulid } from 'ulid';
import { requireTool } from '../src/platform/tools';
import { isTerminal, RunState } from '../src/runs/types';
import { startApiServer } from '../test/support/api';
import { createTestRepo } from '../test/support/gitRepo';
import { startGitLabServer } from '../test/support/gitlabServer';
import { deliver, pushHook } from '../test/support/gitlabWebhooks';
import { startRunHarness } from '../test/support/runs';
import { schema } from '../test/support/tables';
import { measureConcurrently, measureTogether } from './load';
import { markerConfig as config, tofuByHand } from './tofu';

const DELIVERIES_AT_ONCE = 50;
const PLACES = 2;

async function main() {
  const count = Number(process.argv[2] ?? 500);
  const tofu = requireTool('tofu', process.env);
  const repo = await createTestRepo();
  await repo.commit({ 'main.tf': config(0) }, 'Start');
  // One branch and commit per run: a push to a branch stops that branch's earlier proposed runs.
  const commits: Array<{ branch: string; sha: string }> = [];
  for (let i = 1; i <= count; i++) {
    const branch = `change-${i}`;
    commits.push({
      branch,
      sha: await repo.commit({ 'main.tf': config(i) }, `Change ${i}`, branch),
    });
  }
  const gitlab = await startGitLabServer();
  const harness = await startRunHarness({ places: PLACES });
  const api = await startApiServer(harness);
  try {
    const pusher = gitlab.addUser({ username: 'ada', name: 'Ada Lovelace', token: 'glpat-bench' });
    const project = gitlab.addProject({
      pathWithNamespace: 'platform/infra',
      repositoryDir: repo.dir,
      members: [{ username: 'ada', accessLevel: 40 }],
    });
    const connected = await api.graphql<{ gitlabIntegrationSetup: { webhookSecret: string } }>(
      `mutation ($host: String!) { gitlabIntegrationSetup(apiHost: $host, token: "glpat-bench") { webhookSecret } }`,
      { host: gitlab.url },
    );
    const secret = connected.data!.gitlabIntegrationSetup.webhookSecret;
    const created = await api.graphql<{ stackCreate: { id: string } }>(
      `mutation ($input: StackInput!) { stackCreate(input: $input, manageState: true) { id } }`,
      {
        input: {
          name: 'infra',
          administrative: false,
          branch: 'main',
          repository: 'platform/infra',
          provider: 'GITLAB',
        },
      },
    );
    const stackId = created.data!.stackCreate.id;

    // The baseline of the answers: bare workflow starts, which nothing polls.
    const bare = async () => {
      await harness.temporal.client.workflow.start('benchNoop', {
        taskQueue: 'bench-noop',
        workflowId: `bench/${ulid()}`,
        args: [{ runId: ulid(), stackId }],
      });
    };
    await measureConcurrently('warm-up', 100, DELIVERIES_AT_ONCE, bare);
    const idleStarts = await measureConcurrently(
      'bare workflow starts, alone',
      count,
      DELIVERIES_AT_ONCE,
      bare,
    );

    const pending = [...commits];
    const webhook = async () => {
      const { branch, sha } = pending.shift()!;
      const push = pushHook(
        gitlab.url,
        project,
        { ...pusher, name: 'Ada Lovelace' },
        {
          ref: `refs/heads/${branch}`,
          after: sha,
        },
      );
      const answer = await deliver(`${api.url}/webhooks/gitlab`, push, secret);
      if (answer.status !== 200 || answer.body.runs?.length !== 1) {
        throw new Error(`delivering a push: ${answer.status} ${JSON.stringify(answer.body)}`);
      }
    };
    const started = performance.now();
    const [answers, starts] = await measureTogether(DELIVERIES_AT_ONCE, [
      { name: 'webhook answered (run stored, workflow started)', count, send: webhook },
      { name: 'bare workflow starts, among the deliveries', count, send: bare },
    ]);
    // The answers are known now; the runs take their time.
    console.table([idleStarts, starts!, answers!]);
    const states = async () =>
      harness.database.db
        .select({ state: schema.runs.state })
        .from(schema.runs)
        .where(eq(schema.runs.stackId, stackId));
    let ended = 0;
    while (ended < count) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      ended = (await states()).filter((found) => isTerminal(found.state)).length;
    }
    const gantryMs = performance.now() - started;
    const byState = new Map<string, number>();
    for (const { state } of await states()) byState.set(state, (byState.get(state) ?? 0) + 1);

    const byHandStarted = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: PLACES }, async () => {
        while (next < count) {
          next += 1;
          await tofuByHand(tofu, next, { apply: false });
        }
      }),
    );
    const byHandMs = performance.now() - byHandStarted;

    console.log(
      `${count} proposed runs, ${DELIVERIES_AT_ONCE} deliveries at a time, one worker with ${PLACES} places; Temporal dev server and PGlite`,
    );
    console.table([
      idleStarts,
      starts!,
      answers!,
      { name: `${count} plans by hand, ${PLACES} at a time`, seconds: Math.round(byHandMs / 1000) },
      { name: `${count} runs, delivery to FINISHED`, seconds: Math.round(gantryMs / 1000) },
    ]);
    console.log(
      JSON.stringify({
        benchmark: 'admission',
        runs: count,
        places: PLACES,
        finished: byState.get(RunState.FINISHED) ?? 0,
        states: Object.fromEntries(byState),
        byHandSeconds: Math.round(byHandMs / 1000),
        gantrySeconds: Math.round(gantryMs / 1000),
        wallRatio: Number((gantryMs / byHandMs).toFixed(2)),
        bareStartAloneP99Ms: idleStarts.p99Ms,
        bareStartP99Ms: starts!.p99Ms,
        webhookP99Ms: answers!.p99Ms,
        p99Ratio: Number((answers!.p99Ms / starts!.p99Ms).toFixed(2)),
      }),
    );
    if ((byState.get(RunState.FINISHED) ?? 0) !== count) process.exitCode = 1;
  } finally {
    await api.close();
    await harness.stop();
    await gitlab.close();
    await repo.remove();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
