import http from 'node:http';
import path from 'node:path';
import { createActivities } from '../activities';
import { startDevServer, type DevServer } from '../temporal/devServer';
import { createApp } from './api/app';
import type { Config } from './config';
import { openDatabase, type DatabaseHandle } from './db';
import { loadOrCreateSecret } from './embedded';
import type { Logger } from './logger';
import { createMetrics } from './metrics';
import { connectTemporal, ensureSearchAttributes } from './temporal/client';
import { startWorker } from './temporal/worker';
import { ensureTools, requireTool } from './tools';

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
  /** Rejects if a part stops on its own (the worker failing, the HTTP server closing). */
  failed: Promise<never>;
  /** Stops every part this process started, in reverse order of starting. */
  stop(): Promise<void>;
}

export class RoleError extends Error {}

export async function startGantry(role: Role, config: Config, logger: Logger): Promise<Gantry> {
  if (role !== 'all' && (config.embeddedDatabase || config.embeddedTemporal)) {
    throw new RoleError(
      `gantry ${role} runs beside other Gantry processes, so it needs DATABASE_URL and TEMPORAL_ADDRESS ` +
        `(missing: ${[config.embeddedDatabase && 'DATABASE_URL', config.embeddedTemporal && 'TEMPORAL_ADDRESS'].filter(Boolean).join(', ')}); ` +
        'to run everything in one process with embedded PostgreSQL and Temporal, use `gantry all`',
    );
  }

  const stops: Array<{ name: string; stop: () => Promise<void> }> = [];
  const failures: Array<Promise<never>> = [];
  const stop = async () => {
    for (const part of stops.reverse().splice(0)) {
      try {
        await part.stop();
      } catch (error) {
        logger.error({ err: error, part: part.name }, 'stopping part');
      }
    }
  };

  try {
    if (role === 'all') {
      await ensureTools(config.embeddedTemporal ? ['temporal', 'opa', 'tofu'] : ['opa', 'tofu']);
    }

    const database = await openDatabase({
      ...(config.DATABASE_URL
        ? { url: config.DATABASE_URL }
        : { dataDir: path.join(config.dataDir, 'pglite') }),
      logger,
    });
    stops.push({ name: 'database', stop: () => database.close() });
    await database.migrate();
    logger.info({ kind: database.kind }, 'database ready');

    let devServer: DevServer | undefined;
    if (config.embeddedTemporal) {
      devServer = await startDevServer({
        binary: requireTool('temporal', config),
        port: config.GANTRY_TEMPORAL_PORT,
        uiPort: config.GANTRY_TEMPORAL_UI_PORT,
        dbFilename: path.join(config.dataDir, 'temporal.db'),
        pidFile: path.join(config.dataDir, 'temporal.pid'),
        namespace: config.TEMPORAL_NAMESPACE,
        logger,
      });
      stops.push({ name: 'temporal dev server', stop: () => devServer!.stop() });
      logger.info({ address: devServer.address, pid: devServer.pid }, 'temporal dev server ready');
    }

    const temporal = connectTemporal(config.temporalAddress, config.TEMPORAL_NAMESPACE);
    stops.push({ name: 'temporal client', stop: () => temporal.close() });

    if (role === 'all' || role === 'worker') {
      await ensureSearchAttributes(temporal.connection, config.TEMPORAL_NAMESPACE);
      const worker = await startWorker({
        address: config.temporalAddress,
        namespace: config.TEMPORAL_NAMESPACE,
        workflowsPath: require.resolve('../workflows'),
        activities: createActivities({ db: database.db, logger }),
        logger,
      });
      stops.push({ name: 'worker', stop: () => worker.stop() });
      failures.push(
        worker.done.then(() => Promise.reject(new Error('the Temporal worker stopped'))),
      );
      logger.info({ taskQueue: worker.worker.options.taskQueue }, 'worker polling');
    }

    let apiUrl: string | undefined;
    let adminTokenFile: string | undefined;
    if (role === 'all' || role === 'serve') {
      if (!config.GANTRY_ADMIN_TOKEN && config.embeddedDatabase) {
        await loadOrCreateSecret(config.dataDir, 'admin-token');
        adminTokenFile = path.join(config.dataDir, 'admin-token');
      }
      const server = await listen(
        config.PORT,
        createHttpHandler(config, logger, database, temporal),
      );
      stops.push({ name: 'http server', stop: () => closeServer(server) });
      failures.push(
        new Promise<never>((_resolve, reject) =>
          server.once('close', () => reject(new Error('the HTTP server closed'))),
        ),
      );
      apiUrl = config.publicUrl;
      logger.info({ port: config.PORT }, 'http server listening');
    }

    return {
      ...(apiUrl ? { apiUrl } : {}),
      ...(devServer?.uiUrl ? { temporalUiUrl: devServer.uiUrl } : {}),
      ...(adminTokenFile ? { adminTokenFile } : {}),
      failed: Promise.race(failures.length > 0 ? failures : [new Promise<never>(() => {})]),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

function createHttpHandler(
  config: Config,
  logger: Logger,
  database: DatabaseHandle,
  temporal: ReturnType<typeof connectTemporal>,
) {
  return createApp({
    logger,
    metrics: createMetrics(),
    maxBodyBytes: config.GANTRY_MAX_BODY_BYTES,
    readiness: [
      { name: 'database', check: () => database.ping() },
      { name: 'temporal', check: () => temporal.ping() },
    ],
  });
}

async function listen(port: number, handler: http.RequestListener): Promise<http.Server> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(
              `starting http server: port ${port} is already in use; set PORT to a free port`,
            )
          : error,
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
  const timer = setTimeout(() => server.closeAllConnections(), 2_000);
  await closed;
  clearTimeout(timer);
}
