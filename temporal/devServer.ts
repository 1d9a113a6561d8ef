import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import { Connection } from '@temporalio/client';
import type { Logger } from '../src/platform/logger';
import { ONE_PARTITION } from './queues';

/**
 * The embedded Temporal: `temporal server start-dev` from the pinned CLI build, as a child
 * process in its own process group so that stopping Gantry stops it and everything it started.
 */
export interface DevServerOptions {
  /** The `temporal` CLI binary. */
  binary: string;
  ip?: string;
  port: number;
  /** The Web UI's port; without one the server runs headless. */
  uiPort?: number;
  /** SQLite file that keeps workflows across restarts; without one they live in memory. */
  dbFilename?: string;
  namespace?: string;
  /** Where the server's pid is kept, so a server left behind by a killed Gantry is stopped. */
  pidFile?: string;
  /** Aborting while the server starts stops it. */
  signal?: AbortSignal;
  logger?: Logger;
}

export interface DevServer {
  address: string;
  uiUrl?: string;
  pid: number;
  /** Resolves, saying how, when the server process exits. */
  exited: Promise<string>;
  stop(): Promise<void>;
}

/**
 * The dev server's dynamic configuration: newly added search attributes usable at once instead
 * of after a cache refresh, and task queues of one partition, so that runs waiting for a
 * worker are admitted in the order they came (Temporal orders a queue's tasks per partition).
 */
const DYNAMIC_CONFIG = ['system.forceSearchAttributesCacheRefreshOnRead=true', ...ONE_PARTITION];
const STOP_GRACE_MS = 3_000;
// Slow machines need far more than the 5 s the SDK's own test server gets.
const START_TIMEOUT_MS = 60_000;

// Process groups of dev servers this process started and has not stopped yet. However this
// process ends, short of SIGKILL, they end with it; a pid file covers SIGKILL on the next start.
const runningGroups = new Set<number>();
process.on('exit', () => {
  for (const group of runningGroups) signalGroup(group, 'SIGKILL');
});

export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const ip = options.ip ?? '127.0.0.1';
  const namespace = options.namespace ?? 'default';
  if (options.pidFile) await stopLeftover(options.pidFile, options.dbFilename, options.logger);
  await assertPortFree(ip, options.port, 'the Temporal frontend (GANTRY_TEMPORAL_PORT)');
  if (options.uiPort !== undefined) {
    await assertPortFree(ip, options.uiPort, 'the Temporal UI (GANTRY_TEMPORAL_UI_PORT)');
  }

  const args = ['server', 'start-dev', '--ip', ip, '--port', String(options.port)];
  args.push('--namespace', namespace, '--log-format', 'json', '--log-level', 'warn');
  if (options.uiPort !== undefined) args.push('--ui-port', String(options.uiPort));
  else args.push('--headless');
  if (options.dbFilename) args.push('--db-filename', options.dbFilename);
  for (const value of DYNAMIC_CONFIG) args.push('--dynamic-config-value', value);

  const child = spawn(options.binary, args, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const remember = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line.trim()) continue;
      output.push(line);
      if (output.length > 20) output.shift();
      options.logger?.debug({ line }, 'temporal dev server');
    }
  };
  child.stdout?.on('data', remember);
  child.stderr?.on('data', remember);
  const exited = new Promise<string>((resolve) => {
    child.once('error', (error) => resolve(error.message));
    child.once('exit', (code, signal) => resolve(`exited with ${signal ?? `code ${code}`}`));
  });
  if (child.pid === undefined) {
    throw new Error(`starting temporal dev server: ${await exited} (binary "${options.binary}")`);
  }
  const pid = child.pid;
  runningGroups.add(-pid);
  void exited.then(() => runningGroups.delete(-pid));
  if (options.pidFile) {
    await fs.writeFile(options.pidFile, String(pid)).catch((error: Error) => {
      throw new Error(`starting temporal dev server: writing pid file: ${error.message}`);
    });
  }

  const address = `${ip}:${options.port}`;
  const server: DevServer = {
    address,
    pid,
    exited,
    ...(options.uiPort !== undefined ? { uiUrl: `http://${ip}:${options.uiPort}` } : {}),
    stop: async () => {
      await stopGroup(child, exited);
      if (options.pidFile) await fs.rm(options.pidFile, { force: true });
    },
  };

  // The wait ends when the server answers, exits, or the caller gives up.
  const waiting = new AbortController();
  const onAbort = () => waiting.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const outcome = await Promise.race([
    waitUntilServing(address, namespace, waiting.signal).then(
      () => undefined,
      (error: Error) => error.message,
    ),
    exited.then((how) => `starting temporal dev server: it ${how} before answering`),
  ]);
  waiting.abort();
  options.signal?.removeEventListener('abort', onAbort);
  if (outcome !== undefined) {
    await server.stop();
    throw new Error(`${outcome}\n${output.join('\n')}`.trim());
  }
  return server;
}

async function waitUntilServing(address: string, namespace: string, signal: AbortSignal) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (signal.aborted) throw new Error('starting temporal dev server: stopped while starting');
    try {
      // No retry interceptor: this loop is the retry, and a closed channel must leave no timer.
      const connection = await Connection.connect({
        address,
        connectTimeout: 2_000,
        interceptors: [],
      });
      try {
        await connection.workflowService.describeNamespace({ namespace });
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new Error(
    `starting temporal dev server: no answer on ${address} within ${START_TIMEOUT_MS / 1000}s: ${String(lastError)}`,
  );
}

async function stopGroup(child: ChildProcess, exited: Promise<string>) {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const group = -child.pid;
  signalGroup(group, 'SIGTERM');
  const timer = new Promise<'timeout'>((resolve) =>
    setTimeout(() => resolve('timeout'), STOP_GRACE_MS).unref(),
  );
  if ((await Promise.race([exited, timer])) === 'timeout') {
    signalGroup(group, 'SIGKILL');
    await exited;
  }
}

function signalGroup(group: number, signal: NodeJS.Signals) {
  try {
    process.kill(group, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/**
 * Stops a dev server that an earlier Gantry started and could not stop (it was killed). The
 * pid may have been reused since, so only a dev server on this data dir's files is stopped.
 */
async function stopLeftover(pidFile: string, dbFilename: string | undefined, logger?: Logger) {
  const pid = Number(await fs.readFile(pidFile, 'utf8').catch(() => ''));
  if (!Number.isInteger(pid) || pid <= 0) return;
  const args = (await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0');
  if (args.includes('start-dev') && (dbFilename === undefined || args.includes(dbFilename))) {
    logger?.warn({ pid }, 'stopping temporal dev server left running by an earlier start');
    signalGroup(-pid, 'SIGTERM');
    const deadline = Date.now() + STOP_GRACE_MS;
    while (Date.now() < deadline && (await isAlive(pid))) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (await isAlive(pid)) signalGroup(-pid, 'SIGKILL');
  }
  await fs.rm(pidFile, { force: true });
}

/** Whether a process still runs (a zombie whose threads have all exited does not). */
export async function isAlive(pid: number) {
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  if (stat === '') return false;
  if (!/^\d+ \(.*\) Z/.test(stat)) return true;
  // A zombie leader whose other threads are still exiting may still hold the server's ports;
  // once they are gone it only waits for its parent to collect it.
  const threads = await fs.readdir(`/proc/${pid}/task`).catch(() => []);
  return threads.length > 1;
}

async function assertPortFree(ip: string, port: number, what: string) {
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          error.code === 'EADDRINUSE'
            ? `starting temporal dev server: port ${port} for ${what} is already in use; ` +
                'stop whatever holds it or choose another port'
            : `starting temporal dev server: checking port ${port}: ${error.message}`,
        ),
      ),
    );
    probe.listen({ host: ip, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}
