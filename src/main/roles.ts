import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { WorkerPlaces, type RunObserver } from '../../activities';
import { Sandbox } from '../../activities/runner/sandbox';
import { ProviderMirrorConfig } from '../../activities/runner/providerMirror';
import { claimWorkRoot } from '../../activities/runner/workspace';
import { PlannedWorkspaces } from '../../activities/runner/planned';
import { ProviderCache } from '../../activities/runner/providerCache';
import {
  connectTemporal,
  ensureSearchAttributes,
  TASK_QUEUE,
  type TemporalHandle,
} from '../../temporal/client';
import { startDevServer, type DevServer } from '../../temporal/devServer';
import { startGantryWorkers } from '../../temporal/worker';
import { startWorkerRegistration } from './registration';
import { createApi } from '../api';
import type { ReadinessCheck } from '../api/app';
import { openDatabase, type DatabaseHandle } from '../db';
import type { Config } from '../platform/config';
import { loadOrCreateSecret, lockDirectory } from '../platform/embedded';
import type { Logger } from '../platform/logger';
import { createMetrics, gaugeOnScrape, poolLabel, type Metrics } from '../platform/metrics';
import { SecretBox } from '../platform/secrets';
import { ensureTools, requireTool } from '../platform/tools';
import { startRunReconciler } from '../runs/reconciler';
import { buildServices, workerActivities, type ServiceSettings, type Services } from './services';

/**
 * The roles one Gantry process can play. `all` is the single-machine setup: it starts the
 * embedded database and Temporal when none are configured. `serve` and `worker` are the parts
 * that scale out, so they share a PostgreSQL server and a Temporal cluster.
 */
export type Role = 'all' | 'serve' | 'worker';

export interface Gantry {
  apiUrl?: string;
  temporalUiUrl?: string;
  /** The file holding the generated admin token, when Gantry generated one. */
  adminTokenFile?: string;
  /** Rejects if a part stops on its own: the worker, the dev server, the HTTP server. */
  failed: Promise<never>;
  /** Stops every part this process started, in reverse order of starting. */
  stop(): Promise<void>;
}

export class RoleError extends Error {}

// Together well inside the 10 s a stop may take.
const HTTP_CLOSE_GRACE_MS = 1_000;
const ALL_DRAIN_MS = 3_000;

/**
 * What a role has started so far, stopped in reverse order; and how a part that stops on its
 * own fails the process.
 */
class Parts {
  private readonly started: Array<{ name: string; stop: () => Promise<void> }> = [];
  readonly fail: (error: Error) => void;
  /** Rejects when a part stops on its own. */
  readonly failed: Promise<never>;

  constructor(
    private readonly logger: Logger,
    private readonly signal: AbortSignal | undefined,
  ) {
    let fail!: (error: Error) => void;
    this.failed = new Promise<never>((_resolve, reject) => (fail = reject));
    this.fail = fail;
    // Seen by whoever awaits `failed`; a failure while stopping is nobody's concern.
    this.failed.catch(() => {});
  }

  add(name: string, stop: () => Promise<void>) {
    this.started.push({ name, stop });
  }

  /** Throws once starting was called off. */
  step() {
    this.signal?.throwIfAborted();
  }

  async stop() {
    for (const part of this.started.reverse().splice(0)) {
      try {
        await part.stop();
      } catch (error) {
        this.logger.error({ err: error, part: part.name }, 'stopping part');
      }
    }
  }
}

/**
 * Starts the parts of `role`. Aborting `signal` while it starts stops what was started so far
 * and rejects.
 */
export async function startGantry(
  role: Role,
  config: Config,
  logger: Logger,
  signal?: AbortSignal,
): Promise<Gantry> {
  if (role !== 'worker' && config.GANTRY_WORKER_POOL) {
    throw new RoleError(
      `GANTRY_WORKER_POOL is set, but only \`gantry worker\` serves a worker pool; unset it for gantry ${role}`,
    );
  }
  if (role !== 'all' && (config.embeddedDatabase || config.embeddedTemporal)) {
    const missing = [
      config.embeddedDatabase && 'DATABASE_URL',
      config.embeddedTemporal && 'TEMPORAL_ADDRESS',
    ].filter(Boolean);
    throw new RoleError(
      `gantry ${role} runs beside other Gantry processes, so it needs DATABASE_URL and TEMPORAL_ADDRESS ` +
        `(missing: ${missing.join(', ')}); ` +
        'to run everything in one process with embedded PostgreSQL and Temporal, use `gantry all`',
    );
  }

  const parts = new Parts(logger, signal);
  try {
    if (role === 'all') await claimDataDir(config, logger, parts, signal);

    const database = await openDatabase({
      ...(config.DATABASE_URL
        ? { url: config.DATABASE_URL }
        : { dataDir: path.join(config.dataDir, 'pglite') }),
      logger,
    });
    parts.add('database', () => database.close());
    await database.migrate();
    logger.info({ kind: database.kind }, 'database ready');
    parts.step();

    const devServer = config.embeddedTemporal
      ? await startEmbeddedTemporal(config, logger, parts, signal)
      : undefined;

    const temporal = connectTemporal(config.temporalAddress, config.TEMPORAL_NAMESPACE);
    parts.add('temporal client', () => temporal.close());
    // A process that runs workers has a directory of its own for its runs' workspaces and
    // the commits it fetched for them.
    const workRoot =
      role === 'all' || role === 'worker'
        ? await claimWorkRoot(path.join(os.tmpdir(), 'gantry-workspaces'))
        : undefined;
    const services = buildServices({
      ...(await serviceSettings(config, database, temporal, logger)),
      ...(workRoot ? { sourceCacheDir: path.join(workRoot, SOURCE_CACHE) } : {}),
    });
    // One registry per process: `gantry all` serves its workers' metrics with the API's.
    const metrics = createMetrics();

    if (workRoot) await startWorkerRole(role, config, services, temporal, metrics, parts, workRoot);
    const served =
      role === 'all' || role === 'serve'
        ? await startServeRole(
            config,
            services,
            metrics,
            [
              { name: 'database', check: () => database.ping() },
              { name: 'temporal', check: () => temporal.ping() },
            ],
            parts,
            config.GANTRY_TEMPORAL_UI_URL ?? devServer?.uiUrl,
          )
        : undefined;

    return {
      ...(served?.apiUrl ? { apiUrl: served.apiUrl } : {}),
      ...(devServer?.uiUrl ? { temporalUiUrl: devServer.uiUrl } : {}),
      ...(served?.adminTokenFile ? { adminTokenFile: served.adminTokenFile } : {}),
      failed: parts.failed,
      stop: () => parts.stop(),
    };
  } catch (error) {
    await parts.stop();
    throw error;
  }
}

/**
 * `gantry all` owns its data dir: the database files, the Temporal SQLite file and the
 * generated secrets are one process's, and the tools it runs are built if missing.
 */
async function claimDataDir(config: Config, logger: Logger, parts: Parts, signal?: AbortSignal) {
  // A data dir made by an older Gantry is closed as well.
  await fs.mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  await fs.chmod(config.dataDir, 0o700);
  const release = await lockDirectory(config.dataDir, {
    busyMessage: `another gantry all is using the data dir "${config.dataDir}"; stop it first, or set GANTRY_DATA_DIR`,
    logger,
  });
  parts.add('data dir lock', release);
  parts.step();
  await ensureTools(
    config.embeddedTemporal ? ['temporal', 'opa', 'tofu'] : ['opa', 'tofu'],
    signal,
  );
  parts.step();
}

async function startEmbeddedTemporal(
  config: Config,
  logger: Logger,
  parts: Parts,
  signal?: AbortSignal,
): Promise<DevServer> {
  const options = {
    binary: requireTool('temporal', config),
    port: config.GANTRY_TEMPORAL_PORT,
    uiPort: config.GANTRY_TEMPORAL_UI_PORT,
    dbFilename: path.join(config.dataDir, 'temporal.db'),
    pidFile: path.join(config.dataDir, 'temporal.pid'),
    namespace: config.TEMPORAL_NAMESPACE,
    logger,
  };
  const devServer = await startDevServer({ ...options, ...(signal ? { signal } : {}) });
  const supervisor = superviseDevServer(devServer, () => startDevServer(options), {
    logger,
    fail: parts.fail,
  });
  parts.add('temporal dev server', () => supervisor.stop());
  logger.info({ address: devServer.address, pid: devServer.pid }, 'temporal dev server ready');
  parts.step();
  return devServer;
}

/** The composition root's settings, from the process's configuration. */
async function serviceSettings(
  config: Config,
  database: DatabaseHandle,
  temporal: TemporalHandle,
  logger: Logger,
): Promise<ServiceSettings> {
  return {
    db: database.db,
    changes: database.changes,
    box: await secretBox(config),
    client: temporal.client,
    logger,
    publicUrl: config.publicUrl,
    runTimeoutMs: config.GANTRY_RUN_TIMEOUT_SECONDS * 1000,
    allowFileRepositories: config.GANTRY_ALLOW_FILE_REPOSITORIES,
    opaPath: () => requireTool('opa', config),
    slack: {
      clientId: config.SLACK_CLIENT_ID,
      clientSecret: config.SLACK_CLIENT_SECRET,
      signingSecret: config.SLACK_SIGNING_SECRET,
      apiUrl: config.SLACK_API_URL,
      command: config.GANTRY_SLACK_COMMAND,
    },
  };
}

// How long a worker keeps the workspace a run planned in, for its apply.
const PLANNED_KEEP_MS = 15 * 60_000;
// Where in a worker's own directory the commits it fetched are kept; workspaces are named by
// their runs' ids, which are ULIDs, never this.
const SOURCE_CACHE = 'sources';
// Where the providers it installed for its runs are kept, and how many versions at most.
const PROVIDER_CACHE = 'providers';
const CACHED_PROVIDER_VERSIONS = 32;

/** The worker: Temporal workers on the shared and its own queue, and the run reconciler. */
async function startWorkerRole(
  role: Role,
  config: Config,
  services: Services,
  temporal: TemporalHandle,
  metrics: Metrics,
  parts: Parts,
  workRoot: string,
) {
  const { logger } = services;
  await ensureSearchAttributes(temporal.connection, config.TEMPORAL_NAMESPACE);
  if (role === 'worker' && config.GANTRY_ADMIN_TOKEN) {
    logger.warn(
      'GANTRY_ADMIN_TOKEN is set for a worker, which never uses it: keep it only in the environment of `gantry serve`',
    );
  }
  const sandbox = await Sandbox.create({
    enabled: config.GANTRY_RUN_SANDBOX === 'on',
    runUser: config.GANTRY_RUN_USER,
  });
  if (sandbox.unavailable) {
    logger.error(
      { reason: sandbox.unavailable },
      'this worker cannot sandbox runs: every run it takes fails until bubblewrap works here or GANTRY_RUN_SANDBOX=off',
    );
  } else if (!sandbox.enabled) {
    logger.warn(
      "GANTRY_RUN_SANDBOX=off: runs' tools run as this worker's user and can read its files, processes and secrets",
    );
  }
  const mirror = config.GANTRY_PROVIDER_MIRROR;
  if (mirror?.kind === 'filesystem') await requireMirrorDirectory(mirror.path);
  const providerMirror = mirror
    ? new ProviderMirrorConfig(mirror, { workRoot, sandboxed: sandbox.enabled })
    : undefined;
  const tofuPath = requireTool('tofu', config);
  const runner = {
    db: services.db,
    box: services.box,
    vcsFor: services.vcsFor,
    tofuPath,
    sandbox,
    // In one process the API is right here; workers elsewhere reach it as people do.
    apiUrl: role === 'all' ? `http://127.0.0.1:${config.PORT}` : config.publicUrl,
    workRoot,
    // A workspace is kept for an apply soon after its plan, by autodeploy or a quick decision;
    // runs that wait longer are as likely to be applied by another worker.
    planned: new PlannedWorkspaces({
      max: 2 * config.GANTRY_WORKER_CONCURRENCY,
      keepMs: PLANNED_KEEP_MS,
    }),
    providers: new ProviderCache({
      dir: path.join(workRoot, PROVIDER_CACHE),
      sandbox,
      tofuPath,
      ...(providerMirror ? { providerMirror } : {}),
      maxVersions: CACHED_PROVIDER_VERSIONS,
      logger,
    }),
    runTokens: services.runTokens,
    ...(providerMirror ? { providerMirror } : {}),
    silenceTimeoutMs: config.GANTRY_SILENCE_TIMEOUT_SECONDS * 1000,
    logger,
  };
  const pool = config.GANTRY_WORKER_POOL ?? null;
  if (pool !== null) await joinPool(services, pool, config.GANTRY_WORKER_POOL_TOKEN);
  const places = new WorkerPlaces();
  const registration = await startWorkerRegistration({
    pools: services.workerPools,
    pool,
    token: config.GANTRY_WORKER_POOL_TOKEN,
    places,
    concurrency: config.GANTRY_WORKER_CONCURRENCY,
    logger,
    fail: parts.fail,
  });
  parts.add('worker registration', () => registration.stop());
  const workers = await startGantryWorkers({
    address: config.temporalAddress,
    namespace: config.TEMPORAL_NAMESPACE,
    logger,
    pool,
    places: config.GANTRY_WORKER_CONCURRENCY,
    // `gantry all` stops within seconds; a worker of its own gives its runs time to finish.
    drainMs: role === 'worker' ? config.GANTRY_WORKER_DRAIN_SECONDS * 1000 : ALL_DRAIN_MS,
    activities: (workerQueue) =>
      workerActivities(services, runner, workerQueue, places, {
        observer: runObserver(metrics, pool),
      }),
  });
  parts.add('workers', async () => {
    await registration.draining();
    await workers.stop();
  });
  void workers.done.then(() => parts.fail(new Error('a Temporal worker stopped')), parts.fail);
  gaugeOnScrape(
    metrics,
    {
      name: 'gantry_worker_places',
      help: "This worker's places for runs: held by a run, or free.",
      labelNames: ['pool', 'places'] as const,
    },
    () =>
      Promise.resolve([
        { labels: { pool: poolLabel(pool), places: 'held' }, value: places.held },
        {
          labels: { pool: poolLabel(pool), places: 'free' },
          value: Math.max(0, config.GANTRY_WORKER_CONCURRENCY - places.held),
        },
      ]),
  );
  if (role === 'worker' && config.GANTRY_METRICS_PORT !== undefined) {
    const server = await listen(
      config.GANTRY_METRICS_PORT,
      metricsHandler(metrics),
      'GANTRY_METRICS_PORT',
    );
    parts.add('metrics server', () => closeServer(server));
    logger.info({ port: config.GANTRY_METRICS_PORT }, 'metrics served on /metrics');
  }
  if (pool === null) {
    // Runs whose workflow did not start are started by the workers that run workflows.
    const reconciler = startRunReconciler(services.runs, logger);
    parts.add('run reconciler', () => reconciler.stop());
  }
  logger.info(
    { taskQueue: TASK_QUEUE, pool, concurrency: config.GANTRY_WORKER_CONCURRENCY },
    'workers polling',
  );
  parts.step();
}

/** The worker's metrics of the runs it takes, labelled with its pool. */
function runObserver(metrics: Metrics, pool: string | null): RunObserver {
  const label = poolLabel(pool);
  return {
    waited: (seconds) => metrics.runQueueWait.observe({ pool: label }, seconds),
    phaseEnded: (phase, outcome, seconds) =>
      metrics.runPhaseDuration.observe({ phase, pool: label, outcome }, seconds),
  };
}

/** A worker's own HTTP listener: `/metrics`, and nothing else. */
function metricsHandler(metrics: Metrics): http.RequestListener {
  return (req, res) => {
    if (req.method !== 'GET' || req.url !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('only GET /metrics is here\n');
      return;
    }
    metrics.registry.metrics().then(
      (body) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(body),
      (error: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(error.message),
    );
  };
}

/** A worker of a private pool shows the pool's credentials before it takes any of its runs. */
async function joinPool(services: Services, pool: string, token: string | undefined) {
  if (!token) {
    throw new RoleError(
      `a worker of pool ${pool} needs the pool's credentials: set GANTRY_WORKER_POOL_TOKEN to the pool's config (WorkerPool.config, as workerPoolCreate or workerPoolReset answered it)`,
    );
  }
  try {
    await services.workerPools.authenticateWorker(pool, token);
  } catch (error) {
    throw new RoleError(`joining worker pool ${pool}: ${(error as Error).message}`);
  }
}

/** A filesystem provider mirror must be a directory the worker can read. */
async function requireMirrorDirectory(dir: string) {
  const stat = await fs.stat(dir).catch(() => undefined);
  if (!stat?.isDirectory()) {
    throw new RoleError(
      `GANTRY_PROVIDER_MIRROR names "${dir}", which is not a directory on this worker; make it one (\`tofu providers mirror ${dir}\` fills it) or point GANTRY_PROVIDER_MIRROR elsewhere`,
    );
  }
  await fs.readdir(dir).catch((error: Error) => {
    throw new RoleError(
      `GANTRY_PROVIDER_MIRROR names "${dir}", which this worker cannot read (${error.message}); make it readable by the worker and by GANTRY_RUN_USER`,
    );
  });
}

/** The API: the HTTP server, with the admin token generated into the data dir if need be. */
async function startServeRole(
  config: Config,
  services: Services,
  metrics: Metrics,
  readiness: ReadinessCheck[],
  parts: Parts,
  temporalUiUrl: string | undefined,
): Promise<{ apiUrl: string; adminTokenFile?: string }> {
  const { logger } = services;
  let adminToken = config.GANTRY_ADMIN_TOKEN;
  let adminTokenFile: string | undefined;
  if (!adminToken && config.embeddedDatabase) {
    adminToken = await loadOrCreateSecret(config.dataDir, 'admin-token');
    adminTokenFile = path.join(config.dataDir, 'admin-token');
  }
  if (!adminToken) {
    logger.warn(
      'no GANTRY_ADMIN_TOKEN: nobody can act as admin until it is set (admins create API keys and stacks)',
    );
  }
  const server = await listen(
    config.PORT,
    createApi({
      ...services,
      metrics,
      adminToken,
      accountName: config.accountName,
      maxBodyBytes: config.GANTRY_MAX_BODY_BYTES,
      readiness,
      ...(temporalUiUrl ? { temporalUiUrl: temporalUiUrl.replace(/\/+$/, '') } : {}),
    }),
  );
  // Stopped after the server, so the deliveries it answered last are recorded too.
  parts.add('webhook delivery records', () => services.gitlabWebhooks.recorded());
  // Likewise the Slack commands and button presses it answered: their replies follow.
  parts.add('slack follow-ups', () => services.slack.followUps.stop());
  parts.add('http server', () => closeServer(server));
  server.once('close', () => parts.fail(new Error('the HTTP server closed')));
  logger.info({ port: config.PORT }, 'http server listening');
  return { apiUrl: config.publicUrl, ...(adminTokenFile ? { adminTokenFile } : {}) };
}

// A dev server that stops this often within the window is not restarted again.
const DEV_SERVER_RESTARTS = 5;
const DEV_SERVER_RESTART_WINDOW_MS = 10 * 60_000;

/**
 * Keeps the embedded Temporal running: a dev server that dies is started again on its SQLite
 * file, and the workers and clients reconnect to it by themselves; runs go on where they were.
 * Only one that keeps dying takes Gantry down.
 */
function superviseDevServer(
  first: DevServer,
  restart: () => Promise<DevServer>,
  parts: { logger: Logger; fail: (error: Error) => void },
) {
  let current = first;
  let stopping = false;
  const restarts: number[] = [];
  const watch = (server: DevServer) => {
    void server.exited.then(async (how) => {
      if (stopping) return;
      const now = Date.now();
      restarts.push(now);
      while (restarts[0]! < now - DEV_SERVER_RESTART_WINDOW_MS) restarts.shift();
      if (restarts.length > DEV_SERVER_RESTARTS) {
        parts.fail(
          new Error(`the Temporal dev server ${how}, ${DEV_SERVER_RESTARTS} times in 10 minutes`),
        );
        return;
      }
      parts.logger.error({ how }, 'the temporal dev server stopped; starting it again');
      try {
        // The port it held is freed a moment after it died.
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        current = await restart();
      } catch (error) {
        parts.fail(new Error(`restarting the Temporal dev server: ${(error as Error).message}`));
        return;
      }
      if (stopping) {
        await current.stop();
        return;
      }
      parts.logger.info({ pid: current.pid }, 'temporal dev server running again');
      watch(current);
    });
  };
  watch(first);
  return {
    async stop() {
      stopping = true;
      await current.stop();
    },
  };
}

/**
 * The key for secrets at rest: GANTRY_ENCRYPTION_KEY, or with the embedded database one
 * generated into the data dir on first start.
 */
async function secretBox(config: Config): Promise<SecretBox> {
  if (config.GANTRY_ENCRYPTION_KEY) return SecretBox.fromBase64(config.GANTRY_ENCRYPTION_KEY);
  if (config.embeddedDatabase) {
    return SecretBox.fromBase64(await loadOrCreateSecret(config.dataDir, 'encryption-key'));
  }
  throw new RoleError(
    'GANTRY_ENCRYPTION_KEY must be set when DATABASE_URL is: every Gantry process needs the same key ' +
      'for secrets at rest (generate one with `openssl rand -base64 32`)',
  );
}

/** Listens on `port`, which the variable `setting` gives; a taken port is told by that name. */
async function listen(
  port: number,
  handler: http.RequestListener,
  setting = 'PORT',
): Promise<http.Server> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(
              `starting http server: port ${port} is already in use; set ${setting} to a free port`,
            )
          : new Error(`starting http server: ${error.message}`),
      ),
    );
    server.listen(port, () => resolve());
  });
  return server;
}

/** Stops taking connections, gives requests in flight a moment, then closes what is left. */
async function closeServer(server: http.Server) {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), HTTP_CLOSE_GRACE_MS);
  await closed;
  clearTimeout(timer);
}
