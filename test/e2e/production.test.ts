import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import YAML from 'yaml';
import { requireTool } from '../../src/platform/tools';
import { startDevServer, type DevServer } from '../../temporal/devServer';
import { createTestRepo, type TestRepo } from '../support/gitRepo';
import { freePort } from '../support/ports';
import { runGantry, userEnv, waitForReady } from '../support/processes';

// The processes share a PostgreSQL server: PGlite belongs to one process.
const postgresUrl = process.env.DATABASE_URL;
const root = path.join(__dirname, '../..');

type Started = ReturnType<typeof runGantry>;

/**
 * The production topology of docker-compose.yml, without containers: PostgreSQL, a Temporal
 * server, one `gantry migrate`, two `gantry serve` and two `gantry worker` processes, each
 * given exactly the variables the compose file gives its role (with this machine's addresses
 * in place of the containers'). A run is started through one API and confirmed through the
 * other; a worker killed while it plans leaves the run to the other worker.
 */
(postgresUrl ? describe : describe.skip)('the compose topology, without containers', () => {
  let temporal: DevServer;
  let repo: TestRepo;
  let schemaName: string;
  let held: HeldState;
  const apis: string[] = [];
  const workers: Started[] = [];
  /** The workers' /metrics, where the compose file has Prometheus scrape them. */
  const workerMetrics: string[] = [];
  const processes: Started[] = [];
  const adminToken = randomBytes(24).toString('base64url');
  let workerEnv: (extra: Record<string, string>) => NodeJS.ProcessEnv;

  /** Each Gantry role's environment as `docker-compose config` resolves it. */
  const composeEnvironments = (secrets: Record<string, string>) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-e2e-compose-'));
    const envFile = path.join(dir, '.env');
    fs.writeFileSync(
      envFile,
      Object.entries(secrets)
        .map(([key, value]) => `${key}=${value}\n`)
        .join(''),
    );
    const answer = spawnSync(
      'docker-compose',
      ['--env-file', envFile, '--file', 'docker-compose.yml', 'config'],
      { cwd: root, encoding: 'utf8' },
    );
    fs.rmSync(dir, { recursive: true, force: true });
    if (answer.status !== 0) throw new Error(`docker-compose config: ${answer.stderr}`);
    const compose = YAML.parse(answer.stdout) as {
      services: Record<string, { command: string[]; environment: Record<string, string> }>;
    };
    return compose.services;
  };

  const graphql = async <T>(
    api: string,
    query: string,
    variables: Record<string, unknown> = {},
  ) => {
    const response = await fetch(`${api}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data: T; errors?: Array<{ message: string }> };
    if (body.errors) throw new Error(body.errors.map((error) => error.message).join('; '));
    return body.data;
  };

  const runOf = async (api: string, stack: string, run: string) =>
    (
      await graphql<{
        // The history is newest first, as Spacelift answers it.
        stack: { run: { state: string; history: Array<{ state: string; note: string | null }> } };
      }>(
        api,
        `
          query ($stack: ID!, $run: ID!) {
            stack(id: $stack) {
              run(id: $run) {
                state
                history {
                  state
                  note
                }
              }
            }
          }
        `,
        { stack, run },
      )
    ).stack.run;

  const waitForState = async (api: string, stack: string, run: string, state: string) => {
    const deadline = Date.now() + 150_000;
    let current = '';
    while (Date.now() < deadline) {
      current = (await runOf(api, stack, run)).state;
      if (current === state) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`run ${run} is ${current}, not ${state}`);
  };

  const trigger = async (api: string, stack: string) =>
    (
      await graphql<{ runTrigger: { id: string } }>(
        api,
        'mutation ($stack: ID!) { runTrigger(stack: $stack) { id } }',
        { stack },
      )
    ).runTrigger.id;

  const confirm = (api: string, stack: string, run: string) =>
    graphql(
      api,
      'mutation ($stack: ID!, $run: ID!) { runConfirm(stack: $stack, run: $run) { id } }',
      {
        stack,
        run,
      },
    );

  const createStack = async (api: string, name: string, branch: string) =>
    (
      await graphql<{ stackCreate: { id: string } }>(
        api,
        `
          mutation ($input: StackInput!) {
            stackCreate(input: $input, manageState: true) {
              id
            }
          }
        `,
        {
          input: { name, repository: repo.url, branch, provider: 'RAW_GIT', administrative: false },
        },
      )
    ).stackCreate.id;

  beforeAll(async () => {
    temporal = await startDevServer({
      binary: requireTool('temporal', process.env),
      port: await freePort(),
    });
    schemaName = `e2e_${Date.now()}`;
    const database = new URL(postgresUrl!);
    database.searchParams.set('options', `-c search_path=${schemaName}`);
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query(`create schema ${schemaName}`);
    await admin.end();
    repo = await createTestRepo();
    await repo.commit({ 'README.md': 'e2e' }, 'Start');
    held = await startHeldState();

    const ports = [await freePort(), await freePort()];

    const services = composeEnvironments({
      POSTGRES_PASSWORD: 'unused-here',
      GANTRY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      GANTRY_ADMIN_TOKEN: adminToken,
      GANTRY_PUBLIC_URL: `http://127.0.0.1:${ports[0]}`,
    });
    // The containers' addresses become this machine's; everything else is as the file sets it.
    const here = (role: string, extra: Record<string, string> = {}) => ({
      ...userEnv({}),
      ...services[role]!.environment,
      DATABASE_URL: database.toString(),
      TEMPORAL_ADDRESS: temporal.address,
      // Test repositories are directories of this machine.
      GANTRY_ALLOW_FILE_REPOSITORIES: 'true',
      ...extra,
    });

    workerEnv = (extra) => here('worker', extra);
    const migrate = runGantry(services.migrate!.command, here('migrate'));
    const migrated = await migrate.exit;
    expect(migrated.code).toBe(0);

    for (const port of ports) {
      const serve = runGantry(services.serve!.command, here('serve', { PORT: String(port) }));
      processes.push(serve);
      apis.push(`http://127.0.0.1:${port}`);
      await waitForReady(`http://127.0.0.1:${port}/readyz`, serve.exit);
    }
    for (let i = 0; i < 2; i++) {
      const metricsPort = await freePort();
      workerMetrics.push(`http://127.0.0.1:${metricsPort}/metrics`);
      const worker = runGantry(
        services.worker!.command,
        here('worker', {
          GANTRY_WORKER_CONCURRENCY: '2',
          GANTRY_METRICS_PORT: String(metricsPort),
        }),
      );
      processes.push(worker);
      workers.push(worker);
    }
    // Both workers are in their pool's list once they have started.
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if ((await liveWorkers(database.toString())) === 2) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(await liveWorkers(database.toString())).toBe(2);
  }, 240_000);

  afterAll(async () => {
    for (const started of processes) {
      if (started.child.exitCode === null && started.child.signalCode === null) {
        started.child.kill('SIGTERM');
        await started.exit;
      }
    }
    await temporal?.stop();
    await held?.close();
    await repo?.remove();
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query(`drop schema if exists ${schemaName} cascade`);
    await admin.end();
  });

  it('runs a run started through one API and confirmed through the other', async () => {
    await repo.commit(
      { 'main.tf': 'resource "terraform_data" "first" {\n  input = "one"\n}\n' },
      'First',
      'first',
    );
    const stack = await createStack(apis[0]!, 'first', 'first');
    const run = await trigger(apis[0]!, stack);
    await waitForState(apis[1]!, stack, run, 'UNCONFIRMED');
    await confirm(apis[1]!, stack, run);
    await waitForState(apis[0]!, stack, run, 'FINISHED');
    expect(
      (await runOf(apis[0]!, stack, run)).history.map((entry) => entry.state).reverse(),
    ).toEqual([
      'QUEUED',
      'INITIALIZING',
      'PLANNING',
      'UNCONFIRMED',
      'CONFIRMED',
      'APPLYING',
      'FINISHED',
    ]);

    // The workers timed its phases and its waits for a place; the API counts runs by state.
    const scraped = (await Promise.all(workerMetrics.map((url) => metricValues(url)))).flat();
    const total = (name: string) =>
      scraped
        .filter((sample) => sample.name === name)
        .reduce((sum, sample) => sum + sample.value, 0);
    expect(
      total(
        'gantry_run_phase_duration_seconds_count{phase="plan",pool="public",outcome="succeeded"}',
      ),
    ).toBeGreaterThanOrEqual(1);
    expect(
      total(
        'gantry_run_phase_duration_seconds_count{phase="apply",pool="public",outcome="succeeded"}',
      ),
    ).toBeGreaterThanOrEqual(1);
    expect(total('gantry_run_queue_wait_seconds_count{pool="public"}')).toBeGreaterThanOrEqual(2);
    expect(total('gantry_worker_places{pool="public",places="free"}')).toBe(4);
  });

  it('moves a run on to the other worker when the one planning it is killed', async () => {
    // The plan reads a state that does not come until released: it waits while planning.
    await repo.commit(
      {
        'main.tf': `data "terraform_remote_state" "late" {
  backend = "http"
  config = {
    address = "${held.url}"
  }
}
resource "terraform_data" "second" {
  input = "two"
}
`,
      },
      'Second',
      'second',
    );
    const stack = await createStack(apis[1]!, 'second', 'second');
    const run = await trigger(apis[1]!, stack);
    await held.requested();
    const planning = workers.find((worker) => toolsUnder(worker.child.pid!).length > 0);
    expect(planning).toBeDefined();
    planning!.child.kill('SIGKILL');
    await planning!.exit;

    // Held until the run is back in the queue and the other worker has asked again.
    const deadline = Date.now() + 120_000;
    while (held.requests() < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    held.release();
    await waitForState(apis[0]!, stack, run, 'UNCONFIRMED');
    const history = (await runOf(apis[0]!, stack, run)).history;
    expect(history.map((entry) => entry.state).reverse()).toEqual([
      'QUEUED',
      'INITIALIZING',
      'PLANNING',
      'QUEUED',
      'INITIALIZING',
      'PLANNING',
      'UNCONFIRMED',
    ]);
    expect(history.at(-4)!.note).toBe(
      'the worker running this phase went away; the run starts again on another worker',
    );
    await confirm(apis[0]!, stack, run);
    await waitForState(apis[1]!, stack, run, 'FINISHED');
  });
  it('keeps a run of a pool without workers QUEUED, saying so, and runs it once `gantry worker --pool` starts', async () => {
    const { workerPoolCreate: pool } = await graphql<{
      workerPoolCreate: { id: string; config: string };
    }>(
      apis[0]!,
      `
        mutation {
          workerPoolCreate(name: "private", certificateSigningRequest: "unused") {
            id
            config
          }
        }
      `,
    );
    await repo.commit(
      { 'main.tf': 'resource "terraform_data" "pooled" {\n  input = "p1"\n}\n' },
      'Pooled',
      'pooled',
    );
    const stack = (
      await graphql<{ stackCreate: { id: string } }>(
        apis[0]!,
        `
          mutation ($input: StackInput!) {
            stackCreate(input: $input, manageState: true) {
              id
            }
          }
        `,
        {
          input: {
            name: 'pooled',
            repository: repo.url,
            branch: 'pooled',
            provider: 'RAW_GIT',
            administrative: false,
            workerPool: pool.id,
          },
        },
      )
    ).stackCreate.id;
    const run = await trigger(apis[0]!, stack);
    const note = `waiting for a worker of worker pool ${pool.id}: none is running (start one with \`gantry worker --pool ${pool.id}\`)`;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if ((await runOf(apis[1]!, stack, run)).history.some((entry) => entry.note === note)) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect((await runOf(apis[1]!, stack, run)).history).toEqual([{ state: 'QUEUED', note }]);
    expect(await metricValues(`${apis[0]}/metrics`)).toContainEqual({
      name: `gantry_runs{state="QUEUED",pool="${pool.id}"}`,
      value: 1,
    });

    // Meanwhile a stack of the public pool runs as ever.
    await repo.commit(
      { 'main.tf': 'resource "terraform_data" "public" {\n  input = "public"\n}\n' },
      'Public',
      'public',
    );
    const other = await createStack(apis[0]!, 'public', 'public');
    const otherRun = await trigger(apis[0]!, other);
    await waitForState(apis[0]!, other, otherRun, 'UNCONFIRMED');

    const poolWorker = runGantry(
      ['worker', '--pool', pool.id],
      workerEnv({
        GANTRY_WORKER_POOL_TOKEN: pool.config,
        GANTRY_METRICS_PORT: String(await freePort()),
      }),
    );
    processes.push(poolWorker);
    await waitForState(apis[1]!, stack, run, 'UNCONFIRMED');
    await confirm(apis[1]!, stack, run);
    await waitForState(apis[0]!, stack, run, 'FINISHED');
    expect((await runOf(apis[0]!, stack, run)).state).toBe('FINISHED');
  });
});

/** The samples of a Prometheus text exposition, each as `name{labels}` and its value. */
async function metricValues(url: string): Promise<Array<{ name: string; value: number }>> {
  const text = await (await fetch(url)).text();
  return text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const at = line.lastIndexOf(' ');
      return { name: line.slice(0, at), value: Number(line.slice(at + 1)) };
    });
}

async function liveWorkers(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const result = await client.query<{ count: string }>(
      "select count(*) from workers where seen_at > now() - interval '1 minute'",
    );
    return Number(result.rows[0]!.count);
  } catch {
    return 0;
  } finally {
    await client.end();
  }
}

/** The OpenTofu processes a worker process has started, however deep below it. */
function toolsUnder(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // Gone meanwhile.
    }
  }
  const found: number[] = [];
  const visit = (parent: number) => {
    for (const child of children.get(parent) ?? []) {
      let name: string;
      try {
        name = fs.readFileSync(`/proc/${child}/comm`, 'utf8').trim();
      } catch {
        continue;
      }
      if (name === 'tofu') found.push(child);
      visit(child);
    }
  };
  visit(pid);
  return found;
}

interface HeldState {
  url: string;
  requests(): number;
  /** Resolves once the first request came. */
  requested(): Promise<void>;
  release(): void;
  close(): Promise<void>;
}

/** An http state backend whose state comes only once released: a plan reading it waits. */
async function startHeldState(): Promise<HeldState> {
  const state = JSON.stringify({
    version: 4,
    serial: 1,
    lineage: 'e2e',
    terraform_version: '1.10.0',
    outputs: {},
    resources: [],
  });
  let released = false;
  let requests = 0;
  let first!: () => void;
  const firstRequest = new Promise<void>((resolve) => (first = resolve));
  const waiting: http.ServerResponse[] = [];
  const server = http.createServer((_req, res) => {
    requests += 1;
    first();
    if (released) res.end(state);
    else waiting.push(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/state`,
    requests: () => requests,
    requested: () => firstRequest,
    release() {
      released = true;
      for (const res of waiting.splice(0)) res.end(state);
    },
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
