import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import pg from 'pg';
import { openDatabase, schema, type DatabaseHandle } from '../../src/db';
import { RunService } from '../../src/runs/service';
import { RunState } from '../../src/runs/types';
import { ensureSearchAttributes, TASK_QUEUE } from '../../src/temporal/client';
import { RawGitProvider } from '../../src/vcs/rawGit';
import { createTestRepo, type TestRepo } from '../support/gitRepo';
import { freePort } from '../support/ports';
import { runGantry, userEnv, waitForReady } from '../support/processes';
import { startTestTemporal, type TestTemporal } from '../support/temporal';

// Separate worker processes share a PostgreSQL server: PGlite belongs to one process.
const postgresUrl = process.env.DATABASE_URL;

(postgresUrl ? describe : describe.skip)(
  'a worker killed while a run waits for confirmation',
  () => {
    let temporal: TestTemporal;
    let database: DatabaseHandle;
    let repo: TestRepo;
    let sideEffects: string;
    let schemaName: string;
    let env: NodeJS.ProcessEnv;
    const processes: Array<ReturnType<typeof runGantry>> = [];

    const start = (role: 'serve' | 'worker') => {
      const started = runGantry([role], env);
      processes.push(started);
      return started;
    };

    const pollers = async () => {
      const queue = await temporal.client.workflowService.describeTaskQueue({
        namespace: temporal.namespace,
        taskQueue: { name: TASK_QUEUE },
      });
      return queue.pollers?.length ?? 0;
    };

    beforeAll(async () => {
      temporal = await startTestTemporal();
      await ensureSearchAttributes(temporal.connection, temporal.namespace);
      schemaName = `e2e_crash_${Date.now()}`;
      const url = new URL(postgresUrl!);
      url.searchParams.set('options', `-c search_path=${schemaName}`);
      database = await openDatabase({ url: postgresUrl!, schema: schemaName });
      await database.migrate();

      sideEffects = await fs.mkdtemp(path.join(os.tmpdir(), 'gantry-crash-'));
      repo = await createTestRepo();
      await repo.commit(
        {
          'main.tf': `variable "gantry_run_id" {
  type = string
}

resource "terraform_data" "marker" {
  input = "once"

  provisioner "local-exec" {
    command = "echo \${var.gantry_run_id} >> ${sideEffects}/applied"
  }
}
`,
        },
        'Marker',
      );
      await database.db.insert(schema.stacks).values({
        id: 'crash',
        name: 'Crash',
        provider: 'RAW_GIT',
        repository: repo.url,
        branch: 'main',
      });

      const port = await freePort();
      env = {
        ...userEnv({ PORT: String(port), GANTRY_PUBLIC_URL: `http://127.0.0.1:${port}` }),
        DATABASE_URL: url.toString(),
        TEMPORAL_ADDRESS: temporal.address,
        GANTRY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      };
      const serve = start('serve');
      await waitForReady(`http://127.0.0.1:${port}/readyz`, serve.exit);
    });

    afterAll(async () => {
      for (const started of processes) {
        if (started.child.exitCode === null) started.child.kill('SIGKILL');
      }
      await database?.close();
      const admin = new pg.Client({ connectionString: postgresUrl });
      await admin.connect();
      await admin.query(`drop schema if exists ${schemaName} cascade`);
      await admin.end();
      await temporal?.stop();
      await repo?.remove();
      await fs.rm(sideEffects, { recursive: true, force: true });
    });

    it('is confirmed through a new worker, and applies exactly once', async () => {
      const first = start('worker');
      const deadline = Date.now() + 60_000;
      while ((await pollers()) === 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      const service = new RunService({
        db: database.db,
        client: temporal.client,
        vcsFor: () => new RawGitProvider(),
        runTimeoutMs: 70 * 60_000,
      });
      const run = await service.triggerRun('crash', { triggeredBy: 'ada' });
      const stateOf = async () =>
        (
          await database.db
            .select({ state: schema.runs.state })
            .from(schema.runs)
            .where(eq(schema.runs.id, run.id))
        )[0]!.state;
      const waitFor = async (state: RunState) => {
        const until = Date.now() + 120_000;
        while ((await stateOf()) !== state && Date.now() < until) {
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
        expect(await stateOf()).toBe(state);
      };

      await waitFor(RunState.UNCONFIRMED);
      first.child.kill('SIGKILL');
      expect((await first.exit).signal).toBe('SIGKILL');

      start('worker');
      const decided = await service.decide('crash', run.id, 'confirm', 'ada');
      // Taken by the new worker at once, or left with the run until it is: either way it holds.
      expect(decided.pending ? RunState.UNCONFIRMED : decided.state).toMatch(
        /^(UNCONFIRMED|CONFIRMED|APPLYING|FINISHED)$/,
      );
      await waitFor(RunState.FINISHED);
      const applied = (await fs.readFile(path.join(sideEffects, 'applied'), 'utf8'))
        .split('\n')
        .filter(Boolean);
      expect(applied).toEqual([run.id]);
    });
  },
);
