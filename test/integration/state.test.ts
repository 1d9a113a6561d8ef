import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { BACKEND_OVERRIDE_FILE, backendOverride } from '../../activities/runner/backend';
import { schema } from '../support/tables';
import { RunState, RunType } from '../../src/runs/types';
import { issueStateCredentials } from '../../src/state/store';
import { requireTool } from '../../src/platform/tools';
import { databaseTargets, openTestDatabase, type TestDatabase } from '../support/database';
import { startStateServer, type StateServer } from '../support/stateServer';

describe.each(databaseTargets())('the state backend on $kind, used by real OpenTofu', (target) => {
  let database: TestDatabase;
  let stateServer: StateServer;
  let apiUrl: string;
  let workspace: string;
  const tofu = requireTool('tofu', process.env);

  const addRun = async (id: string) => {
    await database.db.insert(schema.runs).values({
      id,
      stackId: 'state',
      type: RunType.TRACKED,
      state: RunState.APPLYING,
      branch: 'main',
      commitHash: 'c'.repeat(40),
    });
    return issueStateCredentials(database.db, {
      runId: id,
      stackId: 'state',
      ttlMs: 60_000,
      readOnly: false,
    });
  };

  const runTofu = (args: string[], credentials: { username: string; password: string }) =>
    new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        tofu,
        [...args, '-no-color', '-input=false'],
        {
          cwd: workspace,
          env: {
            PATH: '/usr/bin:/bin',
            HOME: workspace,
            TF_IN_AUTOMATION: '1',
            TF_HTTP_USERNAME: credentials.username,
            TF_HTTP_PASSWORD: credentials.password,
          },
        },
        (error, stdout, stderr) =>
          resolve({ status: error ? Number(error.code) : 0, stdout, stderr }),
      );
    });

  beforeAll(async () => {
    database = await openTestDatabase(target);
    await database.db.insert(schema.stacks).values({
      id: 'state',
      name: 'State',
      provider: 'RAW_GIT',
      repository: 'file:///x',
      branch: 'main',
    });
    stateServer = await startStateServer(database.db);
    apiUrl = stateServer.url;
    workspace = await fs.mkdtemp(path.join(os.tmpdir(), 'gantry-state-'));
    await fs.writeFile(
      path.join(workspace, 'main.tf'),
      'resource "terraform_data" "x" {\n  input = "one"\n}\n',
    );
    await fs.writeFile(
      path.join(workspace, BACKEND_OVERRIDE_FILE),
      backendOverride(apiUrl, 'state'),
    );
  });

  afterAll(async () => {
    await stateServer?.close();
    await database?.close();
    await fs.rm(workspace, { recursive: true, force: true });
  });

  it('keeps every version OpenTofu writes and releases the lock after apply', async () => {
    const credentials = await addRun('01JSTATE00000000000000000A');
    const init = await runTofu(['init'], credentials);
    expect(init.stderr).toBe('');
    expect(init.status).toBe(0);
    const apply = await runTofu(['apply', '-auto-approve'], credentials);
    expect(apply.stderr).toBe('');
    expect(apply.stdout).toContain('Apply complete! Resources: 1 added');

    const versions = await database.db
      .select()
      .from(schema.stateVersions)
      .where(eq(schema.stateVersions.stackId, 'state'));
    expect(versions.length).toBeGreaterThan(0);
    const latest = JSON.parse(versions.at(-1)!.content.toString()) as { resources: unknown[] };
    expect(latest.resources).toHaveLength(1);
    expect(versions.at(-1)!.runId).toBe('01JSTATE00000000000000000A');
    expect(await database.db.select().from(schema.stateLocks)).toEqual([]);

    const plan = await runTofu(['plan', '-detailed-exitcode'], credentials);
    expect(plan.status).toBe(0);
  });

  it('refuses OpenTofu while another lock holds the state, naming the holder', async () => {
    const credentials = await addRun('01JSTATE00000000000000000B');
    const lock = await fetch(`${apiUrl}/state/state`, {
      method: 'LOCK',
      headers: { authorization: basic(credentials) },
      body: JSON.stringify({ ID: 'held-elsewhere', Who: 'someone@else' }),
    });
    expect(lock.status).toBe(200);

    const apply = await runTofu(['apply', '-auto-approve', '-lock-timeout=0s'], credentials);
    expect(apply.status).not.toBe(0);
    expect(apply.stderr).toContain('held-elsewhere');

    const wrongUnlock = await fetch(`${apiUrl}/state/state`, {
      method: 'UNLOCK',
      headers: { authorization: basic(credentials) },
      body: JSON.stringify({ ID: 'not-the-holder' }),
    });
    expect(wrongUnlock.status).toBe(423);
    const unlock = await fetch(`${apiUrl}/state/state`, {
      method: 'UNLOCK',
      headers: { authorization: basic(credentials) },
      body: JSON.stringify({ ID: 'held-elsewhere' }),
    });
    expect(unlock.status).toBe(200);
  });

  it('lets in only a run of the stack with its own, unexpired credentials', async () => {
    const credentials = await addRun('01JSTATE00000000000000000C');
    expect((await fetch(`${apiUrl}/state/state`)).status).toBe(401);
    const wrong = { ...credentials, password: 'guess' };
    expect(
      (await fetch(`${apiUrl}/state/state`, { headers: { authorization: basic(wrong) } })).status,
    ).toBe(401);
    const otherStack = await fetch(`${apiUrl}/state/elsewhere`, {
      headers: { authorization: basic(credentials) },
    });
    expect(otherStack.status).toBe(401);
    const expired = await issueStateCredentials(database.db, {
      runId: '01JSTATE00000000000000000C',
      stackId: 'state',
      ttlMs: -1,
      readOnly: false,
    });
    expect(
      (await fetch(`${apiUrl}/state/state`, { headers: { authorization: basic(expired) } })).status,
    ).toBe(401);
  });

  it('refuses a body that is not a state file', async () => {
    const credentials = await addRun('01JSTATE00000000000000000D');
    const response = await fetch(`${apiUrl}/state/state`, {
      method: 'POST',
      headers: { authorization: basic(credentials) },
      body: '{"not":"state"}',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'state has no numeric "serial" and string "lineage"',
    });
  });
});

function basic({ username, password }: { username: string; password: string }) {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}
