import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { isAlive } from '../../temporal/devServer';
import { freePort } from '../support/ports';

const gantryBin = path.join(__dirname, '../../bin/gantry.js');

/** The environment a user has: none of CI's DATABASE_URL, so `all` runs fully embedded. */
function userEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: "warn", ...extra };
  delete env.DATABASE_URL;
  delete env.TEMPORAL_ADDRESS;
  delete env.GANTRY_ADMIN_TOKEN;
  return env;
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

function runGantry(args: string[], env: NodeJS.ProcessEnv, node = process.execPath) {
  const child = spawn(node, [gantryBin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, output })),
  );
  return { child, exit, output: () => output };
}

async function waitForReady(url: string, exit: Promise<Exit>, timeoutMs = 110_000) {
  const deadline = Date.now() + timeoutMs;
  let exited: Exit | undefined;
  void exit.then((result) => (exited = result));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`gantry exited before it was ready:\n${exited.output}`);
    const response = await fetch(url).catch(() => undefined);
    if (response?.status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs / 1000}s`);
}

/** Processes whose command line names this test's data dir: what Gantry started. */
function processesUsing(dataDir: string) {
  const out = execFileSync('ps', ['-eo', 'pid=,stat=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((line) => line.includes(dataDir) && !/^\s*\d+\s+Z/.test(line));
}

describe('gantry all', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let ports: { api: number; temporal: number; ui: number };
  let running: ChildProcess | undefined;

  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gantry-e2e-'));
    ports = { api: await freePort(), temporal: await freePort(), ui: await freePort() };
    env = userEnv({
      PORT: String(ports.api),
      GANTRY_TEMPORAL_PORT: String(ports.temporal),
      GANTRY_TEMPORAL_UI_PORT: String(ports.ui),
      GANTRY_DATA_DIR: dataDir,
    });
  });

  afterEach(() => {
    if (running?.exitCode === null) running.kill('SIGKILL');
  });

  afterAll(async () => {
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('starts everything embedded, and SIGINT stops it all within 10 s', async () => {
    const gantry = runGantry(['all'], env);
    running = gantry.child;
    await waitForReady(`http://127.0.0.1:${ports.api}/readyz`, gantry.exit);

    expect(gantry.output()).toContain(`API          http://localhost:${ports.api}`);
    expect(gantry.output()).toContain(`Temporal UI  http://127.0.0.1:${ports.ui}`);
    expect(gantry.output()).toContain(`Admin token  in ${path.join(dataDir, 'admin-token')}`);
    const ui = await fetch(`http://127.0.0.1:${ports.ui}/`);
    expect(ui.status).toBe(200);
    const token = await fs.readFile(path.join(dataDir, 'admin-token'), 'utf8');
    expect(token.trim()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await fs.stat(path.join(dataDir, 'admin-token'))).mode & 0o777).toBe(0o600);

    // A workflow no worker polls for stays open: it must still be there after a restart.
    const connection = await Connection.connect({ address: `127.0.0.1:${ports.temporal}` });
    await new Client({ connection }).workflow.start('restartProbe', {
      taskQueue: 'nobody-polls-this',
      workflowId: 'restart-probe',
    });
    await connection.close();

    const temporalPid = Number(await fs.readFile(path.join(dataDir, 'temporal.pid'), 'utf8'));
    expect(await isAlive(temporalPid)).toBe(true);

    const signalled = Date.now();
    gantry.child.kill('SIGINT');
    const exit = await gantry.exit;
    expect(Date.now() - signalled).toBeLessThan(10_000);
    expect(exit.code).toBe(0);
    expect(await isAlive(temporalPid)).toBe(false);
    expect(processesUsing(dataDir)).toEqual([]);
  });

  it('reuses its data on the next start', async () => {
    const token = await fs.readFile(path.join(dataDir, 'admin-token'), 'utf8');
    const gantry = runGantry(['all'], env);
    running = gantry.child;
    await waitForReady(`http://127.0.0.1:${ports.api}/readyz`, gantry.exit);

    expect(await fs.readFile(path.join(dataDir, 'admin-token'), 'utf8')).toBe(token);
    const connection = await Connection.connect({ address: `127.0.0.1:${ports.temporal}` });
    const description = await new Client({ connection }).workflow
      .getHandle('restart-probe')
      .describe();
    await connection.close();
    expect(description.status.name).toBe('RUNNING');

    gantry.child.kill('SIGTERM');
    expect((await gantry.exit).code).toBe(0);
    expect(processesUsing(dataDir)).toEqual([]);
  });

  it('stops a Temporal dev server left behind by a Gantry that was killed', async () => {
    const killed = runGantry(['all'], env);
    running = killed.child;
    await waitForReady(`http://127.0.0.1:${ports.api}/readyz`, killed.exit);
    const orphan = Number(await fs.readFile(path.join(dataDir, 'temporal.pid'), 'utf8'));
    killed.child.kill('SIGKILL');
    await killed.exit;
    expect(await isAlive(orphan)).toBe(true);

    const gantry = runGantry(['all'], env);
    running = gantry.child;
    await waitForReady(`http://127.0.0.1:${ports.api}/readyz`, gantry.exit);
    expect(await isAlive(orphan)).toBe(false);
    gantry.child.kill('SIGINT');
    expect((await gantry.exit).code).toBe(0);
    expect(processesUsing(dataDir)).toEqual([]);
  });
});

describe('gantry refuses to start', () => {
  it('with a bad PORT, naming it', async () => {
    const { exit } = runGantry(['all'], userEnv({ PORT: 'abc' }));
    const result = await exit;
    expect(result.code).toBe(2);
    expect(result.output).toContain('PORT: must be a port number from 1 to 65535 (got "abc")');
  });

  it('as serve without the shared database and Temporal, saying what to do', async () => {
    const { exit } = runGantry(['serve'], userEnv({}));
    const result = await exit;
    expect(result.code).toBe(1);
    expect(result.output).toContain('needs DATABASE_URL and TEMPORAL_ADDRESS');
    expect(result.output).toContain('use `gantry all`');
  });

  it('with an unknown command, showing the usage', async () => {
    const { exit } = runGantry(['deploy'], userEnv({}));
    const result = await exit;
    expect(result.code).toBe(2);
    expect(result.output).toContain('unknown command "deploy"');
    expect(result.output).toContain('usage: gantry <role>');
  });

  const oldNode = ['/usr/bin/node', '/usr/local/bin/node'].find((candidate) => {
    try {
      const version = execFileSync(candidate, ['-p', 'process.versions.node'], { encoding: 'utf8' });
      return Number(version.split('.')[0]) < 22;
    } catch {
      return false;
    }
  });
  (oldNode ? it : it.skip)('on Node older than 22, saying which Node it needs', async () => {
    const { exit } = runGantry(['all'], userEnv({}), oldNode);
    const result = await exit;
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/this is Node\.js 2?\d\.[\d.]+; Gantry needs Node\.js 22 or newer/);
  });
});
