import { randomBytes } from 'node:crypto';
import { SecretBox } from '../../src/platform/secrets';
import { StackService } from '../../src/stacks/service';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { eq } from 'drizzle-orm';
import pg from 'pg';
import * as tar from 'tar';
import { openDatabase, type DatabaseHandle } from '../../src/db';
import { schema } from '../support/tables';
import { RunService } from '../../src/runs/service';
import { RunState } from '../../src/runs/types';
import { latestState } from '../../src/state/store';
import { ensureSearchAttributes, TASK_QUEUE } from '../../temporal/client';
import { requireTool } from '../../src/platform/tools';
import { RawGitProvider } from '../../src/vcs/rawGit';
import { startDevServer, type DevServer } from '../../temporal/devServer';
import { startApplyRecorder, type ApplyRecorder } from '../support/applyRecorder';
import { createTestRepo, type TestRepo } from '../support/gitRepo';
import { freePort } from '../support/ports';
import { processesNamed, runGantry, userEnv, waitForReady } from '../support/processes';

// Worker processes share a PostgreSQL server with the API process: PGlite belongs to one process.
const postgresUrl = process.env.DATABASE_URL;

/**
 * The fault suite: a real `gantry serve` and real `gantry worker` processes, and a Temporal
 * dev server keeping its workflows in a file. A worker is killed with SIGKILL at each point of
 * a run, and Temporal itself is killed and started again; each time the run is accounted for,
 * applied at most once, the state lock is free and the state holds what was applied.
 */
(postgresUrl ? describe : describe.skip)(
  'runs survive killed workers and a killed Temporal',
  () => {
    let temporal: DevServer;
    let temporalDir: string;
    let temporalPort: number;
    let connection: Connection;
    let client: Client;
    let database: DatabaseHandle;
    let service: RunService;
    let repo: TestRepo;
    let recorder: ApplyRecorder;
    let modules: HeldServer;
    let stalled: HeldServer;
    let schemaName: string;
    let env: NodeJS.ProcessEnv;
    const processes: Array<ReturnType<typeof runGantry>> = [];
    const marker = `gantry-fault-${randomBytes(6).toString('hex')}`;

    const startTemporal = async () => {
      temporal = await startDevServer({
        binary: requireTool('temporal', process.env),
        port: temporalPort,
        dbFilename: path.join(temporalDir, 'temporal.db'),
      });
    };

    const pollers = async () => {
      const queue = await client.workflowService.describeTaskQueue({
        namespace: 'default',
        taskQueue: { name: TASK_QUEUE },
      });
      return queue.pollers?.length ?? 0;
    };

    /** A new `gantry worker` process, once it polls. */
    const startWorker = async () => {
      const before = await pollers();
      const started = runGantry(['worker'], env);
      processes.push(started);
      const deadline = Date.now() + 60_000;
      while ((await pollers()) <= before && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      return started;
    };

    const kill = async (worker: ReturnType<typeof runGantry>) => {
      worker.child.kill('SIGKILL');
      expect((await worker.exit).signal).toBe('SIGKILL');
    };

    const stateOf = async (runId: string) =>
      (
        await database.db
          .select({ state: schema.runs.state })
          .from(schema.runs)
          .where(eq(schema.runs.id, runId))
      )[0]!.state;

    const waitFor = async (runId: string, state: RunState, timeoutMs = 150_000) => {
      const until = Date.now() + timeoutMs;
      while ((await stateOf(runId)) !== state && Date.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(await stateOf(runId)).toBe(state);
    };

    const until = async (condition: () => Promise<boolean>, what: string, timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!(await condition())) {
        if (Date.now() > deadline) throw new Error(`${what} did not happen in time`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    };

    const addStack = async (id: string, files: Record<string, string>) => {
      await repo.commit(files, `Code of ${id}`, id);
      await database.db.insert(schema.stacks).values({
        id,
        name: id,
        provider: 'RAW_GIT',
        repository: repo.url,
        branch: id,
      });
    };

    const locks = async (stackId: string) =>
      database.db.select().from(schema.stateLocks).where(eq(schema.stateLocks.stackId, stackId));

    const noteOf = async (runId: string) => (await service.history(runId)).at(-1)!.note;

    /** Resources in the stack's latest stored state. */
    const stateResources = async (stackId: string) => {
      const state = await latestState(database.db, stackId);
      if (!state) return [];
      const parsed = JSON.parse(state.content.toString('utf8')) as {
        resources?: Array<{ type: string; name: string }>;
      };
      return (parsed.resources ?? []).map((resource) => `${resource.type}.${resource.name}`);
    };

    /** Each resource reports once created; `slow` first reports it started, then takes its time. */
    const reporting = (name: string, options: { slowSeconds?: number; after?: string } = {}) => `
resource "terraform_data" "${name}" {
  ${options.after ? `depends_on = [terraform_data.${options.after}]` : ''}
  provisioner "local-exec" {
    interpreter = ["/bin/bash", "-c"]
    command     = "echo ${name}-started-\${var.gantry_run_id} > /dev/tcp/127.0.0.1/${recorder.port}; ${
      options.slowSeconds ? `sleep ${options.slowSeconds}; : ${marker}; ` : ''
    }echo ${name}-\${var.gantry_run_id} > /dev/tcp/127.0.0.1/${recorder.port}"
  }
}
`;
    const runIdVariable = 'variable "gantry_run_id" {\n  type = string\n}\n';

    beforeAll(async () => {
      temporalDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gantry-fault-temporal-'));
      temporalPort = await freePort();
      await startTemporal();
      connection = await Connection.connect({ address: temporal.address });
      client = new Client({ connection, namespace: 'default' });
      await ensureSearchAttributes(connection, 'default');

      schemaName = `fault_${Date.now()}`;
      const url = new URL(postgresUrl!);
      url.searchParams.set('options', `-c search_path=${schemaName}`);
      database = await openDatabase({ url: postgresUrl!, schema: schemaName });
      await database.migrate();
      service = new RunService({
        db: database.db,
        box: new SecretBox(randomBytes(32)),
        stacks: new StackService({ db: database.db, box: new SecretBox(randomBytes(32)) }),
        client,
        vcsFor: () => new RawGitProvider({ allowFile: true }),
        runTimeoutMs: 70 * 60_000,
      });

      recorder = await startApplyRecorder();
      modules = await startHeldServer('module.tar.gz', await moduleArchive());
      stalled = await startHeldServer(
        'state',
        Buffer.from(
          JSON.stringify({
            version: 4,
            serial: 1,
            lineage: 'fault-suite',
            terraform_version: '1.10.0',
            outputs: {},
            resources: [],
          }),
        ),
      );
      repo = await createTestRepo();
      await repo.commit({ 'README.md': 'fault suite' }, 'Start');

      const port = await freePort();
      env = {
        ...userEnv({ PORT: String(port), GANTRY_PUBLIC_URL: `http://127.0.0.1:${port}` }),
        DATABASE_URL: url.toString(),
        TEMPORAL_ADDRESS: temporal.address,
        GANTRY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        GANTRY_ALLOW_FILE_REPOSITORIES: 'true',
      };
      const serve = runGantry(['serve'], env);
      processes.push(serve);
      await waitForReady(`http://127.0.0.1:${port}/readyz`, serve.exit);
    });

    afterAll(async () => {
      for (const started of processes) {
        if (started.child.exitCode === null) started.child.kill('SIGKILL');
      }
      await connection?.close();
      await temporal?.stop();
      await database?.close();
      const admin = new pg.Client({ connectionString: postgresUrl });
      await admin.connect();
      await admin.query(`drop schema if exists ${schemaName} cascade`);
      await admin.end();
      await recorder?.close();
      await modules?.close();
      await stalled?.close();
      await repo?.remove();
      await fs.rm(temporalDir, { recursive: true, force: true });
    });

    afterEach(async () => {
      // Whatever a test left running, each test starts with no worker.
      for (const started of processes.slice(1)) {
        if (started.child.exitCode === null) {
          started.child.kill('SIGKILL');
          await started.exit;
        }
      }
      expect(processesNamed(marker)).toEqual([]);
    });

    it('a worker killed in INITIALIZING: another worker initializes again, and the run applies once', async () => {
      await addStack('initializing', {
        'main.tf': `${runIdVariable}
module "slow" {
  source = "${modules.url}"
}
${reporting('marker')}`,
      });
      const first = await startWorker();
      const run = await service.trackHead('initializing', { triggeredBy: 'ada' });
      await until(() => Promise.resolve(modules.requests() > 0), 'fetching the module');
      expect(await stateOf(run.id)).toBe(RunState.INITIALIZING);
      await kill(first);

      modules.release();
      await startWorker();
      await waitFor(run.id, RunState.UNCONFIRMED);
      await service.decide('initializing', run.id, 'confirm', 'ada');
      await waitFor(run.id, RunState.FINISHED);
      expect(await recorder.lines()).toContain(`marker-${run.id}`);
      expect((await recorder.lines()).filter((line) => line === `marker-${run.id}`)).toHaveLength(
        1,
      );
      expect(await locks('initializing')).toEqual([]);
      expect(await stateResources('initializing')).toEqual(['terraform_data.marker']);
    });

    it('a worker killed in PLANNING holding the state lock: the run goes back to the queue, its lock freed, and another worker plans it', async () => {
      // Reading another state that does not come until released: the plan holds the lock and waits.
      await repo.commit(
        {
          'main.tf': `data "terraform_remote_state" "stuck" {
  backend = "http"
  config = {
    address = "${stalled.url}"
  }
}
${runIdVariable}${reporting('planned')}`,
        },
        'Read a state that comes late',
        'planning',
      );
      await database.db.insert(schema.stacks).values({
        id: 'planning',
        name: 'planning',
        provider: 'RAW_GIT',
        repository: repo.url,
        branch: 'planning',
      });
      const first = await startWorker();
      const run = await service.trackHead('planning', { triggeredBy: 'ada' });
      await until(async () => (await locks('planning')).length > 0, 'taking the state lock');
      expect(await stateOf(run.id)).toBe(RunState.PLANNING);
      await kill(first);

      await startWorker();
      const handedBack = async () =>
        (await service.history(run.id)).find(
          (transition, index) => index > 0 && transition.state === RunState.QUEUED,
        );
      await until(async () => (await handedBack()) !== undefined, 'handing the run back', 120_000);
      expect((await handedBack())!.note).toBe(
        'the worker running this phase went away; the run starts again on another worker',
      );
      stalled.release();
      await waitFor(run.id, RunState.UNCONFIRMED);
      expect((await service.history(run.id)).map((transition) => transition.state)).toEqual([
        RunState.QUEUED,
        RunState.INITIALIZING,
        RunState.PLANNING,
        RunState.QUEUED,
        RunState.INITIALIZING,
        RunState.PLANNING,
        RunState.UNCONFIRMED,
      ]);
      await service.decide('planning', run.id, 'confirm', 'ada');
      await waitFor(run.id, RunState.FINISHED);
      expect((await recorder.lines()).filter((line) => line === `planned-${run.id}`)).toHaveLength(
        1,
      );
      expect(await locks('planning')).toEqual([]);
      expect(
        await database.db
          .select()
          .from(schema.stateCredentials)
          .where(eq(schema.stateCredentials.runId, run.id)),
      ).toEqual([]);
    });

    it('a worker killed in UNCONFIRMED: the run is confirmed through a new worker and applies once', async () => {
      await addStack('unconfirmed', { 'main.tf': `${runIdVariable}${reporting('marker')}` });
      const first = await startWorker();
      const run = await service.trackHead('unconfirmed', { triggeredBy: 'ada' });
      await waitFor(run.id, RunState.UNCONFIRMED);
      await kill(first);

      await startWorker();
      const decided = await service.decide('unconfirmed', run.id, 'confirm', 'ada');
      // Taken by the new worker at once, or left with the run until it is: either way it holds.
      expect(decided.pending ? RunState.UNCONFIRMED : decided.state).toMatch(
        /^(UNCONFIRMED|CONFIRMED|APPLYING|FINISHED)$/,
      );
      await waitFor(run.id, RunState.FINISHED);
      expect((await recorder.lines()).filter((line) => line === `marker-${run.id}`)).toHaveLength(
        1,
      );
      expect(await locks('unconfirmed')).toEqual([]);
    });

    it('a worker killed in APPLYING: the apply stops with it, keeps what it applied in the state, and is not repeated', async () => {
      await addStack('applying', {
        'main.tf': `${runIdVariable}${reporting('first')}${reporting('second', { slowSeconds: 300, after: 'first' })}`,
      });
      const first = await startWorker();
      const run = await service.trackHead('applying', { triggeredBy: 'ada' });
      await waitFor(run.id, RunState.UNCONFIRMED);
      await service.decide('applying', run.id, 'confirm', 'ada');
      await until(
        async () => (await recorder.lines()).includes(`second-started-${run.id}`),
        'starting the second resource',
      );
      await kill(first);

      await startWorker();
      await waitFor(run.id, RunState.FAILED);
      expect(await noteOf(run.id)).toMatch(/^the worker running this phase went away/);
      const lines = await recorder.lines();
      expect(lines.filter((line) => line === `first-${run.id}`)).toHaveLength(1);
      expect(lines).not.toContain(`second-${run.id}`);
      expect(await locks('applying')).toEqual([]);
      expect(await stateResources('applying')).toContain('terraform_data.first');

      // The next run does not create again what the interrupted apply created.
      const next = await service.trackHead('applying', { triggeredBy: 'ada' });
      await waitFor(next.id, RunState.UNCONFIRMED);
      const [planned] = await database.db
        .select({ delta: schema.runs.delta })
        .from(schema.runs)
        .where(eq(schema.runs.id, next.id));
      expect(planned!.delta!.addResources).not.toContain('terraform_data.first');
      await service.decide('applying', next.id, 'discard', 'ada');
    });

    it('Temporal gone for longer than the heartbeat timeout while a run applies: the worker stops the apply itself, keeping what it applied', async () => {
      await addStack('fenced', {
        'main.tf': `${runIdVariable}${reporting('first')}${reporting('second', { slowSeconds: 300, after: 'first' })}`,
      });
      const worker = await startWorker();
      const run = await service.trackHead('fenced', { triggeredBy: 'ada' });
      await waitFor(run.id, RunState.UNCONFIRMED);
      await service.decide('fenced', run.id, 'confirm', 'ada');
      await until(
        async () => (await recorder.lines()).includes(`second-started-${run.id}`),
        'starting the second resource',
      );
      process.kill(-temporal.pid, 'SIGKILL');
      await temporal.exited;

      try {
        // With Temporal away, nobody can tell the worker to stop: it stops its tool on its
        // own, before Temporal would give the phase up; OpenTofu saves what it applied and
        // unlocks.
        await until(
          async () => processesNamed(marker).length === 0 && (await locks('fenced')).length === 0,
          'the apply stopping and its lock released',
          60_000,
        );
        expect(await stateResources('fenced')).toContain('terraform_data.first');
        expect(worker.child.exitCode).toBeNull();
      } finally {
        await startTemporal();
      }
      await waitFor(run.id, RunState.FAILED, 180_000);
      expect(await noteOf(run.id)).toMatch(
        /^(this worker could not reach Temporal for 20 seconds|the worker running this phase went away)/,
      );
      const lines = await recorder.lines();
      expect(lines.filter((line) => line === `first-${run.id}`)).toHaveLength(1);
      expect(lines).not.toContain(`second-${run.id}`);
    });

    it('Temporal killed while a run applies and started again: the run finishes and applies once', async () => {
      await addStack('temporal', {
        'main.tf': `${runIdVariable}${reporting('slow', { slowSeconds: 8 })}`,
      });
      await startWorker();
      const run = await service.trackHead('temporal', { triggeredBy: 'ada' });
      await waitFor(run.id, RunState.UNCONFIRMED);
      await service.decide('temporal', run.id, 'confirm', 'ada');
      await until(
        async () => (await recorder.lines()).includes(`slow-started-${run.id}`),
        'starting to apply',
      );
      process.kill(-temporal.pid, 'SIGKILL');
      await temporal.exited;
      await startTemporal();

      await waitFor(run.id, RunState.FINISHED, 180_000);
      expect((await recorder.lines()).filter((line) => line === `slow-${run.id}`)).toHaveLength(1);
      expect(await locks('temporal')).toEqual([]);
      expect(await stateResources('temporal')).toEqual(['terraform_data.slow']);
      expect((await service.history(run.id)).map((transition) => transition.state)).toEqual([
        RunState.QUEUED,
        RunState.INITIALIZING,
        RunState.PLANNING,
        RunState.UNCONFIRMED,
        RunState.CONFIRMED,
        RunState.APPLYING,
        RunState.FINISHED,
      ]);
    });
  },
);

/** A module as `source = "http://…/module.tar.gz"` fetches it. */
async function moduleArchive(): Promise<Buffer> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gantry-fault-module-'));
  await fs.writeFile(path.join(dir, 'main.tf'), 'output "ready" {\n  value = true\n}\n');
  const chunks: Buffer[] = [];
  for await (const chunk of tar.c({ gzip: true, cwd: dir, portable: true }, ['main.tf'])) {
    chunks.push(chunk);
  }
  await fs.rm(dir, { recursive: true, force: true });
  return Buffer.concat(chunks);
}

interface HeldServer {
  url: string;
  /** Requests received so far. */
  requests(): number;
  /** From now on, answers at once. */
  release(): void;
  close(): Promise<void>;
}

/**
 * Answers `body` at `/<name>`, holding every request until released: a tool waiting there
 * (`tofu init` fetching a module, a plan reading a remote state) lets a test kill its worker.
 */
async function startHeldServer(name: string, body: Buffer): Promise<HeldServer> {
  let released = false;
  let requests = 0;
  const held: http.ServerResponse[] = [];
  const server = http.createServer((_req, res) => {
    requests += 1;
    if (released) res.end(body);
    else held.push(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/${name}`,
    requests: () => requests,
    release() {
      released = true;
      for (const res of held.splice(0)) res.destroy();
    },
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
