import path from 'node:path';
import { ConfigError, loadConfig, type Config } from './platform/config';
import { openDatabase } from './db';
import { createLogger, type Logger } from './platform/logger';
import { RoleError, startGantry, type Gantry, type Role } from './main/roles';

const USAGE = `usage: gantry <role>

roles:
  all       everything in one process; starts the embedded PostgreSQL (PGlite) and Temporal
            dev server unless DATABASE_URL and TEMPORAL_ADDRESS are set (what \`npm start\` runs)
  serve     the HTTP server
  worker    the Temporal worker that executes runs, of the public worker pool
  worker --pool <id>
            a worker of the worker pool <id> (GANTRY_WORKER_POOL), with the pool's
            credentials in GANTRY_WORKER_POOL_TOKEN
  migrate   apply database migrations and exit

Configuration is read from environment variables; see README.md.`;

// Everything must be stopped within 10 s of SIGINT/SIGTERM; past this, what is left is killed.
const STOP_DEADLINE_MS = 9_000;

export function main(argv: string[]): void {
  const [role, ...rest] = argv;
  if (role === undefined || role === 'help' || role === '--help' || role === '-h') {
    console.log(USAGE);
    return;
  }
  const pool = role === 'worker' ? poolArgument(rest) : rest.length === 0 ? null : undefined;
  if (!['all', 'serve', 'worker', 'migrate'].includes(role) || pool === undefined) {
    console.error(`gantry: unknown command "${argv.join(' ')}"\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }

  let config: Config;
  try {
    config = loadConfig(pool === null ? process.env : { ...process.env, GANTRY_WORKER_POOL: pool });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`gantry: ${error.message}`);
    process.exitCode = 2;
    return;
  }
  const logger = createLogger(config.LOG_LEVEL, { role });

  if (role === 'migrate') {
    migrate(config, logger).then(
      () => logger.info('migrations applied'),
      (error: Error) => fail(logger, error),
    );
  } else {
    run(role as Role, config, logger).catch((error: Error) => fail(logger, error));
  }
}

/** The pool of `worker --pool <id>` (or `--pool=<id>`); null without one, undefined if malformed. */
function poolArgument(rest: string[]): string | null | undefined {
  if (rest.length === 0) return null;
  if (rest.length === 2 && rest[0] === '--pool') return rest[1];
  if (rest.length === 1 && rest[0]!.startsWith('--pool=')) return rest[0]!.slice('--pool='.length);
  return undefined;
}

/** A start that cannot go on is told plainly on stderr, and logged with its stack. */
function fail(logger: Logger, error: Error) {
  if (!(error instanceof RoleError)) logger.fatal({ err: error }, error.message);
  console.error(`gantry: ${error.message}`);
  process.exitCode = 1;
}

async function migrate(config: Config, logger: Logger) {
  const database = await openDatabase({
    ...(config.DATABASE_URL
      ? { url: config.DATABASE_URL }
      : { dataDir: path.join(config.dataDir, 'pglite') }),
    logger,
  });
  try {
    await database.migrate();
  } finally {
    await database.close();
  }
}

async function run(role: Role, config: Config, logger: Logger) {
  const starting = new AbortController();
  let gantry: Gantry | undefined;
  let stopping = false;
  const shutdown = (reason: string, exitCode: number) => {
    if (stopping) {
      // A second Ctrl-C: stop now. The dev server's process group goes with this process.
      logger.warn({ reason }, 'stopping at once');
      process.exit(1);
    }
    stopping = true;
    logger.info({ reason }, 'stopping');
    process.exitCode = exitCode;
    // Whatever still holds the process past the deadline is cut short. A worker first gives
    // the runs it holds their drain time.
    const deadline =
      STOP_DEADLINE_MS + (role === 'worker' ? config.GANTRY_WORKER_DRAIN_SECONDS * 1000 : 0);
    setTimeout(() => {
      logger.error({ ms: deadline }, 'stopping took too long; exiting now');
      process.exit(1);
    }, deadline).unref();
    if (gantry) void gantry.stop().then(() => logger.info('stopped'));
    // Not started yet: startGantry stops what it started and rejects.
    else starting.abort(new Error(`stopped by ${reason} while starting`));
  };
  process.on('SIGINT', () => shutdown('SIGINT', 0));
  process.on('SIGTERM', () => shutdown('SIGTERM', 0));

  try {
    gantry = await startGantry(role, config, logger, starting.signal);
  } catch (error) {
    if (stopping) {
      logger.info('stopped');
      return;
    }
    throw error;
  }
  gantry.failed.catch((error: Error) => {
    if (stopping) return;
    logger.fatal({ err: error }, 'a part of gantry stopped unexpectedly');
    shutdown(error.message, 1);
  });

  const lines = ['', `gantry ${role} is running`];
  if (gantry.apiUrl) lines.push(`  API          ${gantry.apiUrl}`);
  if (gantry.temporalUiUrl) lines.push(`  Temporal UI  ${gantry.temporalUiUrl}`);
  if (gantry.adminTokenFile) lines.push(`  Admin token  in ${gantry.adminTokenFile}`);
  else if (config.GANTRY_ADMIN_TOKEN) lines.push('  Admin token  GANTRY_ADMIN_TOKEN');
  lines.push('Stop with Ctrl-C.', '');
  console.error(lines.join('\n'));
}
