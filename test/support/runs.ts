import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import type { RunSinks } from '../../activities/notify';
import { schema } from './tables';
import { createLogger } from '../../src/platform/logger';
import type { RunSink } from '../../src/runs/events';
import type { RunState } from '../../src/runs/types';
import { SecretBox } from '../../src/platform/secrets';
import { ensureSearchAttributes } from '../../temporal/client';
import { startGantryWorkers, type GantryWorkers } from '../../temporal/worker';
import { WorkerPlaces } from '../../activities';
import { requireTool } from '../../src/platform/tools';
import { workerActivities } from '../../src/main/services';
import { testServices } from './services';
import type { RunService } from '../../src/runs/service';
import type { StackLocks } from '../../src/locks/service';
import { openTestDatabase, type TestDatabase } from './database';
import { startStateServer } from './stateServer';
import { startTestTemporal, type TestTemporal } from './temporal';
import type { RunnerDependencies } from '../../activities/runner/phases';
import { Sandbox } from '../../activities/runner/sandbox';
import { ProviderMirrorConfig, type ProviderMirror } from '../../activities/runner/providerMirror';
import { PlannedWorkspaces } from '../../activities/runner/planned';
import { ProviderCache } from '../../activities/runner/providerCache';
import { RunTokens } from '../../src/runs/tokens';
import type { Database } from '../../src/db';
import { RawGitProvider } from '../../src/vcs/rawGit';

/**
 * What the run phases need to run on their own, without Temporal: RAW_GIT repositories of this
 * machine, the pinned tofu, the sandbox, and the state backend at `apiUrl`.
 */
export async function runnerDependencies(parts: {
  db: Database;
  box: SecretBox;
  apiUrl: string;
  workRoot: string;
}): Promise<RunnerDependencies> {
  const sandbox = await testSandbox();
  const tofuPath = requireTool('tofu', process.env);
  const logger = createLogger('silent');
  return {
    ...parts,
    planned: new PlannedWorkspaces({ max: 8, keepMs: 60_000 }),
    providers: new ProviderCache({
      dir: path.join(parts.workRoot, 'providers'),
      sandbox,
      tofuPath,
      maxVersions: 8,
      logger,
    }),
    runTokens: new RunTokens({
      db: parts.db,
      key: parts.box.deriveKey('run tokens'),
      audience: parts.apiUrl,
    }),
    vcsFor: () => new RawGitProvider({ allowFile: true }),
    tofuPath,
    sandbox,
    silenceTimeoutMs: 60_000,
    logger,
  };
}

/**
 * The sandbox runs get in tests: on, as in production. A machine that cannot sandbox fails
 * the tests that run tools, saying why.
 */
export async function testSandbox(): Promise<Sandbox> {
  const sandbox = await Sandbox.create({ enabled: true, runUser: { uid: 65534, gid: 65534 } });
  if (sandbox.unavailable) throw new Error(`tests need a working sandbox: ${sandbox.unavailable}`);
  return sandbox;
}

/**
 * Everything a run needs, real: a Temporal dev server, a database, the HTTP server with the
 * state backend, Gantry's workers and the run service. One per test file.
 */
export interface RunHarness {
  temporal: TestTemporal;
  database: TestDatabase;
  service: RunService;
  /** People's locks of stacks. */
  locks: StackLocks;
  box: SecretBox;
  apiUrl: string;
  /** Where the workers make workspaces. */
  workRoot: string;
  workers: GantryWorkers[];
  /** Starts the workers again, as a new worker process would. */
  startWorkers(): Promise<void>;
  stopWorkers(): Promise<void>;
  waitForState(runId: string, state: RunState, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startRunHarness(
  options: {
    runTimeoutMs?: number;
    silenceTimeoutMs?: number;
    /** Told of every event before GitLab, in GitLab's activity. */
    notifiers?: RunSink[];
    /** Report runs of GitLab stacks to the GitLab a test connects, as `gantry worker` does. */
    gitlabFeedback?: boolean;
    /** Post run messages to the subscribed channels of the Slack at `slackApiUrl`. */
    slackNotifications?: { slackApiUrl: string };
    /** Where people reach the API, the audience of runs' tokens; the state server's by default. */
    publicUrl?: string;
    /** GANTRY_WORKER_CONCURRENCY, as the workers get it. */
    places?: number;
    /** GANTRY_PROVIDER_MIRROR, as the workers get it. */
    providerMirror?: ProviderMirror;
  } = {},
): Promise<RunHarness> {
  const [temporal, database] = await Promise.all([
    startTestTemporal(),
    openTestDatabase({ kind: 'pglite' }),
  ]);
  await ensureSearchAttributes(temporal.connection, temporal.namespace);
  const box = new SecretBox(randomBytes(32));
  const logger = createLogger('error');
  const workRoot = await fs.mkdtemp(path.join(os.tmpdir(), 'gantry-runs-'));
  const sandbox = await testSandbox();
  const tofuPath = requireTool('tofu', process.env);
  const providerMirror = options.providerMirror
    ? new ProviderMirrorConfig(options.providerMirror, { workRoot, sandboxed: sandbox.enabled })
    : undefined;
  let workerStarts = 0;
  const stateServer = await startStateServer(database.db);
  const apiUrl = stateServer.url;
  // Built as the processes build them; GitLab stacks read the GitLab a test connects with
  // gitlabIntegrationSetup, and test repositories are directories of this machine.
  const services = testServices({
    db: database.db,
    changes: database.changes,
    box,
    client: temporal.client,
    logger,
    publicUrl: options.publicUrl ?? apiUrl,
    // As in a process that runs workers, the commits its runs fetch are kept beside them.
    sourceCacheDir: path.join(workRoot, 'sources'),
    ...(options.runTimeoutMs ? { runTimeoutMs: options.runTimeoutMs } : {}),
    ...(options.slackNotifications
      ? { slack: { apiUrl: options.slackNotifications.slackApiUrl, command: '/gantry' } }
      : {}),
  });
  const inTurn =
    (sinks: RunSink[]): RunSink =>
    async (event) => {
      for (const sink of sinks) await sink(event);
    };
  const sinks: RunSinks = {
    gitlab: inTurn([
      ...(options.notifiers ?? []),
      ...(options.gitlabFeedback ? [services.runSinks.gitlab] : []),
    ]),
    slack: inTurn(options.slackNotifications ? [services.runSinks.slack] : []),
  };

  const harness: RunHarness = {
    temporal,
    database,
    box,
    apiUrl,
    workRoot,
    workers: [],
    service: services.runs,
    locks: services.locks,
    async startWorkers() {
      const places = new WorkerPlaces();
      harness.workers.push(
        await startGantryWorkers({
          address: temporal.address,
          namespace: temporal.namespace,
          logger,
          pool: null,
          places: options.places ?? 4,
          drainMs: 3_000,
          activities: (workerQueue) =>
            workerActivities(
              services,
              {
                db: database.db,
                box,
                vcsFor: services.vcsFor,
                tofuPath,
                sandbox,
                apiUrl,
                workRoot,
                // Each start is a new worker process: it knows of no workspace kept before,
                // and keeps the providers it installs in a directory of its own.
                planned: new PlannedWorkspaces({ max: 8, keepMs: 60_000 }),
                providers: new ProviderCache({
                  dir: path.join(workRoot, `providers-${(workerStarts += 1)}`),
                  sandbox,
                  tofuPath,
                  ...(providerMirror ? { providerMirror } : {}),
                  maxVersions: 8,
                  logger,
                }),
                runTokens: services.runTokens,
                ...(providerMirror ? { providerMirror } : {}),
                silenceTimeoutMs: options.silenceTimeoutMs ?? 7 * 60_000,
                logger,
              },
              workerQueue,
              places,
              { sinks },
            ),
        }),
      );
    },
    async stopWorkers() {
      await Promise.all(harness.workers.map((worker) => worker.stop()));
      harness.workers = [];
    },
    async waitForState(runId, state, timeoutMs = 90_000) {
      const deadline = Date.now() + timeoutMs;
      let current: string | undefined;
      while (Date.now() < deadline) {
        const [run] = await database.db
          .select({ state: schema.runs.state })
          .from(schema.runs)
          .where(eq(schema.runs.id, runId));
        current = run?.state;
        if (current === state) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`run ${runId} is ${current}, not ${state}, after ${timeoutMs / 1000}s`);
    },
    async stop() {
      await harness.stopWorkers();
      await stateServer.close();
      await temporal.stop();
      await database.close();
      await fs.rm(workRoot, { recursive: true, force: true });
    },
  };
  await harness.startWorkers();
  return harness;
}
