/**
 * Admission under load: proposed runs started by GitLab push webhooks, 50 deliveries at a time,
 * against one worker that runs 2 runs at once (GANTRY_WORKER_CONCURRENCY=2). Every run must end
 * FINISHED: none may fail because the worker is busy. Measured in the same run:
 * - the wall time from the first delivery until the last run FINISHED, against the same plans
 *   run by hand (`tofu init` and `tofu plan` in a fresh directory), 2 at a time;
 * - the p99 of the webhook answers, against the p99 of bare Temporal workflow starts to the same
 *   dev server (target: within 2x). The bare starts are sent interleaved with the deliveries,
 *   50 requests in flight in all, so both meet the same load: the runs already started keep
 *   the worker, the database and the dev server busy. Bare starts sent alone beforehand, on an
 *   idle machine, are reported too.
 *
 * Where the database is PostgreSQL (DATABASE_URL), Gantry runs as in production: `gantry
 * migrate`, one `gantry serve` and one `gantry worker`, each a process of its own, in a new
 * schema that is dropped afterwards. Without it, the API and the worker share this process and
 * one in-memory PGlite, as `gantry all` has them.
 * Prints a table and one JSON line.
 *
 *   npm run bench:admission [-- runs]
 */
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { eq, sql } from 'drizzle-orm';
import pg from 'pg';
import { requireTool } from '../src/platform/tools';
import { isTerminal, RunState } from '../src/runs/types';
import { startDevServer } from '../temporal/devServer';
import { startApiServer } from '../test/support/api';
import { createTestRepo } from '../test/support/gitRepo';
import { startGitLabServer } from '../test/support/gitlabServer';
import { deliver, pushHook } from '../test/support/gitlabWebhooks';
import { freePort } from '../test/support/ports';
import { runGantry, userEnv, waitForReady } from '../test/support/processes';
import { startRunHarness } from '../test/support/runs';
import { schema } from '../test/support/tables';
import { bareStart } from './apiOnTemporal';
import { measureConcurrently, measureTogether } from './load';
import { markerConfig as config, tofuByHand } from './tofu';

const DELIVERIES_AT_ONCE = 50;
const PLACES = 2;

/** Gantry as the benchmark drives it: its API, and the runs' states as stored. */
interface Gantry {
  shape: string;
  url: string;
  graphql<T>(query: string, variables: Record<string, unknown>): Promise<T>;
  /** A client of Gantry's Temporal, for the bare starts the answers are measured against. */
  temporal: Client;
  /** How many of the stack's runs are in each state. */
  states(stackId: string): Promise<Map<string, number>>;
  /** The stack's runs that ended other than FINISHED, with their transitions' notes. */
  unfinished(stackId: string): Promise<Array<{ id: string; state: string; notes: string }>>;
  close(): Promise<void>;
}

/** The API and one worker in this process, on one in-memory PGlite. */
async function inOneProcess(): Promise<Gantry> {
  const harness = await startRunHarness({ places: PLACES });
  const api = await startApiServer(harness);
  return {
    shape: 'API and worker in one process, PGlite',
    url: api.url,
    async graphql<T>(query: string, variables: Record<string, unknown>) {
      const answer = await api.graphql<T>(query, variables);
      if (answer.errors) throw new Error(JSON.stringify(answer.errors));
      return answer.data!;
    },
    temporal: harness.temporal.client,
    async states(stackId) {
      const rows = await harness.database.db
        .select({ state: schema.runs.state })
        .from(schema.runs)
        .where(eq(schema.runs.stackId, stackId));
      const byState = new Map<string, number>();
      for (const { state } of rows) byState.set(state, (byState.get(state) ?? 0) + 1);
      return byState;
    },
    async unfinished(stackId) {
      const { rows } = await harness.database.db.execute<{
        id: string;
        state: string;
        notes: string;
      }>(sql.raw(unfinishedQuery('', stackId)));
      return rows;
    },
    async close() {
      await api.close();
      await harness.stop();
    },
  };
}

/** `gantry migrate`, `serve` and `worker` as processes of their own, on PostgreSQL. */
async function asInProduction(postgresUrl: string): Promise<Gantry> {
  const temporal = await startDevServer({
    binary: requireTool('temporal', process.env),
    port: await freePort(),
  });
  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection, namespace: 'default' });
  const schemaName = `bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`create schema ${schemaName}`);
  const database = new URL(postgresUrl);
  database.searchParams.set('options', `-c search_path=${schemaName}`);
  const adminToken = randomBytes(24).toString('base64url');
  const encryptionKey = randomBytes(32).toString('base64');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = (extra: Record<string, string>) => ({
    ...userEnv({}),
    DATABASE_URL: database.toString(),
    TEMPORAL_ADDRESS: temporal.address,
    GANTRY_ENCRYPTION_KEY: encryptionKey,
    GANTRY_PUBLIC_URL: url,
    LOG_LEVEL: 'error',
    ...extra,
  });
  const processes: Array<ReturnType<typeof runGantry>> = [];
  const close = async () => {
    for (const started of processes) {
      if (started.child.exitCode === null && started.child.signalCode === null) {
        started.child.kill('SIGTERM');
        await started.exit;
      }
    }
    await connection.close();
    await temporal.stop();
    await admin.query(`drop schema if exists ${schemaName} cascade`);
    await admin.end();
  };
  try {
    const migrated = await runGantry(['migrate'], env({})).exit;
    if (migrated.code !== 0) throw new Error(`gantry migrate failed:\n${migrated.output}`);
    const serve = runGantry(['serve'], env({ PORT: String(port), GANTRY_ADMIN_TOKEN: adminToken }));
    processes.push(serve);
    await waitForReady(`${url}/readyz`, serve.exit);
    processes.push(runGantry(['worker'], env({ GANTRY_WORKER_CONCURRENCY: String(PLACES) })));
  } catch (error) {
    await close();
    throw error;
  }
  return {
    shape: 'gantry serve and gantry worker, each a process, PostgreSQL',
    url,
    async graphql<T>(query: string, variables: Record<string, unknown>) {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data: T; errors?: unknown };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data;
    },
    temporal: client,
    async states(stackId) {
      const { rows } = await admin.query<{ state: string; count: string }>(
        `select state, count(*) from ${schemaName}.runs where stack_id = $1 group by state`,
        [stackId],
      );
      return new Map(rows.map((row) => [row.state, Number(row.count)]));
    },
    async unfinished(stackId) {
      const { rows } = await admin.query<{ id: string; state: string; notes: string }>(
        unfinishedQuery(`${schemaName}.`, stackId),
      );
      return rows;
    },
    close,
  };
}

/** The query for Gantry.unfinished, in `schema` (with its dot); the stack id is a plain word. */
function unfinishedQuery(schema: string, stackId: string): string {
  if (!/^[\w-]+$/.test(stackId)) throw new Error(`stack id "${stackId}" is not a plain word`);
  return `select r.id, r.state, string_agg(t.state || coalesce(': ' || t.note, ''), ' → ' order by t.seq) as notes
    from ${schema}runs r join ${schema}run_transitions t on t.run_id = r.id
    where r.stack_id = '${stackId}' and r.state <> 'FINISHED'
    group by r.id, r.state order by r.id`;
}

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
  const postgresUrl = process.env.DATABASE_URL;
  const gantry = postgresUrl ? await asInProduction(postgresUrl) : await inOneProcess();
  try {
    const pusher = gitlab.addUser({ username: 'ada', name: 'Ada Lovelace', token: 'glpat-bench' });
    const project = gitlab.addProject({
      pathWithNamespace: 'platform/infra',
      repositoryDir: repo.dir,
      members: [{ username: 'ada', accessLevel: 40 }],
    });
    const connected = await gantry.graphql<{ gitlabIntegrationSetup: { webhookSecret: string } }>(
      `mutation ($host: String!) { gitlabIntegrationSetup(apiHost: $host, token: "glpat-bench") { webhookSecret } }`,
      { host: gitlab.url },
    );
    const secret = connected.gitlabIntegrationSetup.webhookSecret;
    const created = await gantry.graphql<{ stackCreate: { id: string } }>(
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
    const stackId = created.stackCreate.id;

    // The baseline of the answers: bare workflow starts, which nothing polls.
    const bare = () => bareStart(gantry.temporal, stackId);
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
      const answer = await deliver(`${gantry.url}/webhooks/gitlab`, push, secret);
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
    console.log(gantry.shape);
    console.table([idleStarts, starts!, answers!]);
    let byState = new Map<string, number>();
    const ended = () =>
      [...byState].reduce(
        (sum, [state, runs]) => sum + (isTerminal(state as RunState) ? runs : 0),
        0,
      );
    while (ended() < count) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      byState = await gantry.states(stackId);
    }
    const gantryMs = performance.now() - started;

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
      `${count} proposed runs, ${DELIVERIES_AT_ONCE} deliveries at a time, one worker with ${PLACES} places; ${gantry.shape}, Temporal dev server`,
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
        shape: gantry.shape,
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
    if ((byState.get(RunState.FINISHED) ?? 0) !== count) {
      // What a run that did not finish said of itself, for whoever looks into it.
      console.error('runs that did not finish:');
      console.table(await gantry.unfinished(stackId));
      process.exitCode = 1;
    }
  } finally {
    await gantry.close();
    await gitlab.close();
    await repo.remove();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
