import { execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { TASK_QUEUE } from '../../temporal/client';
import { isAlive } from '../../temporal/devServer';
import { processesUsing, runGantry, userEnv, waitForReady } from '../support/processes';
import { freePort } from '../support/ports';
import { startTestTemporal, type TestTemporal } from '../support/temporal';

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

  it('refuses a second gantry all on the same data dir while the first runs', async () => {
    const first = runGantry(['all'], env);
    running = first.child;
    await waitForReady(`http://127.0.0.1:${ports.api}/readyz`, first.exit);
    const second = runGantry(['all'], {
      ...env,
      PORT: String(await freePort()),
      GANTRY_TEMPORAL_PORT: String(await freePort()),
      GANTRY_TEMPORAL_UI_PORT: String(await freePort()),
    });
    const refused = await second.exit;
    expect(refused.code).toBe(1);
    expect(refused.output).toContain(
      `gantry: another gantry all is using the data dir "${dataDir}"; stop it first`,
    );
    // The first is untouched.
    expect((await fetch(`http://127.0.0.1:${ports.api}/readyz`)).status).toBe(200);
    first.child.kill('SIGINT');
    expect((await first.exit).code).toBe(0);
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

    // The generated admin token is the API's admin credential.
    const ask = (authorization?: string) =>
      fetch(`http://127.0.0.1:${ports.api}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(authorization ? { authorization } : {}),
        },
        body: JSON.stringify({ query: '{ viewer { id admin } stacks { id } }' }),
      }).then((response) => response.json());
    expect(await ask(`Bearer ${token.trim()}`)).toEqual({
      data: { viewer: { id: 'admin', admin: true }, stacks: [] },
    });
    expect(await ask()).toMatchObject({
      errors: [{ path: ['stacks'], extensions: { code: 'UNAUTHENTICATED' } }],
    });

    gantry.child.kill('SIGTERM');
    expect((await gantry.exit).code).toBe(0);
    expect(processesUsing(dataDir)).toEqual([]);
  });

  it('starts its Temporal dev server again when it dies, and keeps the data dir private', async () => {
    const gantry = runGantry(['all'], env);
    running = gantry.child;
    await waitForReady(`http://127.0.0.1:${ports.api}/readyz`, gantry.exit);
    expect((await fs.stat(dataDir)).mode & 0o777).toBe(0o700);
    const pidFile = path.join(dataDir, 'temporal.pid');
    const first = Number(await fs.readFile(pidFile, 'utf8'));
    process.kill(-first, 'SIGKILL');

    const deadline = Date.now() + 60_000;
    let second = first;
    while (Date.now() < deadline) {
      second = Number(await fs.readFile(pidFile, 'utf8').catch(() => String(first)));
      const ready = await fetch(`http://127.0.0.1:${ports.api}/readyz`).catch(() => undefined);
      if (second !== first && ready?.status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(second).not.toBe(first);
    expect(await isAlive(second)).toBe(true);
    expect(gantry.child.exitCode).toBeNull();
    expect(gantry.output()).toContain('starting it again');

    gantry.child.kill('SIGINT');
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

describe('gantry stopping early', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gantry-e2e-early-'));
  });
  afterEach(async () => {
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  const envFor = async (port: number) =>
    userEnv({
      PORT: String(port),
      GANTRY_TEMPORAL_PORT: String(await freePort()),
      GANTRY_TEMPORAL_UI_PORT: String(await freePort()),
      GANTRY_DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
    });

  it('says the API port is taken, and leaves nothing running', async () => {
    const blocker = http.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const result = await runGantry(['all'], await envFor(port)).exit;
      expect(result.code).toBe(1);
      expect(result.output).toContain(
        `gantry: starting http server: port ${port} is already in use; set PORT to a free port`,
      );
      expect(result.output).not.toContain('Unhandled');
      expect(processesUsing(dataDir)).toEqual([]);
    } finally {
      blocker.close();
    }
  });

  it('stops within 10 s on SIGINT while still starting, and leaves nothing running', async () => {
    const gantry = runGantry(['all'], await envFor(await freePort()));
    const deadline = Date.now() + 60_000;
    while (!gantry.output().includes('database ready') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const signalled = Date.now();
    gantry.child.kill('SIGINT');
    const exit = await gantry.exit;
    expect(Date.now() - signalled).toBeLessThan(10_000);
    expect(exit.code).toBe(0);
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
      const version = execFileSync(candidate, ['-p', 'process.versions.node'], {
        encoding: 'utf8',
      });
      return Number(version.split('.')[0]) < 22;
    } catch {
      return false;
    }
  });
  (oldNode ? it : it.skip)('on Node older than 22, saying which Node it needs', async () => {
    const { exit } = runGantry(['all'], userEnv({}), oldNode);
    const result = await exit;
    expect(result.code).toBe(1);
    expect(result.output).toMatch(
      /this is Node\.js 2?\d\.[\d.]+; Gantry needs Node\.js 22 or newer/,
    );
  });
});

const postgresUrl = process.env.DATABASE_URL;
(postgresUrl ? describe : describe.skip)('gantry with PostgreSQL and Temporal of its own', () => {
  let temporal: TestTemporal;
  let databaseUrl: string;
  let schemaName: string;
  let dataDir: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    temporal = await startTestTemporal();
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gantry-e2e-external-'));
    schemaName = `e2e_${Date.now()}`;
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query(`create schema ${schemaName}`);
    await admin.end();
    const url = new URL(postgresUrl!);
    url.searchParams.set('options', `-c search_path=${schemaName}`);
    databaseUrl = url.toString();
  });

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query(`drop schema if exists ${schemaName} cascade`);
    await admin.end();
    await temporal?.stop();
    if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('runs serve and worker as separate processes and starts nothing embedded', async () => {
    const api = await freePort();
    const env = {
      ...userEnv({ GANTRY_DATA_DIR: dataDir, PORT: String(api) }),
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: temporal.address,
      GANTRY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    };
    const migrate = runGantry(['migrate'], env);
    expect((await migrate.exit).code).toBe(0);

    const worker = runGantry(['worker'], env);
    const serve = runGantry(['serve'], env);
    children.push(worker.child, serve.child);
    await waitForReady(`http://127.0.0.1:${api}/readyz`, serve.exit);

    // The worker is up once it polls Gantry's task queue.
    const deadline = Date.now() + 60_000;
    let pollers = 0;
    while (pollers === 0 && Date.now() < deadline) {
      const queue = await temporal.client.workflowService.describeTaskQueue({
        namespace: temporal.namespace,
        taskQueue: { name: TASK_QUEUE },
      });
      pollers = queue.pollers?.length ?? 0;
      if (pollers === 0) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(pollers).toBeGreaterThan(0);

    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    const tables = await admin.query<{ name: string }>(
      'select table_name as name from information_schema.tables where table_schema = $1',
      [schemaName],
    );
    await admin.end();
    expect(tables.rows.map((row) => row.name)).toContain('stacks');
    // Nothing embedded: no PGlite files, no dev server, no generated admin token.
    expect(await fs.readdir(dataDir)).toEqual([]);
    expect(serve.output()).not.toContain('Temporal UI');

    worker.child.kill('SIGTERM');
    serve.child.kill('SIGTERM');
    expect((await worker.exit).code).toBe(0);
    expect((await serve.exit).code).toBe(0);
  });

  it('applies a policy changed through one serve process from the next request to another', async () => {
    const adminToken = randomBytes(24).toString('base64url');
    const key = randomBytes(32).toString('base64');
    const start = async () => {
      const port = await freePort();
      const serve = runGantry(['serve'], {
        ...userEnv({ GANTRY_DATA_DIR: dataDir, PORT: String(port) }),
        DATABASE_URL: databaseUrl,
        TEMPORAL_ADDRESS: temporal.address,
        GANTRY_ENCRYPTION_KEY: key,
        GANTRY_ADMIN_TOKEN: adminToken,
      });
      children.push(serve.child);
      await waitForReady(`http://127.0.0.1:${port}/readyz`, serve.exit);
      const graphql = async <T>(query: string, variables = {}, token = adminToken) => {
        const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query, variables }),
        });
        const answer = (await response.json()) as { data?: T; errors?: unknown[] };
        expect(answer.errors).toBeUndefined();
        return answer.data!;
      };
      return { serve, graphql };
    };
    const [first, second] = await Promise.all([start(), start()]);

    await first.graphql(
      `mutation ($input: StackInput!) { stackCreate(input: $input, manageState: true) { id } }`,
      {
        input: {
          name: 'Billing',
          administrative: false,
          branch: 'main',
          repository: 'https://git.example.com/billing.git',
          provider: 'RAW_GIT',
        },
      },
    );
    const { apiKeyCreate } = await first.graphql<{ apiKeyCreate: { id: string; secret: string } }>(
      `mutation { apiKeyCreate(input: { name: "qa", admin: false, teams: ["qa"] }) { id secret } }`,
    );
    const { apiKeyUser } = await second.graphql<{ apiKeyUser: { jwt: string } }>(
      `mutation ($id: ID!, $secret: String!) { apiKeyUser(id: $id, secret: $secret) { jwt } }`,
      apiKeyCreate,
    );
    const asQa = async () =>
      (
        await second.graphql<{ stack: { canWrite: boolean } | null }>(
          '{ stack(id: "billing") { canWrite } }',
          {},
          apiKeyUser.jwt,
        )
      ).stack;
    const setPolicy = (body: string) =>
      first.graphql(
        'mutation ($body: String!) { policyUpdate(id: "qa", name: "QA", body: $body) { id } }',
        { body },
      );

    expect(await asQa()).toBeNull();
    await first.graphql(
      'mutation { policyCreate(name: "QA", body: "package spacelift\\nread { input.session.teams[_] == \\"qa\\" }", type: ACCESS) { id } }',
    );
    await first.graphql('mutation { policyAttach(id: "qa", stack: "billing") { id } }');
    expect(await asQa()).toEqual({ canWrite: false });
    await setPolicy('package spacelift\n\nwrite if "qa" in input.session.teams\n');
    expect(await asQa()).toEqual({ canWrite: true });
    await setPolicy('package spacelift\n\ndeny if "qa" in input.session.teams\n');
    expect(await asQa()).toBeNull();

    for (const { serve } of [first, second]) serve.child.kill('SIGTERM');
    for (const { serve } of [first, second]) expect((await serve.exit).code).toBe(0);
  });
});
